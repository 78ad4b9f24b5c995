import { randomUUID } from 'node:crypto';
import type { Clock } from '@prahari/core';
import type { Match, SigmaEngine } from '@prahari/sigma';
import type {
  AlertAsset,
  AlertHit,
  AlertRecord,
  EventRecord,
  IndicatorRecord,
  Store,
} from '@prahari/store';
import { assetConcerned, type AssetDirectory } from '../assets/directory.js';
import type { Actor, AuditService } from '../audit/service.js';
import type { DetectionMetrics } from './metrics.js';
import type { RuleLibrary } from './rule-library.js';
import type { AlertStream } from './stream.js';

/** What indicator matching gives detection: a current matcher and a place to count hits. */
export interface IndicatorFeed {
  matcher(): {
    match(event: { fields: Record<string, unknown>; sourceIp: string | null; message?: string }): {
      indicator: IndicatorRecord;
      field: string;
      value: string;
    }[];
  };
  recordHits(hits: ReadonlyMap<string, { count: number; at: string }>): Promise<void>;
}

/** The asset register as detection sees it: who an event concerns, and discovery of new senders. */
export interface AssetFeed {
  directory: Pick<AssetDirectory, 'lookup'>;
  discovery?: {
    observe(
      events: readonly {
        sourceIp: string | null;
        fields: Record<string, unknown>;
        receivedAt: string;
      }[],
    ): Promise<unknown>;
  };
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/**
 * The rule's level weighed by what the alert concerns: one step up on a criticality-5 asset
 * (life and safety, city-wide services), one step down on a criticality 1–2 asset (test benches,
 * lab kit); unchanged on 3–4 and on assets nobody has rated.
 */
export function severityOf(level: string, criticality: number | null | undefined): string {
  const i = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (i < 0 || criticality === null || criticality === undefined) return level;
  const shift = criticality >= 5 ? 1 : criticality <= 2 ? -1 : 0;
  return LEVELS[Math.max(0, Math.min(LEVELS.length - 1, i + shift))]!;
}

export interface DetectionOptions {
  /** events read and evaluated per step */
  batchEvents: number;
  /** a hit adds to the open alert with the same rule and group seen within this window */
  dedupeWindowMs: number;
  /** how often to look for new events when nobody announced any */
  pollMs: number;
}

export interface DetectionStats {
  /** the last event seq detection has finished with */
  cursor: number;
  /** the newest stored event */
  lastSeq: number;
  /** events stored but not yet evaluated */
  lagEvents: number;
  evaluated: number;
  alertsOpened: number;
  alertsUpdated: number;
  rules: number;
  running: boolean;
}

export interface BackfillResult {
  fromSeq: number;
  toSeq: number;
  events: number;
  opened: number;
  updated: number;
}

const CURSOR = 'detection';
const DEFAULT_LEVEL = 'medium';

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

/** The first value when a parser produced a list. */
function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A Windows event in the evtx_dump JSON layout (`Event.System`, `Event.EventData`), as received:
 * the engine's Windows pipeline classifies it by channel and event id (Sysmon 1 is
 * process_creation, Security 4688 too with its own field names), which its flattened stored
 * fields cannot show.
 */
