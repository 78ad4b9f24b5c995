/**
 * The asset register in memory, for the hot path: `AssetDirectory` answers "which asset is this
 * IP or hostname?" for every event without a query, and `AssetDiscovery` turns senders no asset
 * has into *discovered* assets and keeps last-seen times, writing only what is new.
 */
import { randomUUID } from 'node:crypto';
import { SYSTEM_PRINCIPAL, type Clock } from '@prahari/core';
import type {
  AssetDirectoryRow,
  AssetKind,
  AssetRepository,
  AssetStatus,
  AssetWrite,
  AssetZone,
} from '@prahari/store';
import type { AuditService } from '../audit/service.js';
import { parseAddress } from '../indicators/normalise.js';
import { canonicalIp, checkHostname } from './validate.js';

/** What enrichment needs of an asset. */
export interface AssetLookup {
  id: string;
  name: string;
  /** 1 (test/lab) … 5 (life/safety or city-wide); null: not rated yet (a discovered asset) */
  criticality: number | null;
  zone: AssetZone | null;
  /** the owner's user id */
  owner: string | null;
  /** the owner's username */
  ownerName: string | null;
  kind: AssetKind;
  department: string | null;
  /** active, or discovered (not yet confirmed by a person) */
  status: AssetStatus;
}

function lookupOf(r: AssetDirectoryRow): AssetLookup {
  return {
    id: r.id,
    name: r.name,
    criticality: r.criticality,
    zone: r.zone,
    owner: r.ownerId,
    ownerName: r.ownerName,
    kind: r.kind,
    department: r.department,
    status: r.status,
  };
}

/** A hostname as the directory keys it (lower case, no trailing dot), or undefined. */
function hostKey(raw: string): string | undefined {
  let h = raw.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h === '' ? undefined : h;
}

/**
 * Every asset that is not retired, indexed by IP and hostname. `refresh()` loads it (call it at
 * start, then periodically: it reloads only when the register changed); the asset service
 * refreshes it after each change it makes. `lookup` is a map read — cheap enough for every event.
 *
 * A hostname matches exactly, or by its first label when the asset's hostname is a single label
 * (`vms-01` matches an event from `vms-01.iccc.city.local`).
 */
export class AssetDirectory {
  #byIp = new Map<string, AssetLookup>();
  #byHost = new Map<string, AssetLookup>();
  #rows = new Map<string, AssetDirectoryRow>();
  #stamp: { count: number; lastUpdatedAt: string | null } | undefined;
  #refreshing: Promise<unknown> = Promise.resolve();

  constructor(private readonly repo: AssetRepository) {}

  /** True once loaded. */
  get loaded(): boolean {
    return this.#stamp !== undefined;
  }

  /** How many assets it holds. */
  get size(): number {
    return this.#rows.size;
  }

  /**
   * The asset with this IP (tried first) or hostname; undefined when none (or not loaded yet).
   * IPs are compared in canonical form: IPv6 compressed, IPv4-mapped IPv6 as IPv4.
   */
  lookup(q: {
    ip?: string | null | undefined;
    hostname?: string | null | undefined;
  }): AssetLookup | undefined {
    if (q.ip) {
      const hit = this.#byIp.get(q.ip);
      if (hit) return hit;
      const canonical = canonicalIp(q.ip);
      if (canonical !== undefined && canonical !== q.ip) {
        const again = this.#byIp.get(canonical);
        if (again) return again;
      }
    }
    if (q.hostname) {
      const h = hostKey(q.hostname);
      if (h === undefined) return undefined;
      const hit = this.#byHost.get(h);
      if (hit) return hit;
      const dot = h.indexOf('.');
      if (dot > 0) return this.#byHost.get(h.slice(0, dot));
    }
    return undefined;
  }

  /** The directory's row for an asset id (with its last-seen time), for discovery. */
  row(id: string): AssetDirectoryRow | undefined {
    return this.#rows.get(id);
  }

