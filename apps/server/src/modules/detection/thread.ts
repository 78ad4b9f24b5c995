import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SigmaEngine, type EngineOptions, type RuleCost, type SigmaRule } from '@prahari/sigma';
import type { IndicatorRecord } from '@prahari/store';
import { EventFeedReader } from '@prahari/store/event-feed-reader';
import { IndicatorMatcher } from '../indicators/matcher.js';
import { EventEvaluator, StepFindings, type Findings } from './evaluation.js';

/** Events to evaluate: those after `after` up to `until` (stored by then), at most `limit`. */
export interface EvaluationRequest {
  after: number;
  until: number;
  limit: number;
  /** events read at a time: the thread's heap holds one part of a long step, not all of it */
  readEvents: number;
  /** the clock's time, for expiring correlation windows when events carry no usable time */
  nowMs: number;
}

export interface EvaluationResult extends Findings {
  /** events evaluated (0: none stored after `after`) */
  count: number;
  /** the seq of the last event evaluated (`after` when none) */
  lastSeq: number;
  /** the correlation engine's figures after these events */
  correlation: Record<string, number> | undefined;
  /** time spent reading and evaluating */
  seconds: number;
}

export interface DetectionThreadOptions {
  /** the SQLite database file, opened read-only by the thread */
  database: string;
  busyTimeoutMs: number;
}

type ToThread =
  | { type: 'rules'; options: EngineOptions }
  | { type: 'indicators'; records: readonly IndicatorRecord[] }
  | { type: 'evaluate'; id: number; request: EvaluationRequest }
  | { type: 'costs'; id: number }
  | { type: 'ready'; id: number }
  | { type: 'close' };

type FromThread =
  { id: number; result: EvaluationResult | RuleCost[] | null } | { id: number; error: string };

const THREAD_MARK = 'prahari-detection-thread';

/**
 * The rules as evaluation reads them: without their documentation (description, references,
 * authors, false positives …) and the YAML document as read, which are half of their size and
 * which the engine does not look at. The thread holds its own copy; this keeps it small.
 */
function forEvaluation(options: EngineOptions): EngineOptions {
  const set = Array.isArray(options.rules) ? undefined : options.rules;
  const rules = set ? set.rules : (options.rules as SigmaRule[]);
  return {
    ...options,
    rules: rules.map((r) => ({
      ...r,
      description: undefined,
      author: undefined,
      date: undefined,
      modified: undefined,
      references: [],
      falsepositives: [],
      related: [],
      raw: {},
    })),
    filters: [...(set?.filters ?? []), ...(options.filters ?? [])].map((f) => ({ ...f, raw: {} })),
    correlations: [...(set?.correlations ?? []), ...(options.correlations ?? [])].map((c) => ({
      ...c,
      description: undefined,
    })),
  };
}

/**
 * The detection thread's young generation: 24 MB (semi-spaces of 8 MB) instead of V8's 48. A
 * batch's events die once it is evaluated, so the smaller one collects the same garbage a little
 * more often: measured at full speed with detection on, no slower (22.1-22.5k events/s against
 * 22.1-22.8k in three same-minute pairs), and at 10,000 events/s peak RSS had a median of 392 MB
 * in four runs (388-417) against 408 MB (399-410) in five.
 */
const DETECTION_THREAD_LIMITS = { maxYoungGenerationSizeMb: 24 };

/**
 * Detection's evaluation on a thread of its own: it reads the events it is asked for on its own
 * read-only connection, decodes them and runs them through its engine and indicator matcher,
 * and answers with findings — few, and small — while the event loop goes on receiving, parsing
 * and serving. It holds the correlation state; the rules and indicators it uses are the last
 * ones given, which it applies between two evaluations in the order given. A thread that dies
 * is started again, with the rules and indicators given so far, on the next request.
 */
export class DetectionThread {
  #worker: Worker | undefined;
  #pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  #nextId = 1;
  #rules: EngineOptions | undefined;
  #indicators: readonly IndicatorRecord[] | undefined;

  constructor(private readonly options: DetectionThreadOptions) {}

  /**
   * Starts the thread now (it does on the first request otherwise); resolves once it has built
   * the rules given so far, so the first events are not kept waiting for that.
   */
  async start(): Promise<void> {
    await this.#ask((id) => ({ type: 'ready', id }));
  }

  /** Rules to use from the next evaluation on (the correlation state starts afresh). */
  setRules(options: EngineOptions): void {
    this.#rules = forEvaluation(options);
    this.#worker?.postMessage({ type: 'rules', options: this.#rules } satisfies ToThread);
  }

