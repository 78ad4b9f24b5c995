/**
 * Cascading-impact benchmark: `node packages/core/dist/impact/bench.js` (the root `npm run
 * bench` runs it). Generates a city-like register of 50,000 assets and 200,000 dependencies —
 * substations, feeders and site power (two feeders, k=1), a data centre on UPS, core /
 * aggregation / access switches, server tiers, SCADA pairs and PLCs, pumping stations, traffic
 * controllers, NVRs, cameras, Wi-Fi and sensors, and ward services held by k-of-n sets of them —
 * with cycles (SCADA ↔ historian, core switches ↔ AAA servers, app servers feeding each other).
 * Prints graph build time, blast radius p50/p99/max over random single and multiple failures
 * (target < 200 ms each), what-if, single points of failure, risk ranking, and RSS. Figures
 * only; not a test.
 *
 * Environment: BENCH_ASSETS (default 50000), BENCH_EDGES (default 200000), BENCH_QUERIES
 * (default 200).
 */
import { seededRandom } from '../random.js';
import { blastRadius } from './blast-radius.js';
import { buildGraph } from './graph.js';
import { riskRanking } from './risk.js';
import { singlePointsOfFailure } from './spof.js';
import type { ImpactAsset, ImpactEdge, ImpactService } from './types.js';
import { whatIf } from './what-if.js';

const ASSETS = Number(process.env['BENCH_ASSETS'] ?? 50_000);
const EDGES = Number(process.env['BENCH_EDGES'] ?? 200_000);
const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 200);
const WARDS = 100;

const rand = seededRandom(20260601);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
function pickTwo<T>(xs: readonly T[]): [T, T] {
  const a = int(xs.length);
  let b = int(xs.length - 1);
  if (b >= a) b++;
  return [xs[a]!, xs[b]!];
}

