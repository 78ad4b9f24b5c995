/**
 * A drill against a running Prahari: each scenario's lines are sent over the server's real
 * listeners, the alerts it raises are read from its live stream, and the outcome is scored
 * against the scenario's ground truth — what was detected, how fast, what was missed, which
 * high alerts nobody expected, and (where the server groups alerts into incidents) whether they
 * became the incident they should.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock } from '@prahari/core';
import {
  incidentsSettled,
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
  /** how long to wait, after the last line, for alerts (and incidents) still missing */
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
  revision: number;
  createdAt: string;
  lastSeen: string;
  count: number;
  updatedAt: string;
  statusAt: string | null;
  kind: ObservedAlert['kind'];
  ruleId: string;
  ruleTitle: string;
  level: string;
  severity: string;
  asset: { name: string } | null;
  matched: { indicator?: { value?: string } };
}

/**
 * The server's live alert stream (SSE), kept as: alert id → the alert, when detection raised it
 * or saw it again (not when someone, or the incident grouping, only changed its status), and the
 * latest revision seen. Read over a plain HTTP request, so closing it closes the connection at
 * once and the server is not left waiting on it.
 */
class AlertWatcher {
  readonly changes = new Map<
    string,
    { alert: ObservedAlert; sighting: string; changedAtMs: number[]; revision: number }
  >();
  #request: ClientRequest | undefined;

  async open(url: string, apiKey: string): Promise<void> {
    const target = new URL('/api/v1/alerts/stream', url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' },
    });
    this.#request = request;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', (err) => reject(new DrillError(`cannot reach ${url}: ${err.message}`)));
      request.end();
    });
    // once open, the stream ends only by close()
    request.on('error', () => undefined);
    res.on('error', () => undefined);
    res.setEncoding('utf8');
    if (res.statusCode !== 200) {
      let body = '';
      for await (const chunk of res) body += chunk as string;
      request.destroy();
      throw new DrillError(`the alert stream answered ${res.statusCode}: ${body}`);
    }
    // The server writes its retry hint before anything else: once read, nothing is missed.
    await new Promise<void>((resolve) => {
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.#event(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        resolve();
      });
    });
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
    // what detection changes when it sees the alert again
    const sighting = `${a.count} ${a.lastSeen}`;
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
      createdAtMs: Date.parse(a.createdAt),
    };
    if (seen) {
      seen.alert = { ...alert, seenAtMs: seen.alert.seenAtMs };
      if (sighting !== seen.sighting) seen.changedAtMs.push(now);
      seen.sighting = sighting;
      seen.revision = Math.max(seen.revision, a.revision);
    } else
      this.changes.set(a.id, {
        alert,
        sighting,
        // an alert from before the stream opened whose status alone changed was not raised now
        changedAtMs: a.statusAt === a.updatedAt ? [] : [now],
        revision: a.revision,
      });
  }

  /** Alerts raised or seen again at or after `fromMs`, each as first seen in that time. */
  since(fromMs: number): ObservedAlert[] {
    const out: ObservedAlert[] = [];
    for (const { alert, changedAtMs } of this.changes.values()) {
      const first = changedAtMs.find((t) => t >= fromMs);
      if (first !== undefined) out.push({ ...alert, seenAtMs: first });
    }
    return out;
  }

  /** The latest revision of the alert the stream has brought (0: none). */
  revisionOf(id: string): number {
    return this.changes.get(id)?.revision ?? 0;
  }

  close(): void {
    this.#request?.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often a waiting drill asks the server again. */
const POLL_MS = 100;
/** How long lines already sent may take to be stored (UDP is not acknowledged: lost ones never are). */
const INGEST_WAIT_MS = 2_000;
/**
 * How long to wait, once the alerts are in, for an incident to hold them when none does yet
 * (a server without incidents.autoOpen leaves opening them to people).
 */
const INCIDENT_GRACE_MS = 3_000;

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

interface IngestTotals {
  stored: number;
  deadLettered: number;
  udpDropped: number;
}

const handled = (t: IngestTotals) => t.stored + t.deadLettered + t.udpDropped;

/** Waits until the server has handled `lines` more lines than `before` (or `deadline` passes). */
async function ingested(
  api: Api,
  before: IngestTotals,
  lines: number,
  deadline: number,
): Promise<void> {
  while (Date.now() < deadline) {
    if (handled(await api.get<IngestTotals>('/api/v1/ingest/stats')) >= handled(before) + lines)
      return;
    await sleep(POLL_MS);
  }
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
    await sleep(POLL_MS);
  }
}

/**
 * Waits until the live stream has brought every change the server holds of the alerts last
 * seen since `fromMs` (or `deadline` passes): the stream runs a little behind the store.
 */
