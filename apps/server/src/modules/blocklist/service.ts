import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError, type Clock } from '@prahari/core';
import type { BlockEntry, BlockListRepository } from '@prahari/store';
import { ConfigError } from '../../config/index.js';
import type { Actor, AuditService } from '../audit/service.js';
import {
  checkIndicator,
  parseAddress,
  parseCidr,
  v4Mask,
  v6Prefix,
  type Cidr,
} from '../indicators/normalise.js';
import { parseExpiry } from '../indicators/service.js';

/** A network as the overlap test reads it; a single address is a full-length network. */
function networkOf(value: string): Cidr | undefined {
  if (value.includes('/')) return parseCidr(value);
  const a = parseAddress(value);
  if (!a) return undefined;
  return a.v === 4 ? { v: 4, net: a.n, bits: 32 } : { v: 6, prefix: a.hex, bits: 128 };
}

/** Whether two networks share any address: the shorter prefix decides. */
function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  if (a.v === 4 && b.v === 4) return ((a.net ^ b.net) & v4Mask(bits)) >>> 0 === 0;
  if (a.v === 6 && b.v === 6)
    return v6Prefix(a.prefix.padEnd(32, '0'), bits) === v6Prefix(b.prefix.padEnd(32, '0'), bits);
  return false;
}

/** The canonical text of an address or network, or a ValidationError saying what is wrong. */
export function canonicalBlockValue(raw: string): string {
  const value = raw.trim();
  const checked = value.includes('/') ? checkIndicator('cidr', value) : checkIndicator('ip', value);
  if (!checked.ok)
    throw new ValidationError(`Cannot block '${raw}': ${checked.reason}.`, { field: 'value' });
  return checked.value;
}

export interface BlockInput {
  value: string;
  reason: string;
  /** ISO 8601 or an age from now (24h, 7d); absent: until removed */
  expiresAt?: string | null | undefined;
}

/**
 * The block list firewalls pull (`/blocklist.txt`): addresses and networks with why, who and until
 * when. Entries are removed, never deleted, so the history of what was blocked stays. Addresses
 * within `response.blocklist.protect` are refused, so neither a person nor a playbook can cut the
 * city off from its own servers.
 */
export class BlockListService {
  readonly #protect: { text: string; network: Cidr }[];

  constructor(
    private readonly repo: BlockListRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    protect: readonly string[],
    private readonly newId: () => string = randomUUID,
  ) {
    const issues = protect.flatMap((text, i) => {
      const network = networkOf(text.trim());
      return network
        ? []
        : [
            {
              key: `response.blocklist.protect.${i}`,
              origin: 'configuration',
              value: text,
              problem: 'not an IP address or CIDR network',
              allowed: 'an address (10.0.0.1) or a network (10.0.0.0/8, 2001:db8::/32)',
            },
          ];
    });
    if (issues.length > 0) throw new ConfigError(issues);
    this.#protect = protect.map((text) => ({ text, network: networkOf(text.trim())! }));
  }

  /**
   * Adds an entry; when the same value is already listed and in force, that entry is returned
   * instead (`added: false`) and nothing changes.
   */
  async add(
    actor: Actor,
    input: BlockInput,
    by: { runId: string } | null = null,
  ): Promise<{ entry: BlockEntry; added: boolean }> {
    const value = canonicalBlockValue(input.value);
    const network = networkOf(value)!;
    const guarded = this.#protect.find((p) => overlaps(p.network, network));
    if (guarded)
      throw new ValidationError(
        `Cannot block ${value}: it covers ${guarded.text}, which response.blocklist.protect keeps off the block list.`,
        { field: 'value', protected: guarded.text },
      );
    const now = this.clock.now();
    let expiresAt: string | null = null;
    if (input.expiresAt) {
      const parsed = parseExpiry(input.expiresAt, now);
      if (!('ok' in parsed))
        throw new ValidationError(
          parsed.reason.replace(
            'the indicator would never match',
            'the entry would never be in force',
          ),
          {
            field: 'expiresAt',
          },
        );
      expiresAt = parsed.value;
    }
    const existing = (await this.repo.active(now.toISOString())).find((e) => e.value === value);
    if (existing) return { entry: existing, added: false };
    const entry: BlockEntry = {
      id: this.newId(),
      value,
      reason: input.reason,
      addedBy: actor.principal?.name ?? 'system',
      addedByKind: by ? 'run' : 'person',
      runId: by?.runId ?? null,
      createdAt: now.toISOString(),
      expiresAt,
      removedAt: null,
      removedBy: null,
    };
    await this.repo.insert(entry);
    await this.audit.record(actor, {
      action: 'blocklist.add',
      target: `blocklist:${value}`,
      details: { id: entry.id, reason: entry.reason, expiresAt, ...(by && { run: by.runId }) },
    });
    return { entry, added: true };
  }

  async remove(actor: Actor, id: string): Promise<BlockEntry> {
    const entry = await this.repo.get(id);
    if (!entry) throw new NotFoundError(`There is no block-list entry ${id}.`);
    const now = this.clock.now().toISOString();
    const by = actor.principal?.name ?? 'system';
    if (await this.repo.remove(id, by, now)) {
      await this.audit.record(actor, {
        action: 'blocklist.remove',
        target: `blocklist:${entry.value}`,
        details: { id, reason: entry.reason },
      });
      return { ...entry, removedAt: now, removedBy: by };
    }
    return entry;
  }

  /** Entries in force now (`active`), or every entry ever made, newest first. */
  async list(query: { active: boolean; limit: number }): Promise<BlockEntry[]> {
    if (query.active)
      return (await this.repo.active(this.clock.now().toISOString()))
        .reverse()
        .slice(0, query.limit);
    return this.repo.all(query.limit);
  }

  /**
   * The list as firewalls read it: a comment header, then one address or network per line, each
   * once. Palo Alto EDL, FortiGate threat feeds and pfSense/OPNsense URL tables all take this.
   */
  async text(): Promise<string> {
    const now = this.clock.now();
    const values = [...new Set((await this.repo.active(now.toISOString())).map((e) => e.value))];
    return (
      `# Prahari block list, ${values.length} ${values.length === 1 ? 'entry' : 'entries'}, generated ${now.toISOString()}\n` +
      values.map((v) => `${v}\n`).join('')
    );
  }
}