/** A city-like register; every count scales with `assetTotal` except the fixed core. */
function generateCity(assetTotal: number, edgeTotal: number) {
  const assets: ImpactAsset[] = [];
  const services: ImpactService[] = [];
  const edges: ImpactEdge[] = [];
  const scale = assetTotal / 50_000;
  const count = (n: number) => Math.max(2, Math.round(n * scale));
  let groupNo = 0;
  const group = (k: number) => ({ group: `g${groupNo++}`, k });

  function add(prefix: string, n: number, kind: string, extra: Partial<ImpactAsset> = {}) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `${prefix}-${i}`;
      ids.push(id);
      assets.push({
        id,
        name: `${kind} ${i}`,
        kind,
        criticality: 1 + int(5),
        internetExposed: rand() < 0.03,
        personalData: rand() < 0.05,
        ...(rand() < 0.05
          ? {
              openAlerts: { count: 1 + int(6), maxLevel: pick(['low', 'medium', 'high'] as const) },
            }
          : {}),
        ...extra,
      });
    }
    return ids;
  }
  const hard = (from: string, to: string, type: ImpactEdge['type'], delay = 0) =>
    edges.push({ from, to, type, ...(delay > 0 ? { timeToImpactMinutes: delay } : {}) });
  const redundant = (
    from: string,
    tos: readonly string[],
    type: ImpactEdge['type'],
    k: number,
    delay = 0,
  ) => {
    const redundancy = group(k);
    for (const to of tos)
      edges.push({
        from,
        to,
        type,
        redundancy,
        ...(delay > 0 ? { timeToImpactMinutes: delay } : {}),
      });
  };
  /** the ward's share of a list */
  const byWard = (ids: readonly string[], w: number) => ids.filter((_x, i) => i % WARDS === w);

  // Power
  const substations = add('sub', count(40), 'substation', { criticality: 5 });
  const feeders = add('feeder', count(400), 'feeder', { criticality: 4 });
  for (const f of feeders) hard(f, pick(substations), 'powered_by');
  const sites = add('site', count(2000), 'site power');
  for (const s of sites) redundant(s, pickTwo(feeders), 'powered_by', 1);
  const dc = add('dcpower', 4, 'data-centre power', { criticality: 5 });
  for (const d of dc) redundant(d, pickTwo(feeders), 'powered_by', 1);

  // Network
  const cores = add('core', 4, 'core switch', { criticality: 5 });
  cores.forEach((c, i) => hard(c, dc[i]!, 'powered_by', 30));
  const aggs = add('agg', count(200), 'aggregation switch');
  aggs.forEach((a, i) => {
    redundant(a, [cores[i % 4]!, cores[(i + 1) % 4]!], 'network_via', 1);
    hard(a, pick(sites), 'powered_by', 15);
  });
  const wardSites = Array.from({ length: WARDS }, (_, w) => byWard(sites, w));
  const access = add('acc', count(2400), 'access switch');
  access.forEach((a, i) => {
    const agg = aggs[Math.floor((i / access.length) * aggs.length)]!;
    if (rand() < 0.4) redundant(a, [agg, pick(aggs)].filter(unique), 'network_via', 1);
    else hard(a, agg, 'network_via');
    hard(a, pick(wardSites[i % WARDS]!), 'powered_by', 15);
  });
  const wardAccess = Array.from({ length: WARDS }, (_, w) => byWard(access, w));

  // Data centre servers, on UPS, dual-homed to the core
  const server = (prefix: string, n: number, kind: string, extra: Partial<ImpactAsset> = {}) => {
    const ids = add(prefix, n, kind, extra);
    ids.forEach((s, i) => {
      redundant(s, [cores[i % 4]!, cores[(i + 2) % 4]!], 'network_via', 1);
      hard(s, dc[i % 4]!, 'powered_by', 30);
    });
    return ids;
  };
  const infra = server('infra', count(40), 'AAA/DNS server', { criticality: 5 });
  const aaa = infra.slice(0, 2);
  for (const c of cores) redundant(c, aaa, 'depends_on', 1, 240); // cycle: core ↔ AAA
  const dbs = server('db', count(400), 'database', { personalData: true });
  const apps = server('app', count(600), 'application server');
  for (const a of apps) {
    hard(a, pick(dbs), 'depends_on');
    redundant(a, pickTwo(infra), 'depends_on', 1, 60);
  }
  for (let i = 0; i < apps.length * 0.8; i++) {
    const [a, b] = pickTwo(apps);
    hard(a, b, 'data_from', 60 * (1 + int(4))); // app servers feeding each other: cycles
  }
  const webs = server('web', count(400), 'web application', { internetExposed: true });
  for (const w of webs) redundant(w, pickTwo(apps), 'depends_on', 1);
  const payment = add('paygw', 2, 'payment gateway', { internetExposed: true, criticality: 5 });

  // OT: SCADA pairs with historians (cycle), PLCs, pumping stations
  const scada = server('scada', count(100), 'SCADA server', { criticality: 5, zone: 'OT' });
  const historians = server('hist', count(50), 'historian', { zone: 'OT' });
  historians.forEach((h, i) => {
    hard(h, scada[2 * i]!, 'data_from');
    hard(scada[2 * i]!, h, 'data_from', 120);
  });
  const plcs = add('plc', count(2000), 'PLC', { zone: 'OT' });
  plcs.forEach((p, i) => {
    const pair = Math.floor((i / plcs.length) * (scada.length / 2));
    redundant(p, [scada[2 * pair]!, scada[2 * pair + 1]!], 'depends_on', 1, 60);
    hard(p, pick(wardAccess[i % WARDS]!), 'network_via');
    hard(p, pick(wardSites[i % WARDS]!), 'powered_by');
  });
  const pumps = add('pump', count(600), 'pumping station', { zone: 'OT', criticality: 5 });
  pumps.forEach((p, i) => {
    hard(p, plcs[(i * 3) % plcs.length]!, 'depends_on', 30);
    redundant(p, pickTwo(feeders), 'powered_by', 1);
  });

  // Field devices
  const atcs = apps.slice(0, 20);
  const traffic = add('tc', count(1500), 'traffic controller', { zone: 'IoT' });
  traffic.forEach((t, i) => {
    hard(t, pick(wardAccess[i % WARDS]!), 'network_via');
    hard(t, pick(wardSites[i % WARDS]!), 'powered_by', 10);
    redundant(t, pickTwo(atcs), 'depends_on', 1, 30);
  });
  const nvrs = add('nvr', count(600), 'NVR');
  nvrs.forEach((n, i) => {
    hard(n, pick(wardAccess[i % WARDS]!), 'network_via');
    hard(n, pick(wardSites[i % WARDS]!), 'powered_by', 20);
  });
  const vms = server('vms', 30, 'VMS server');
  const aps = add('ap', count(2000), 'Wi-Fi AP', { zone: 'IoT' });
  aps.forEach((a, i) => {
    hard(a, pick(wardAccess[i % WARDS]!), 'network_via');
    hard(a, pick(wardSites[i % WARDS]!), 'powered_by');
  });
  const sensors = add('sensor', count(8000), 'sensor', { zone: 'IoT' });
  const wardAps = Array.from({ length: WARDS }, (_, w) => byWard(aps, w));
  sensors.forEach((s, i) => {
    hard(s, pick(wardAps[i % WARDS]!), 'network_via');
    hard(s, pick(wardSites[i % WARDS]!), 'powered_by', 60);
  });
  const cameras = add('cam', Math.max(0, assetTotal - assets.length), 'camera', { zone: 'IoT' });
  const wardNvrs = Array.from({ length: WARDS }, (_, w) => byWard(nvrs, w));
  cameras.forEach((c, i) => {
    hard(c, pick(wardAccess[i % WARDS]!), 'network_via');
    hard(c, pick(wardSites[i % WARDS]!), 'powered_by', 15);
    hard(c, pick(wardNvrs[i % WARDS]!), 'depends_on');
  });

  // Services: five per ward, held by k-of-n sets of its devices; city-wide e-governance.
  const supports = (service: string, ids: readonly string[], share: number) => {
    const redundancy = group(Math.max(1, Math.floor(ids.length * share)));
    for (const id of ids) edges.push({ from: id, to: service, type: 'supports', redundancy });
  };
  for (let w = 0; w < WARDS; w++) {
    const svc = (id: string, name: string, citizenImpact: number, mtd: number) => {
      services.push({
        id: `${id}-w${w}`,
        name: `${name}, ward ${w}`,
        citizenImpact,
        populationServed: 20_000 + int(40_000),
        maxTolerableDowntimeMinutes: mtd,
      });
      return `${id}-w${w}`;
    };
    supports(svc('water', 'Water supply', 5, 240), byWard(pumps, w), 0.6);
    const cctv = svc('cctv', 'CCTV surveillance', 4, 60);
    supports(cctv, byWard(cameras, w), 0.7);
    redundant(cctv, vms.slice((w % 10) * 3, (w % 10) * 3 + 3), 'depends_on', 2);
    supports(svc('traffic', 'Traffic signals', 4, 30), byWard(traffic, w), 0.8);
    supports(svc('wifi', 'Public Wi-Fi', 1, 1440), byWard(aps, w), 0.5);
    supports(svc('env', 'Environment monitoring', 2, 720), byWard(sensors, w), 0.5);
  }
  for (let i = 0; i < 20; i++) {
    const id = `egov-${i}`;
    services.push({
      id,
      name: `e-governance service ${i}`,
      citizenImpact: 2 + int(3),
      populationServed: 100_000 + int(900_000),
      maxTolerableDowntimeMinutes: 1440,
    });
    supports(id, pickTwo(webs), 0.5);
    redundant(id, payment, 'depends_on', 1);
  }

  // Top up to the edge total with analytics (ANPR, flood warning) that need a share of the
  // camera and sensor feeds: k-of-n groups of up to 200 feeds, half of them needed.
  const feeds = [...cameras, ...sensors];
  const analytics = apps.slice(20);
  while (edges.length < edgeTotal && feeds.length > 0) {
    const chosen = new Set<string>();
    const size = Math.min(200, edgeTotal - edges.length);
    while (chosen.size < Math.min(size, feeds.length)) chosen.add(pick(feeds));
    redundant(pick(analytics), [...chosen], 'data_from', Math.max(1, chosen.size >> 1), 5);
  }
  return { assets, services, edges: edges.slice(0, edgeTotal) };
}