  /** Reloads from the register if it changed since the last load (or always, with `force`). */
  refresh(options: { force?: boolean } = {}): Promise<void> {
    const next = this.#refreshing.then(() => this.#refresh(options.force ?? false));
    this.#refreshing = next.catch(() => undefined);
    return next;
  }

  async #refresh(force: boolean): Promise<void> {
    const stamp = await this.repo.stamp();
    if (
      !force &&
      this.#stamp !== undefined &&
      stamp.count === this.#stamp.count &&
      stamp.lastUpdatedAt === this.#stamp.lastUpdatedAt
    )
      return;
    const rows = await this.repo.directory();
    const byIp = new Map<string, AssetLookup>();
    const byHost = new Map<string, AssetLookup>();
    const byId = new Map<string, AssetDirectoryRow>();
    for (const r of rows) this.#index(r, byIp, byHost, byId);
    this.#byIp = byIp;
    this.#byHost = byHost;
    this.#rows = byId;
    this.#stamp = stamp;
  }

  #index(
    r: AssetDirectoryRow,
    byIp: Map<string, AssetLookup>,
    byHost: Map<string, AssetLookup>,
    byId: Map<string, AssetDirectoryRow>,
  ): void {
    const entry = lookupOf(r);
    byId.set(r.id, r);
    for (const a of r.addresses) {
      if (a.type === 'ip') byIp.set(a.value, entry);
      else if (a.type === 'hostname') byHost.set(a.value, entry);
    }
  }

  /** Adds assets just written (discovery), without a reload. */
  add(rows: readonly AssetDirectoryRow[]): void {
    for (const r of rows) this.#index(r, this.#byIp, this.#byHost, this.#rows);
  }
}

/** One ingested event, as discovery reads it. */
export interface ObservedEvent {
  /** the address the event arrived from (the syslog sender, the HTTP client) */
  sourceIp: string | null;
  fields: {
    'host.name'?: unknown;
    'source.ip'?: unknown;
    'destination.ip'?: unknown;
    [field: string]: unknown;
  };
  /** ISO 8601 */
  receivedAt: string;
}

export interface DiscoveryResult {
  /** assets created as discovered */
  discovered: { id: string; name: string; ip: string | null; hostname: string | null }[];
  /** known assets whose last-seen time was written */
  touched: number;
}

export interface AssetDiscoveryOptions {
  repo: AssetRepository;
  directory: AssetDirectory;
  audit: AuditService;
  clock: Clock;
  /** a known asset's last-seen time is written when it moved by more than this (default 60 s) */
  touchIntervalMs?: number;
  /** at most this many new assets from one call (default 500); the rest wait for later calls */
  maxNewPerCall?: number;
}

/** Loopback, unspecified and link-local addresses are not devices of the city. */
function ignorable(ip: string): boolean {
  const a = parseAddress(ip);
  if (!a) return true;
  if (a.v === 4) return a.n >>> 24 === 127 || a.n === 0 || a.n >>> 16 === 0xa9fe;
  return a.hex === '0'.repeat(31) + '1' || a.hex === '0'.repeat(32) || a.hex.startsWith('fe8');
}

function firstText(v: unknown): string | undefined {
  const x = Array.isArray(v) ? (v as unknown[])[0] : v;
  return typeof x === 'string' && x !== '' && x !== '-' ? x : undefined;
}

function firstOf(v: unknown): string | null {
  const x = Array.isArray(v) ? (v as unknown[])[0] : v;
  return typeof x === 'string' && x !== '' ? x : null;
}

/**
 * The asset an event concerns: the target of network traffic (its `destination.ip`), else the
 * host that logged it (`host.name`), else the sender, else the source of the traffic (an inside
 * host acting). Used for events shown and for the alerts they raise.
 */