async function streamCaughtUp(
  api: Api,
  watcher: AlertWatcher,
  fromMs: number,
  deadline: number,
): Promise<void> {
  const from = encodeURIComponent(new Date(fromMs).toISOString());
  while (Date.now() < deadline) {
    const held = await api.get<{ id: string; revision: number }[]>(
      `/api/v1/alerts?from=${from}&limit=1000`,
    );
    if (held.every((a) => watcher.revisionOf(a.id) >= a.revision)) return;
    await sleep(POLL_MS);
  }
}

interface IncidentDetailBody {
  incident: {
    id: string;
    number: string;
    title: string;
    certInType: string | null;
    personalDataBreach: boolean;
    createdAt: string;
  };
  alerts: { id: string }[];
}

/**
 * The server's incidents as the drill sees them. Each incident's alerts are read again only when
 * it changed since the last look, so waiting for them costs one list a poll.
 */
class IncidentReader {
  readonly #seen = new Map<string, { updatedAt: string; incident: ObservedIncident }>();

  constructor(private readonly api: Api) {}

  /** The incidents holding any of the alerts, or null when the server has no incidents API. */
  async holding(alertIds: readonly string[]): Promise<ObservedIncident[] | null> {
    const list = await this.api.call<{ incidents: { id: string; updatedAt: string }[] }>(
      'GET',
      '/api/v1/incidents?limit=100',
    );
    if (list.status !== 200) return null;
    const out: ObservedIncident[] = [];
    for (const { id, updatedAt } of list.body.incidents) {
      let seen = this.#seen.get(id);
      if (seen?.updatedAt !== updatedAt) {
        const d = await this.api.get<IncidentDetailBody>(
          `/api/v1/incidents/${encodeURIComponent(id)}`,
        );
        seen = {
          updatedAt,
          incident: {
            id: d.incident.id,
            number: d.incident.number,
            title: d.incident.title,
            certInType: d.incident.certInType,
            personalDataBreach: d.incident.personalDataBreach,
            alertIds: d.alerts.map((a) => a.id),
            createdAtMs: Date.parse(d.incident.createdAt),
          },
        };
        this.#seen.set(id, seen);
      }
      if (seen.incident.alertIds.some((a) => alertIds.includes(a))) out.push(seen.incident);
    }
    return out;
  }
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
  const incidents = new IncidentReader(api);
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
  // Each attack must make an incident of its own: one an earlier attack is in counts as merged.
  const earlierIncidents = new Map<string, string>();
  try {
    for (const [index, scenario] of options.scenarios.entries()) {
      const run = scenario.build(options.city, options.seed + index);
      options.onProgress?.({
        type: 'scenario',
        name: run.name,
        title: run.title,
        lines: run.steps.length,
      });
      const score = await drillOne(
        api,
        watcher,
        incidents,
        run,
        rules.ids,
        options,
        tcpPort,
        udpPort,
        earlierIncidents,
      );
      if (score.incidents.some((i) => i.status !== 'not-checked')) report.incidentsChecked = true;
      for (const i of score.incidents)
        if (i.status === 'detected') earlierIncidents.set(i.incidents[0]!, run.name);
      report.scenarios.push(score);
      options.onProgress?.({ type: 'scored', score });
    }
  } finally {
    watcher.close();
  }
  return report;
}

async function drillOne(
  api: Api,
  watcher: AlertWatcher,
  incidents: IncidentReader,
  run: ScenarioRun,
  loaded: ReadonlySet<string>,
  options: DrillOptions,
  tcpPort: number,
  udpPort: number,
  earlierIncidents: ReadonlyMap<string, string>,
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
  const before = await api.get<IngestTotals>('/api/v1/ingest/stats');
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
  await ingested(api, before, run.steps.length, Math.min(deadline, Date.now() + INGEST_WAIT_MS));
  await caughtUp(api, deadline);
  const observe = (held: ObservedIncident[] | null) => ({
    startMs,
    alerts: watcher.since(startMs),
    loadedRules: loaded,
    incidents: held,
    earlierIncidents,
  });
  let score = scoreScenario(run, observe(null));
  while (
    Date.now() < deadline &&
    score.expectations.some((e) => e.status === 'missed' || e.status === 'partial')
  ) {
    await sleep(POLL_MS);
    score = scoreScenario(run, observe(null));
  }
  // Event times are whole seconds in most formats: look back one more.
  await streamCaughtUp(api, watcher, startMs - 1_000, deadline);
  // The server groups alerts into incidents once it has recorded them: wait for them while an
  // attack is split over incidents, or for a moment while none holds it yet.
  const alertsInMs = Date.now();
  const ids = () => watcher.since(startMs).map((a) => a.id);
  score = scoreScenario(run, observe(await incidents.holding(ids())));
  while (
    !incidentsSettled(score) &&
    Date.now() < deadline &&
    (score.incidents.some((i) => i.status === 'split') ||
      Date.now() - alertsInMs < INCIDENT_GRACE_MS)
  ) {
    await sleep(POLL_MS * 2);
    score = scoreScenario(run, observe(await incidents.holding(ids())));
  }
  return score;
}
