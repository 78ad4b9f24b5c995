/**
 * A drill against a running Prahari: each scenario's lines are sent over the server's real
 * listeners, the alerts it raises are read from its live stream, and the outcome is scored
 * against the scenario's ground truth — what was detected, how fast, what was missed, which
 * high alerts nobody expected, and (where the server groups alerts into incidents) whether they
 * became the incident they should.
 */
import type { Clock } from '@prahari/core';
import {
  scoreScenario,
  type DemoCity,
  type ObservedAlert,
  type ObservedIncident,
  type Scenario,
  type ScenarioRun,
  type ScenarioScore,
} from '@prahari/demo-city';
import { NetworkSink, SinkError } from './sink.js';
import { simulate } from './simulate.js';

export interface DrillOptions {
  /** the server, e.g. http://127.0.0.1:7700 */
  url: string;
  /** an API key with role analyst or admin: it sends events, adds indicators, reads alerts */
  apiKey: string;
  city: DemoCity;
  scenarios: readonly Scenario[];
  /** picks the attackers' addresses; the n-th scenario uses seed + n */
  seed: number;
  /** how much faster than their own pace the scenarios run */
  speed: number;
  /** how long to wait, after the last line, for alerts still missing */
  settleMs: number;
  /** send every syslog line over this transport */
  syslog?: 'tcp' | 'udp';
  clock: Clock;
  onProgress?: (event: DrillProgress) => void;
}

export type DrillProgress =
  | { type: 'scenario'; name: string; title: string; lines: number }
  | { type: 'sent'; name: string; seconds: number }
  | { type: 'scored'; score: ScenarioScore };

export interface DrillReport {
  server: string;
  startedAt: string;
  seed: number;
  speed: number;
  rules: {
    inUse: number;
    /** packs with rules in use, e.g. city, sigmahq */
    packs: string[];
    /** placeholders rules wait for (`camera_networks` …): their rules match nothing until set */
    unsetPlaceholders: string[];
  };
  /** false when the server has no incidents API */
  incidentsChecked: boolean;
  scenarios: ScenarioScore[];
}

export class DrillError extends Error {}

interface StreamAlert {
  id: string;
  kind: ObservedAlert['kind'];
  ruleId: string;
  ruleTitle: string;
  level: string;
  severity: string;
  asset: { name: string } | null;
  matched: { indicator?: { value?: string } };
}

/** The server's live alert stream (SSE), kept as: alert id → the alert and when it last changed. */
class AlertWatcher {
  readonly #controller = new AbortController();
  readonly changes = new Map<string, { alert: ObservedAlert; changedAtMs: number[] }>();
  #reading: Promise<void> | undefined;