export function assetConcerned(
  directory: Pick<AssetDirectory, 'lookup'>,
  event: { fields: Record<string, unknown>; sourceIp: string | null },
): AssetLookup | undefined {
  const f = event.fields;
  return (
    directory.lookup({ ip: firstOf(f['destination.ip']) }) ??
    directory.lookup({ hostname: firstOf(f['host.name']) }) ??
    directory.lookup({ ip: event.sourceIp }) ??
    directory.lookup({ ip: firstOf(f['source.ip']) })
  );
}

/**
 * Passive discovery from ingested events. For each event's sender — its `sourceIp` and its
 * `host.name` — that no asset has, it creates a *discovered* asset (awaiting confirmation) with
 * first and last seen; for senders that are known (and for a `source.ip` that is a known asset),
 * it moves last seen forward. Cheap on the hot path: lookups are in memory, and it writes only
 * new assets and last-seen times that moved by more than a minute.
 *
 * An unknown sender IP with an unknown host name makes one asset with both. A known IP with an
 * unknown host name (a relay forwarding another device's logs) makes an asset with the host name
 * alone; an unknown IP with a known host name (a device that moved address) creates nothing.
 * `destination.ip` is not used: a destination may be down or may not exist.
 */
export class AssetDiscovery {
  readonly #repo: AssetRepository;
  readonly #directory: AssetDirectory;
  readonly #audit: AuditService;
  readonly #clock: Clock;
  readonly #touchMs: number;
  readonly #maxNew: number;
  /** last-seen time written (ms) per asset id */
  readonly #written = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: AssetDiscoveryOptions) {
    this.#repo = options.repo;
    this.#directory = options.directory;
    this.#audit = options.audit;
    this.#clock = options.clock;
    this.#touchMs = options.touchIntervalMs ?? 60_000;
    this.#maxNew = options.maxNewPerCall ?? 500;
  }

  /** Looks at a batch of events; calls run one after another. */
  observe(events: readonly ObservedEvent[]): Promise<DiscoveryResult> {
    const next = this.#queue.then(() => this.#observe(events));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #observe(events: readonly ObservedEvent[]): Promise<DiscoveryResult> {
    if (!this.#directory.loaded) await this.#directory.refresh();
    const seen = new Map<string, number>();
    const fresh = new Map<
      string,
      { ip: string | null; hostname: string | null; first: string; last: string }
    >();
    const see = (id: string, ms: number) => {
      const prev = seen.get(id);
      if (prev === undefined || ms > prev) seen.set(id, ms);
    };
    for (const e of events) {
      const ms = Date.parse(e.receivedAt);
      if (!Number.isFinite(ms)) continue;
      let ip: string | null = null;
      let ipAsset: string | undefined;
      if (e.sourceIp) {
        const known = this.#directory.lookup({ ip: e.sourceIp });
        if (known) ipAsset = known.id;
        else {
          const c = canonicalIp(e.sourceIp);
          if (c !== undefined && !ignorable(c)) ip = c;
        }
      }
      let hostname: string | null = null;
      let hostAsset: string | undefined;
      const rawHost = firstText(e.fields['host.name']);
      if (rawHost !== undefined) {
        const asIp = canonicalIp(rawHost);
        if (asIp !== undefined) {
          const known = this.#directory.lookup({ ip: asIp });
          if (known) hostAsset = known.id;
        } else {
          const known = this.#directory.lookup({ hostname: rawHost });
          if (known) hostAsset = known.id;
          else {
            const h = checkHostname(rawHost);
            if (h.ok) hostname = h.value;
          }
        }
      }
      const src = firstText(e.fields['source.ip']);
      if (src !== undefined) {
        const known = this.#directory.lookup({ ip: src });
        if (known) see(known.id, ms);
      }
      if (ipAsset) see(ipAsset, ms);
      if (hostAsset) see(hostAsset, ms);
      // What is new: see the class comment for how an IP and a host name combine.
      let candidate: { ip: string | null; hostname: string | null } | undefined;
      if (ip !== null && hostAsset === undefined) candidate = { ip, hostname };
      else if (hostname !== null) candidate = { ip: null, hostname };
      if (!candidate) continue;
      const key = candidate.ip !== null ? `ip:${candidate.ip}` : `host:${candidate.hostname}`;
      const at = new Date(ms).toISOString();
      const f = fresh.get(key);
      if (f) {
        if (at < f.first) f.first = at;
        if (at > f.last) f.last = at;
        f.hostname ??= candidate.hostname;
      } else if (fresh.size < this.#maxNew) fresh.set(key, { ...candidate, first: at, last: at });
    }

    const touches: { id: string; at: string }[] = [];
    for (const [id, ms] of seen) {
      let written = this.#written.get(id);
      if (written === undefined) {
        const last = this.#directory.row(id)?.lastSeen;
        written = last ? Date.parse(last) : -Infinity;
      }
      if (ms - written > this.#touchMs) {
        touches.push({ id, at: new Date(ms).toISOString() });
        this.#written.set(id, ms);
      } else if (!this.#written.has(id)) this.#written.set(id, written);
    }
    if (touches.length > 0) await this.#repo.touchSeen(touches);

    const discovered: DiscoveryResult['discovered'] = [];
    if (fresh.size > 0) {
      const now = this.#clock.now().toISOString();
      const wanted = [...fresh.values()].flatMap((f) => [
        f.hostname ?? f.ip!,
        ...(f.ip ? [f.ip] : []),
      ]);
      const taken = new Set((await this.#repo.getByNames(wanted)).map((a) => a.name));
      const writes: AssetWrite[] = [];
      for (const f of fresh.values()) {
        const base = f.hostname ?? f.ip!;
        let name = taken.has(base) && f.ip !== null && base !== f.ip ? `${base} (${f.ip})` : base;
        for (let n = 2; taken.has(name); n++) name = `${base} #${n}`;
        taken.add(name);
        writes.push({
          id: randomUUID(),
          name,
          kind: 'other',
          zone: null,
          department: null,
          ownerId: null,
          criticality: null,
          description: null,
          vendor: null,
          product: null,
          version: null,
          cpe: null,
          ward: null,
          site: null,
          latitude: null,
          longitude: null,
          tags: [],
          personalData: false,
          internetExposed: false,
          status: 'discovered',
          source: 'events',
          osGuess: null,
          openServices: [],
          firstSeen: f.first,
          lastSeen: f.last,
          addresses: [
            ...(f.ip !== null ? [{ type: 'ip' as const, value: f.ip, label: null }] : []),
            ...(f.hostname !== null
              ? [{ type: 'hostname' as const, value: f.hostname, label: null }]
              : []),
          ],
          createdBy: SYSTEM_PRINCIPAL.name,
          createdAt: now,
          updatedBy: SYSTEM_PRINCIPAL.name,
          updatedAt: now,
        });
        discovered.push({ id: writes.at(-1)!.id, name, ip: f.ip, hostname: f.hostname });
      }
      await this.#repo.write({ insertAssets: writes });
      this.#directory.add(
        writes.map((w) => ({
          id: w.id,
          name: w.name,
          kind: w.kind,
          zone: null,
          criticality: null,
          ownerId: null,
          ownerName: null,
          department: null,
          status: 'discovered',
          lastSeen: w.lastSeen,
          addresses: w.addresses.map((a) => ({ type: a.type, value: a.value })),
        })),
      );
      for (const w of writes) this.#written.set(w.id, Date.parse(w.lastSeen!));
      await this.#audit.record(
        { principal: SYSTEM_PRINCIPAL, ip: null },
        {
          action: 'asset.discover',
          target: 'assets',
          details: { count: discovered.length, assets: discovered.slice(0, 50) },
        },
      );
    }
    return { discovered, touched: touches.length };
  }
}