function unique<T>(x: T, i: number, xs: readonly T[]): boolean {
  return xs.indexOf(x) === i;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
/** CPU time since `since` (user + system, GC threads included): steadier than wall time on a busy machine */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (x: number) => x.toFixed(1).padStart(7);
const num = (x: number) => Math.round(x).toLocaleString('en-US');

const t0 = process.hrtime.bigint();
const city = generateCity(ASSETS, EDGES);
const genMs = ms(t0);
const t1 = process.hrtime.bigint();
const graph = buildGraph(city.assets, city.services, city.edges);
const buildMs = ms(t1);
console.log(
  `Impact graph: ${num(graph.assetCount)} assets, ${num(city.services.length)} services, ` +
    `${num(graph.edges.length)} edges, ${num(graph.groupCount)} k-of-n groups; ` +
    `generated in ${genMs.toFixed(0)} ms, built in ${buildMs.toFixed(0)} ms`,
);

function measure(label: string, sets: string[][]) {
  const times: number[] = [];
  const sizes: number[] = [];
  const cpu0 = process.cpuUsage();
  for (const set of sets) {
    const t = process.hrtime.bigint();
    const r = blastRadius(graph, set);
    times.push(ms(t));
    sizes.push(r.affected.length);
  }
  console.log(
    `${label.padEnd(34)} p50 ${fmt(pct(times, 50))} ms  p99 ${fmt(pct(times, 99))} ms  ` +
      `max ${fmt(Math.max(...times))} ms  CPU/query ${fmt(cpuMs(cpu0) / sets.length)} ms  ` +
      `affected: median ${num(pct(sizes, 50))}, max ${num(Math.max(...sizes))}`,
  );
}

// warm up the JIT and the scratch space
for (let i = 0; i < 20; i++) blastRadius(graph, [graph.ids[int(graph.assetCount)]!]);
const randomAsset = () => graph.ids[int(graph.assetCount)]!;
measure(
  `${QUERIES} random single failures`,
  Array.from({ length: QUERIES }, () => [randomAsset()]),
);
const infraIds = city.assets
  .filter((a) => /^(sub|feeder|dcpower|core|agg|acc|infra|db|app|scada)-/.test(a.id))
  .map((a) => a.id);
measure(
  `${QUERIES} infrastructure single failures`,
  Array.from({ length: QUERIES }, () => [pick(infraIds)]),
);
measure(
  `50 random 10-asset failures`,
  Array.from({ length: 50 }, () => Array.from({ length: 10 }, randomAsset)),
);
measure('largest single failures', [['dcpower-1'], ['core-0'], ['sub-0'], ['infra-0']]);
measure('city-wide outages', [
  ['core-0', 'core-1', 'core-2', 'core-3'],
  city.assets.filter((a) => a.id.startsWith('sub-')).map((a) => a.id),
  ['dcpower-0', 'dcpower-1', 'dcpower-2', 'dcpower-3'],
  ['infra-0', 'infra-1'],
]);

/** Run `fn` once; its wall and CPU time in ms. */
function timed<T>(fn: () => T): { value: T; took: string } {
  const w = process.hrtime.bigint();
  const c = process.cpuUsage();
  const value = fn();
  return { value, took: `${ms(w).toFixed(0)} ms (CPU ${cpuMs(c).toFixed(0)} ms)` };
}

const drill = timed(() =>
  whatIf(graph, [
    { id: 'dcpower-0', reason: 'loses mains power' },
    { id: 'dcpower-1', at: 10 },
    { id: 'scada-0', reason: 'compromised' },
  ]),
);
console.log(
  `what-if drill (2 DC feeds + SCADA): ${drill.took}, ${num(drill.value.timeline.length)} timeline events, ` +
    `${num(drill.value.services.length)} services down`,
);
const spofs = timed(() => singlePointsOfFailure(graph));
const worst = spofs.value[0];
console.log(
  `single points of failure: ${spofs.took} for all ${num(graph.assetCount)} assets, ` +
    `${num(spofs.value.length)} found; worst ${worst?.id ?? '-'} takes down ${worst?.services.length ?? 0} services`,
);
const ranking = timed(() => riskRanking(graph));
console.log(
  `risk ranking, all ${num(ranking.value.length)} assets explained: ${ranking.took} (single-failure analysis shared with the SPOF run)`,
);
console.log(`risk ranking, top 100: ${timed(() => riskRanking(graph, { limit: 100 })).took}`);
const fresh = buildGraph(city.assets, city.services, city.edges);
console.log(
  `risk ranking, top 100, on a fresh graph (single-failure analysis included): ${timed(() => riskRanking(fresh, { limit: 100 })).took}`,
);

globalThis.gc?.();
const mem = process.memoryUsage();
console.log(
  `memory: RSS ${(mem.rss / 1024 / 1024).toFixed(0)} MB, heap ${(mem.heapUsed / 1024 / 1024).toFixed(0)} MB`,
);
