import { randomUUID } from 'node:crypto';
import type { Clock } from '@prahari/core';
import type { RuleCost } from '@prahari/sigma';
import type { AlertRecord, IndicatorRecord, Store } from '@prahari/store';
import type { AssetDirectory, ObservedEvent } from '../assets/directory.js';
import type { Actor, AuditService } from '../audit/service.js';
import { EventEvaluator, hitOf, type Finding, type IndicatorFinder } from './evaluation.js';
import type { DetectionMetrics } from './metrics.js';
import type { RuleLibrary } from './rule-library.js';
import type { AlertStream } from './stream.js';
import { DetectionThread, type EvaluationResult } from './thread.js';

/** What indicator matching gives detection: a current matcher and a place to count hits. */
export interface IndicatorFeed {
  /** the matcher in use, and the indicators it was built from (for the detection thread) */
  matcher(): IndicatorFinder & { readonly indicators: readonly IndicatorRecord[] };
  recordHits(hits: ReadonlyMap<string, { count: number; at: string }>): Promise<void>;
}

/** The asset register as detection sees it: who an event concerns, and discovery of new senders. */
export interface AssetFeed {
  directory: Pick<AssetDirectory, 'lookup'>;
  discovery?: { observe(events: readonly ObservedEvent[]): Promise<unknown> };
}