  /** Indicators to match from the next evaluation on. */
  setIndicators(records: readonly IndicatorRecord[]): void {
    this.#indicators = records;
    this.#worker?.postMessage({ type: 'indicators', records } satisfies ToThread);
  }

  evaluate(request: EvaluationRequest): Promise<EvaluationResult> {
    return this.#ask((id) => ({ type: 'evaluate', id, request })) as Promise<EvaluationResult>;
  }

  /** The rules profiling found slowest, since the rules were last given. */
  costs(): Promise<RuleCost[]> {
    return this.#ask((id) => ({ type: 'costs', id })) as Promise<RuleCost[]>;
  }

  #ask(message: (id: number) => ToThread): Promise<unknown> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Only a question in flight keeps the process alive, so a CLI that is done can exit.
      worker.ref();
      worker.postMessage(message(id));
    });
  }

  #start(): Worker {
    // Under the TypeScript sources (tests), the thread runs the compiled module of this file.
    const here = import.meta.url;
    const url = here.endsWith('.ts')
      ? new URL('../../../dist/modules/detection/thread.js', here)
      : new URL(here);
    const worker = new Worker(url, {
      resourceLimits: DETECTION_THREAD_LIMITS,
      workerData: { [THREAD_MARK]: this.options },
    });
    if (this.#rules) worker.postMessage({ type: 'rules', options: this.#rules } satisfies ToThread);
    if (this.#indicators)
      worker.postMessage({ type: 'indicators', records: this.#indicators } satisfies ToThread);
    worker.on('message', (m: FromThread) => {
      const waiter = this.#pending.get(m.id);
      if (!waiter) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in m) waiter.reject(new Error(m.error));
      else waiter.resolve(m.result);
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiter of this.#pending.values()) waiter.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the detection thread stopped (exit ${code})`)));
    return worker;
  }

  /** Ends the thread; questions still open are answered with an error. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies ToThread);
    await exited;
  }
}

/** The thread's side: one engine, one connection, one message at a time in the order posted. */
function runDetectionThread(options: DetectionThreadOptions): void {
  const port = parentPort!;
  let reader: EventFeedReader | undefined;
  let evaluator: EventEvaluator | undefined;
  let matcher: IndicatorMatcher | null = null;
  let rulesProblem: string | undefined;
  const answer = (m: FromThread) => port.postMessage(m);
  port.on('message', (m: ToThread) => {
    switch (m.type) {
      case 'rules':
        try {
          const engine = new SigmaEngine(m.options);
          rulesProblem = undefined;
          if (evaluator) evaluator.engine = engine;
          else evaluator = new EventEvaluator(engine, matcher);
        } catch (err) {
          rulesProblem = `the detection thread could not build the rules: ${(err as Error).message}`;
        }
        return;
      case 'indicators':
        matcher = new IndicatorMatcher(m.records);
        if (evaluator) evaluator.indicators = matcher;
        return;
      case 'costs':
        answer({ id: m.id, result: evaluator?.engine.ruleCosts() ?? [] });
        return;
      case 'ready':
        answer({ id: m.id, result: null });
        return;
      case 'close':
        reader?.close();
        port.close();
        return;
      case 'evaluate':
        try {
          if (rulesProblem || !evaluator) throw new Error(rulesProblem ?? 'no rules were given');
          const started = performance.now();
          const { after, until, limit, readEvents, nowMs } = m.request;
          // Opened on the first request: the events table exists by then.
          reader ??= new EventFeedReader({
            path: options.database,
            busyTimeoutMs: options.busyTimeoutMs,
          });
          const engine = evaluator.engine;
          const step = new StepFindings();
          let count = 0;
          let lastSeq = after;
          while (count < limit) {
            const wanted = Math.min(readEvents, limit - count);
            const events = reader.readAfter(lastSeq, until, wanted);
            const last = events[events.length - 1];
            if (!last) break;
            evaluator.evaluateInto(events, step);
            count += events.length;
            lastSeq = last.seq;
            // Correlation windows that can no longer complete are dropped as event time moves on.
            engine.expire(Date.parse(last.eventTime) || nowMs);
            if (events.length < wanted) break;
          }
          answer({
            id: m.id,
            result: {
              ...step.result(),
              count,
              lastSeq,
              correlation: engine.correlation && { ...engine.correlation.stats() },
              seconds: (performance.now() - started) / 1000,
            },
          });
        } catch (err) {
          answer({ id: m.id, error: (err as Error).message });
        }
        return;
    }
  });
}

const marked = (workerData as Record<string, unknown> | null)?.[THREAD_MARK];
if (!isMainThread && marked) runDetectionThread(marked as DetectionThreadOptions);