function windowsEventOf(e: EventRecord): Record<string, unknown> | undefined {
  if (e.fields['Event.System.EventID'] === undefined || !e.raw.startsWith('{')) return undefined;
  try {
    const root = JSON.parse(e.raw) as unknown;
    return typeof root === 'object' && root !== null && 'Event' in root ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs every stored event through the rules, the correlation engine and the indicators, off the
 * ingest path: it follows the events table by `seq` (a durable queue that a burst can fill and a
 * restart cannot lose) and writes each step's alerts together with its position, so every event
 * is evaluated exactly once into alerts.
 */
export class DetectionService {
  #cursor = 0;
  #lastSeq = 0;
  #running = false;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #caughtUpWaiters: { seq: number; resolve: () => void }[] = [];
  #seqOfFields = new WeakMap<object, number>();
  readonly totals = { evaluated: 0, opened: 0, updated: 0 };

  constructor(
    private readonly store: Store,
    private readonly library: RuleLibrary,
    private readonly indicators: IndicatorFeed | null,
    private readonly stream: AlertStream,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly metrics: DetectionMetrics,
    private readonly options: DetectionOptions,
    private readonly log: { error(obj: object, msg: string): void },
    private readonly assets: AssetFeed | null = null,
  ) {}

  /** Starts following the events table; on the very first start, from its current end. */
  async start(): Promise<void> {
    const saved = await this.store.eventFeed.cursor(CURSOR);
    this.#lastSeq = await this.store.eventFeed.lastSeq();
    if (saved === undefined) {
      this.#cursor = this.#lastSeq;
      await this.store.eventFeed.setCursor(CURSOR, this.#cursor, this.clock.now().toISOString());
    } else {
      this.#cursor = saved;
    }
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New events were committed: look now rather than at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  stats(): DetectionStats {
    return {
      cursor: this.#cursor,
      lastSeq: this.#lastSeq,
      lagEvents: Math.max(0, this.#lastSeq - this.#cursor),
      evaluated: this.totals.evaluated,
      alertsOpened: this.totals.opened,
      alertsUpdated: this.totals.updated,
      rules: this.library.engine.compiledCount,
      running: this.#running,
    };
  }

  /** Resolves once every event stored before the call has been evaluated. */
  async whenCaughtUp(): Promise<void> {
    const target = await this.store.eventFeed.lastSeq();
    if (this.#cursor >= target) return;
    await new Promise<void>((resolve) => {
      this.#caughtUpWaiters.push({ seq: target, resolve });
      this.notify();
    });
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      let events: EventRecord[] = [];
      try {
        events = await this.store.eventFeed.readAfter(this.#cursor, this.options.batchEvents);
        if (events.length > 0) {
          await this.#step(events);
          failures = 0;
        } else {
          this.#lastSeq = Math.max(this.#lastSeq, this.#cursor);
        }
      } catch (err) {
        // The step's transaction rolled back and the cursor did not move: retry the same events.
        failures++;
        this.log.error({ err }, 'detection step failed; retrying');
        events = [];
        await this.#sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
        continue;
      }
      this.metrics.lagEvents.set(Math.max(0, this.#lastSeq - this.#cursor));
      for (const w of this.#caughtUpWaiters.filter((x) => x.seq <= this.#cursor)) w.resolve();
      this.#caughtUpWaiters = this.#caughtUpWaiters.filter((x) => x.seq > this.#cursor);
      if (events.length < this.options.batchEvents) await this.#sleep(this.options.pollMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  async #step(events: EventRecord[]): Promise<void> {
    const end = this.metrics.batchSeconds.startTimer();
    const engine = this.library.engine;
    const { hits, indicatorHits } = this.#evaluate(engine, events);
    const last = events[events.length - 1]!.seq;
    const now = this.clock.now();
    const { opened, updated } = await this.store.alerts.record(hits, {
      windowMs: this.options.dedupeWindowMs,
      now: now.toISOString(),
      newId: randomUUID,
      cursor: { name: CURSOR, value: last },
    });
    this.#cursor = last;
    this.#lastSeq = Math.max(this.#lastSeq, last, await this.store.eventFeed.lastSeq());
    this.totals.evaluated += events.length;
    this.metrics.eventsEvaluated.inc(events.length);
    this.#published(opened, updated, events, now);
    if (this.indicators && indicatorHits.size > 0) {
      await this.indicators.recordHits(indicatorHits).catch((err: unknown) => {
        this.log.error({ err }, 'recording indicator hits failed');
      });
    }
    if (this.assets?.discovery) {
      await this.assets.discovery.observe(events).catch((err: unknown) => {
        this.log.error({ err }, 'asset discovery failed');
      });
    }
    // Correlation windows that can no longer complete are dropped as event time moves on.
    engine.expire(Date.parse(events[events.length - 1]!.eventTime) || now.getTime());
    end();
  }

  #published(opened: AlertRecord[], updated: AlertRecord[], events: EventRecord[], now: Date) {
    this.totals.opened += opened.length;
    this.totals.updated += updated.length;
    const receivedAt = new Map(events.map((e) => [e.seq, e.receivedAt]));
    for (const a of opened) {
      this.metrics.alertsOpened.inc({ kind: a.kind, level: a.level });
      const first = receivedAt.get(a.eventSeqs[a.eventSeqs.length - 1] ?? -1);
      if (first) this.metrics.alertLatency.observe((now.getTime() - Date.parse(first)) / 1000);
    }
    const changed = [...opened, ...updated].sort((a, b) => a.revision - b.revision);
    if (changed.length > 0) this.stream.publish(changed);
  }

  /** Rule, correlation and indicator hits of some events, in event order. */
  #evaluate(
    engine: SigmaEngine,
    events: EventRecord[],
  ): { hits: AlertHit[]; indicatorHits: Map<string, { count: number; at: string }> } {
    const hits: AlertHit[] = [];
    const indicatorHits = new Map<string, { count: number; at: string }>();
    const matcher = this.indicators?.matcher();
    for (const e of events) {
      this.#seqOfFields.set(e.fields, e.seq);
      const matches = engine.evaluate(
        windowsEventOf(e) ?? {
          fields: e.fields,
          logsource: e.logsource,
          message: e.message,
          eventTime: e.eventTime,
        },
      );
      for (const m of matches) {
        const hit = this.#hitOf(m, e);
        this.metrics.ruleMatches.inc({ rule: hit.ruleId });
        hits.push(hit);
      }
      if (!matcher) continue;
      for (const found of matcher.match(e)) {
        const ind = found.indicator;
        const h = indicatorHits.get(ind.id) ?? { count: 0, at: e.eventTime };
        h.count++;
        if (e.eventTime > h.at) h.at = e.eventTime;
        indicatorHits.set(ind.id, h);
        const who = this.#who(e);
        hits.push({
          kind: 'indicator',
          ruleId: `indicator:${ind.id}`,
          ruleTitle: `Known-bad ${ind.type} ${ind.value} (${ind.source}, TLP:${ind.tlp.toUpperCase()})`,
          level: 'high',
          severity: severityOf('high', who.asset?.criticality),
          logsource: e.logsource,
          tags: [],
          dedupeKey: `indicator|${ind.id}|${who.sourceIp ?? ''}|${who.hostName ?? ''}`,
          groupFields: { indicator: ind.value, field: found.field },
          seenAt: e.eventTime,
          ...who,
          eventSeqs: [e.seq],
          matched: {
            [found.field]: found.value,
            indicator: { id: ind.id, type: ind.type, value: ind.value, source: ind.source },
          },
        });
      }
    }
    return { hits, indicatorHits };
  }

  #who(e: EventRecord) {
    const f = e.fields;
    const sourceIp = text(first(f['source.ip'])) ?? e.sourceIp;
    const hostName = text(first(f['host.name']));
    return {
      sourceIp,
      hostName,
      sourceName: e.sourceName,
      userName: text(first(f['user.name'])),
      asset: this.#assetOf(e),
    };
  }

  #assetOf(e: EventRecord): AlertAsset | null {
    const found = this.assets ? assetConcerned(this.assets.directory, e) : undefined;
    return found
      ? {
          id: found.id,
          name: found.name,
          criticality: found.criticality,
          zone: found.zone,
          ownerId: found.owner,
          ownerName: found.ownerName,
        }
      : null;
  }

  #hitOf(m: Match, e: EventRecord): AlertHit {
    const ruleId = m.ruleId ?? m.ruleName ?? m.title;
    const who = this.#who(e);
    if (m.kind === 'correlation') {
      const c = m.correlation as {
        group: Record<string, unknown>;
        value: number;
        eventCount: number;
        windowStartMs: number;
        windowEndMs: number;
        firstEventMs: number;
        evidence: { event: Record<string, unknown> }[];
        rule: { type: string };
      };
      const seqs = c.evidence
        .map((ev) => this.#seqOfFields.get(ev.event))
        .filter((s): s is number => s !== undefined);
      return {
        kind: 'correlation',
        ruleId,
        ruleTitle: m.title,
        level: m.level ?? DEFAULT_LEVEL,
        severity: severityOf(m.level ?? DEFAULT_LEVEL, who.asset?.criticality),
        logsource: e.logsource,
        tags: m.tags,
        dedupeKey: `${ruleId}|${JSON.stringify(c.group)}`,
        groupFields: c.group,
        seenAt: new Date(c.windowEndMs).toISOString(),
        ...who,
        sourceIp: text(first(c.group['source.ip'])) ?? who.sourceIp,
        eventSeqs: seqs.length > 0 ? seqs : [e.seq],
        matched: {
          type: c.rule.type,
          value: c.value,
          events: c.eventCount,
          windowStart: new Date(c.windowStartMs).toISOString(),
          windowEnd: new Date(c.windowEndMs).toISOString(),
          group: c.group,
        },
      };
    }
    return {
      kind: 'sigma',
      ruleId,
      ruleTitle: m.title,
      level: m.level ?? DEFAULT_LEVEL,
      severity: severityOf(m.level ?? DEFAULT_LEVEL, who.asset?.criticality),
      logsource: e.logsource,
      tags: m.tags,
      dedupeKey: `${ruleId}|${who.sourceIp ?? ''}|${who.hostName ?? ''}`,
      groupFields: { 'source.ip': who.sourceIp, 'host.name': who.hostName },
      seenAt: e.eventTime,
      ...who,
      eventSeqs: [e.seq],
      matched: m.fields,
    };
  }

  /**
   * Runs today's rules over events received since `since`, up to where live detection stands,
   * with a fresh engine so old events do not disturb live correlation windows. Alerts are
   * deduplicated against existing ones like live hits.
   */
  async backfill(actor: Actor, since: string): Promise<BackfillResult> {
    const fromSeq = await this.store.eventFeed.seqBeforeReceived(since);
    // Live detection handles what comes after its cursor; without it, backfill goes to the end.
    const toSeq = this.#running ? this.#cursor : await this.store.eventFeed.lastSeq();
    const { engine } = await this.library.build();
    const result: BackfillResult = { fromSeq, toSeq, events: 0, opened: 0, updated: 0 };
    let seq = fromSeq;
    while (seq < toSeq) {
      const events = await this.store.eventFeed.readAfter(seq, this.options.batchEvents, toSeq);
      if (events.length === 0) break;
      const { hits } = this.#evaluate(engine, events);
      const now = this.clock.now();
      const { opened, updated } = await this.store.alerts.record(hits, {
        windowMs: this.options.dedupeWindowMs,
        now: now.toISOString(),
        newId: randomUUID,
      });
      this.#published(opened, updated, events, now);
      result.events += events.length;
      result.opened += opened.length;
      result.updated += updated.length;
      seq = events[events.length - 1]!.seq;
      // Yield between steps so a long backfill never starves ingest or live detection.
      await new Promise((r) => setImmediate(r));
    }
    await this.audit.record(actor, {
      action: 'detection.backfill',
      target: 'events',
      details: { since, ...result },
    });
    return result;
  }

  /** Finishes the current step and stops. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#running = false;
    for (const w of this.#caughtUpWaiters.splice(0)) w.resolve();
  }
}