export interface DetectionOptions {
  /**
   * events the detection thread reads at a time; a step is one such read, or up to
   * `STEP_MAX_READS` of them when detection is behind
   */
  batchEvents: number;
  /** a hit adds to the open alert with the same rule and group seen within this window */
  dedupeWindowMs: number;
  /** how often to look for new events when nobody announced any */
  pollMs: number;
  /** the database the detection thread reads events from */
  thread: { database: string; busyTimeoutMs: number };
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

/**
 * How many reads a step may take when detection is behind. Each step's alerts are recorded in one
 * write, which waits its turn behind ingest's batches: with one read per step, detection fell
 * behind at full ingest speed (~10,000 events/s evaluated while ~35,000 were stored) and caught
 * up only once ingest stopped, on one core. When it is not behind, a step is what was stored since
 * the last one, as before.
 */
const STEP_MAX_READS = 10;

/**
 * Runs every stored event through the rules, the correlation engine and the indicators, off the
 * ingest path: it follows the events table by `seq` (a durable queue that a burst can fill and a
 * restart cannot lose) and writes each step's alerts together with its position, so every event
 * is evaluated exactly once into alerts. The evaluation itself — reading the events, decoding
 * them, the rules — runs on a thread of its own (`DetectionThread`), which works on the next
 * events while this one records the last step's alerts; a step whose alerts could not be written
 * is written again, never evaluated again.
 */
export class DetectionService {
  #cursor = 0;
  /** the last event seq handed to the thread: what the next request starts after */
  #readTo = 0;
  #lastSeq = 0;
  #running = false;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #caughtUpWaiters: { seq: number; resolve: () => void }[] = [];
  #thread: DetectionThread | undefined;
  /** the rule generation and indicator matcher the thread was last given */
  #given: { generation: number; indicators: object | undefined } | undefined;
  #correlation: Record<string, number> | undefined;
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
    this.#readTo = this.#cursor;
    this.#thread = new DetectionThread(this.options.thread);
    this.#given = { generation: this.library.generation, indicators: undefined };
    // Starting waits for the thread to build its rules, so the first events do not wait for it.
    this.#thread.setRules(this.library.engineOptions);
    await this.#thread.start();
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
      rules: this.library.compiledCount,
      running: this.#running,
    };
  }

  /** The figures of live detection's correlation engine (none while it is not running). */
  correlationStats(): Record<string, number> | undefined {
    return this.#running ? this.#correlation : undefined;
  }

  /** The rules live detection's profiling found slowest, since the rules were last loaded. */
  ruleCosts(): Promise<RuleCost[]> {
    return this.#running && this.#thread ? this.#thread.costs() : Promise.resolve([]);
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
    /** the next step, asked for while the last one's alerts are recorded */
    let ahead: Promise<EvaluationResult | undefined> | undefined;
    while (!this.#stopping) {
      let step: EvaluationResult | undefined;
      try {
        step = await (ahead ?? this.#ask());
        failures = 0;
      } catch (err) {
        // Nothing was recorded and the cursor did not move: ask for the same events again.
        failures++;
        this.log.error({ err }, 'detection step failed; retrying');
        await this.#sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
        continue;
      } finally {
        ahead = undefined;
      }
      if (step) {
        this.#readTo = step.lastSeq;
        ahead = this.#ask();
        // Its failure is dealt with when it is awaited (or it is dropped when stopping).
        ahead.catch(() => undefined);
        await this.#recordUntilDone(step);
      }
      this.metrics.lagEvents.set(Math.max(0, this.#lastSeq - this.#cursor));
      for (const w of this.#caughtUpWaiters.filter((x) => x.seq <= this.#cursor)) w.resolve();
      this.#caughtUpWaiters = this.#caughtUpWaiters.filter((x) => x.seq > this.#cursor);
      if (!step) await this.#sleep(this.options.pollMs);
    }
  }

  /**
   * Asks the thread for the events after the last ones it was given, up to those stored now;
   * undefined when there are none. Rule and indicator changes reach the thread first, so events
   * stored after a change are evaluated with it.
   */
  async #ask(): Promise<EvaluationResult | undefined> {
    const thread = this.#thread!;
    const matcher = this.indicators?.matcher();
    if (this.#given?.generation !== this.library.generation) {
      thread.setRules(this.library.engineOptions);
    }
    if (matcher && matcher !== this.#given?.indicators) thread.setIndicators(matcher.indicators);
    this.#given = { generation: this.library.generation, indicators: matcher };
    const until = await this.store.eventFeed.lastSeq();
    this.#lastSeq = Math.max(this.#lastSeq, until);
    if (until <= this.#readTo) return undefined;
    const step = await thread.evaluate({
      after: this.#readTo,
      until,
      limit: this.options.batchEvents * STEP_MAX_READS,
      readEvents: this.options.batchEvents,
      nowMs: this.clock.now().getTime(),
    });
    return step.count > 0 ? step : undefined;
  }

  /** Records a step, again after a failure (the transaction rolled back), until it is done. */
  async #recordUntilDone(step: EvaluationResult): Promise<void> {
    for (let failures = 1; ; failures++) {
      try {
        await this.#record(step);
        return;
      } catch (err) {
        this.log.error({ err }, 'recording detection results failed; retrying');
        if (this.#stopping) return;
        await this.#sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
        if (this.#stopping) return;
      }
    }
  }

  async #record(step: EvaluationResult): Promise<void> {
    const started = performance.now();
    const hits = step.findings.map((f) => hitOf(f, this.assets?.directory ?? null));
    const now = this.clock.now();
    const { opened, updated } = await this.store.alerts.record(hits, {
      windowMs: this.options.dedupeWindowMs,
      now: now.toISOString(),
      newId: randomUUID,
      cursor: { name: CURSOR, value: step.lastSeq },
    });
    this.#cursor = step.lastSeq;
    this.#correlation = step.correlation;
    this.totals.evaluated += step.count;
    this.metrics.eventsEvaluated.inc(step.count);
    for (const hit of hits) this.metrics.ruleMatches.inc({ rule: hit.ruleId });
    this.#published(opened, updated, step.findings, now);
    if (this.indicators && step.indicatorHits.size > 0) {
      await this.indicators.recordHits(step.indicatorHits).catch((err: unknown) => {
        this.log.error({ err }, 'recording indicator hits failed');
      });
    }
    if (this.assets?.discovery) {
      await this.assets.discovery.observe(step.senders).catch((err: unknown) => {
        this.log.error({ err }, 'asset discovery failed');
      });
    }
    this.metrics.batchSeconds.observe(step.seconds + (performance.now() - started) / 1000);
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

  #published(opened: AlertRecord[], updated: AlertRecord[], findings: Finding[], now: Date) {
    this.totals.opened += opened.length;
    this.totals.updated += updated.length;
    const receivedAt = new Map(
      findings.map((f) => [f.eventSeqs[f.eventSeqs.length - 1], f.receivedAt]),
    );
    for (const a of opened) {
      this.metrics.alertsOpened.inc({ kind: a.kind, level: a.level });
      const received = receivedAt.get(a.eventSeqs[a.eventSeqs.length - 1]);
      if (received)
        this.metrics.alertLatency.observe((now.getTime() - Date.parse(received)) / 1000);
    }
    const changed = [...opened, ...updated].sort((a, b) => a.revision - b.revision);
    if (changed.length > 0) this.stream.publish(changed);
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
    const evaluator = new EventEvaluator(engine, this.indicators?.matcher() ?? null);
    const result: BackfillResult = { fromSeq, toSeq, events: 0, opened: 0, updated: 0 };
    let seq = fromSeq;
    while (seq < toSeq) {
      const events = await this.store.eventFeed.readAfter(seq, this.options.batchEvents, toSeq);
      if (events.length === 0) break;
      const { findings } = evaluator.evaluate(events);
      const now = this.clock.now();
      const { opened, updated } = await this.store.alerts.record(
        findings.map((f) => hitOf(f, this.assets?.directory ?? null)),
        {
          windowMs: this.options.dedupeWindowMs,
          now: now.toISOString(),
          newId: randomUUID,
        },
      );
      this.#published(opened, updated, findings, now);
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
    await this.#thread?.close();
    this.#running = false;
    for (const w of this.#caughtUpWaiters.splice(0)) w.resolve();
  }
}