  async open(url: string, apiKey: string): Promise<void> {
    const res = await fetch(new URL('/api/v1/alerts/stream', url), {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' },
      signal: this.#controller.signal,
    });
    if (!res.ok || !res.body)
      throw new DrillError(
        `the alert stream answered ${res.status}: ${await res.text().catch(() => '')}`,
      );
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The server writes its retry hint before anything else: once read, nothing is missed.
    let buffer = decoder.decode((await reader.read()).value ?? new Uint8Array(), { stream: true });
    this.#reading = (async () => {
      try {
        for (;;) {
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.#event(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
        }
      } catch {
        // closed by close()
      }
    })();
  }

  #event(block: string): void {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (!/^event: alert$/m.test(block) || data === '') return;
    const a = JSON.parse(data) as StreamAlert;
    const now = Date.now();
    const seen = this.changes.get(a.id);
    const alert: ObservedAlert = {
      id: a.id,
      kind: a.kind,
      ruleId: a.ruleId,
      ruleTitle: a.ruleTitle,
      level: a.level,
      severity: a.severity,
      asset: a.asset?.name ?? null,
      indicator: a.matched?.indicator?.value ?? null,
      seenAtMs: now,
    };
    if (seen) {
      seen.alert = { ...alert, seenAtMs: seen.alert.seenAtMs };
      seen.changedAtMs.push(now);
    } else this.changes.set(a.id, { alert, changedAtMs: [now] });
  }

  /** Alerts opened or changed at or after `fromMs`, each as first seen in that time. */
  since(fromMs: number): ObservedAlert[] {
    const out: ObservedAlert[] = [];
    for (const { alert, changedAtMs } of this.changes.values()) {
      const first = changedAtMs.find((t) => t >= fromMs);
      if (first !== undefined) out.push({ ...alert, seenAtMs: first });
    }
    return out;
  }

  async close(): Promise<void> {
    this.#controller.abort();
    await this.#reading;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls to the server's API with the drill's key. */
class Api {
  constructor(
    readonly url: string,
    private readonly apiKey: string,
  ) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.url), {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new DrillError(`cannot reach ${this.url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T };
  }

  async get<T>(path: string): Promise<T> {
    const r = await this.call<T & { message?: string }>('GET', path);
    if (r.status !== 200)
      throw new DrillError(`GET ${path} answered ${r.status}: ${r.body?.message ?? ''}`);
    return r.body;
  }
}

interface RuleRow {
  id: string;
  pack: string;
  enabled: boolean;
  problems: { severity: string; message: string }[];
}

async function loadedRules(api: Api): Promise<{
  ids: Set<string>;
  packs: string[];
  unsetPlaceholders: string[];
}> {
  const ids = new Set<string>();
  const packs = new Set<string>();
  const placeholders = new Set<string>();
  for (let offset = 0; ; offset += 5000) {
    const page = await api.get<{ total: number; rules: RuleRow[] }>(
      `/api/v1/rules?enabled=true&limit=5000&offset=${offset}`,
    );
    for (const r of page.rules) {
      if (r.problems.some((p) => p.severity === 'error')) continue;
      ids.add(r.id);
      packs.add(r.pack);
      for (const p of r.problems) {
        const m = /placeholder %([\w.-]+)% has no configured value/.exec(p.message);
        if (m) placeholders.add(m[1]!);
      }
    }
    if (offset + page.rules.length >= page.total || page.rules.length === 0) break;
  }
  return { ids, packs: [...packs].sort(), unsetPlaceholders: [...placeholders].sort() };
}

interface DetectionProgress {
  detection: { cursor: number; lastSeq: number };
}

/** Waits until detection has evaluated everything stored so far (or `deadline` passes). */
async function caughtUp(api: Api, deadline: number): Promise<void> {
  const target = (await api.get<DetectionProgress>('/api/v1/alerts/summary')).detection.lastSeq;
  while (Date.now() < deadline) {
    const { detection } = await api.get<DetectionProgress>('/api/v1/alerts/summary');
    if (detection.cursor >= target) return;
    await sleep(100);
  }
}

/** The incidents holding the scenario's alerts, or null when the server has no incidents API. */
async function incidentsOf(
  api: Api,
  alertIds: readonly string[],
): Promise<ObservedIncident[] | null> {
  const list = await api.call<{ incidents: { id: string }[] }>(
    'GET',
    '/api/v1/incidents?limit=100',
  );
  if (list.status === 404) return null;
  if (list.status !== 200) return null;
  const out: ObservedIncident[] = [];
  for (const { id } of list.body.incidents) {
    const detail = await api.get<{
      incident: {
        id: string;
        number: string;
        title: string;
        certInType: string | null;
        personalDataBreach: boolean;
      };
      alerts: { id: string }[];
    }>(`/api/v1/incidents/${encodeURIComponent(id)}`);
    const held = detail.alerts.map((a) => a.id);
    if (!held.some((a) => alertIds.includes(a))) continue;
    out.push({ ...detail.incident, alertIds: held });
  }
  return out;
}

const NO_BACKGROUND = {
  next(): never {
    throw new Error('a drill sends no background');
  },
};

/**
 * Runs the scenarios one after another against the server and scores each. Indicators a
 * scenario brings are added first (they stay: the city keeps its threat intelligence).
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const api = new Api(options.url, options.apiKey);
  const rules = await loadedRules(api);
  const stats = await api.get<{ listeners: { tcpPort: number | null; udpPort: number | null } }>(
    '/api/v1/ingest/stats',
  );
  const { tcpPort, udpPort } = stats.listeners;
  if (tcpPort === null || udpPort === null)
    throw new DrillError(
      'the server has no syslog listener on TCP or UDP (ingest.syslog.tcpEnabled/udpEnabled): a drill sends over both',
    );
  const watcher = new AlertWatcher();
  await watcher.open(options.url, options.apiKey);
  const report: DrillReport = {
    server: options.url,
    startedAt: options.clock.now().toISOString(),
    seed: options.seed,
    speed: options.speed,
    rules: {
      inUse: rules.ids.size,
      packs: rules.packs,
      unsetPlaceholders: rules.unsetPlaceholders,
    },
    incidentsChecked: false,
    scenarios: [],
  };
  try {
    for (const [index, scenario] of options.scenarios.entries()) {
      const run = scenario.build(options.city, options.seed + index);
      options.onProgress?.({
        type: 'scenario',
        name: run.name,
        title: run.title,
        lines: run.steps.length,
      });
      const score = await drillOne(api, watcher, run, rules.ids, options, tcpPort, udpPort);
      if (score.incidents.some((i) => i.status !== 'not-checked')) report.incidentsChecked = true;
      report.scenarios.push(score);
      options.onProgress?.({ type: 'scored', score });
    }
  } finally {
    await watcher.close();
  }
  return report;
}

async function drillOne(
  api: Api,
  watcher: AlertWatcher,
  run: ScenarioRun,
  loaded: ReadonlySet<string>,
  options: DrillOptions,
  tcpPort: number,
  udpPort: number,
): Promise<ScenarioScore> {
  if (run.indicators.length > 0) {
    const r = await api.call<{ message?: string }>(
      'POST',
      '/api/v1/indicators',
      run.indicators.map((i) => ({
        value: i.value,
        type: i.type,
        source: i.source,
        description: i.description,
        tlp: 'amber',
      })),
    );
    if (r.status !== 201)
      throw new DrillError(
        `adding the scenario's indicators failed (${r.status}): ${r.body.message ?? ''}`,
      );
  }
  const startMs = Date.now();
  const sink = new NetworkSink({
    url: options.url,
    apiKey: options.apiKey,
    tcpPort,
    udpPort,
    ...(options.syslog && { syslog: options.syslog }),
  });
  try {
    await simulate(NO_BACKGROUND, sink, {
      rate: 0,
      durationSeconds: 0,
      scenario: run,
      speed: options.speed,
      clock: options.clock,
    });
  } catch (err) {
    throw err instanceof SinkError ? new DrillError(err.message) : err;
  } finally {
    await sink.close().catch(() => undefined);
  }
  options.onProgress?.({ type: 'sent', name: run.name, seconds: (Date.now() - startMs) / 1000 });
  const deadline = Date.now() + options.settleMs;
  // UDP datagrams are not acknowledged: give the listener a moment before asking detection.
  await sleep(300);
  await caughtUp(api, deadline);
  const observe = (incidents: ObservedIncident[] | null) => ({
    startMs,
    alerts: watcher.since(startMs),
    loadedRules: loaded,
    incidents,
  });
  let score = scoreScenario(run, observe(null));
  while (
    Date.now() < deadline &&
    score.expectations.some((e) => e.status === 'missed' || e.status === 'partial')
  ) {
    await sleep(250);
    score = scoreScenario(run, observe(null));
  }
  // The stream runs a little behind the store: let the last changes arrive.
  await sleep(500);
  const alerts = watcher.since(startMs);
  return scoreScenario(run, {
    ...observe(
      await incidentsOf(
        api,
        alerts.map((a) => a.id),
      ),
    ),
    alerts,
  });
}
