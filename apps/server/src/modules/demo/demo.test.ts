/**
 * The Demo City against one real server configured as `--demo` runs it, with the city rules and
 * all of SigmaHQ's rules loaded: the model goes into the register through the import, ten
 * minutes of its background traffic (compressed: the lines carry ten minutes of timestamps, sent
 * in seconds) reach the real listeners and raise nothing high, and each attack scenario, drilled
 * over the same listeners, raises exactly the alerts its ground truth names and ends up as the
 * one incident it names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SYSTEM_PRINCIPAL, systemClock } from '@prahari/core';
import { RULES, SCENARIOS, TelemetryGenerator, demoCity, type RuleRef } from '@prahari/demo-city';
import { findRuleFiles, loadRules } from '@prahari/sigma';
import { loadConfig } from '../../config/index.js';
import { startTestServer, type TestServer } from '../../test-server.js';
import { CITY_RULES_DIR } from '../detection/index.js';
import { importRulePack } from '../detection/rule-import.js';
import { demoConfig } from './demo.js';
import { runDrill, type DrillReport } from './drill.js';
import { loadDemoCity, type DemoLoadResult } from './load.js';
import { NetworkSink } from './sink.js';

const SIGMA = join(import.meta.dirname, '../../../../../../shared/data/sigma');
const city = demoCity();
const actor = { principal: SYSTEM_PRINCIPAL, ip: null };

const demo = demoConfig(loadConfig({ cwd: tmpdir(), env: {}, flags: {} }).config, city);

let server: TestServer;
let key: string;
let firstLoad: Promise<DemoLoadResult>;

const deps = () => ({
  users: server.services.users,
  assets: server.assets.service,
  store: server.store,
});

beforeAll(async () => {
  server = await startTestServer({
    'detection.placeholders': demo.detection.placeholders,
    'incidents.autoOpen': demo.incidents.autoOpen,
    'incidents.autoAttach': demo.incidents.autoAttach,
  });
  // The owners' passwords are hashed on the thread pool while SigmaHQ's rules load here.
  firstLoad = loadDemoCity(deps(), actor, city);
  firstLoad.catch(() => undefined);
  importRulePack({ dataDir: server.dataDir, source: SIGMA, pack: 'sigmahq', now: new Date() });
  await server.rules.reload();
  key = (await server.services.apiKeys.create(actor, { name: 'drill', role: 'analyst' })).secret;
});
afterAll(() => server?.stop());

describe('demo mode', () => {
  it("fills in the city's placeholders and lets alerts open incidents, where the operator set nothing", () => {
    expect(demo.detection.placeholders).toEqual(city.placeholders);
    expect(demo.incidents.autoOpen).toEqual({ minSeverity: 'high' });
    expect(demo.incidents.autoAttach).toMatchObject({
      sameAsset: true,
      sameSourceIp: true,
      sameObservable: true,
    });
    const configured = loadConfig({
      cwd: tmpdir(),
      env: {},
      flags: {
        'incidents.autoOpen.minSeverity': 'critical',
        'detection.placeholders': { scada_masters: ['10.9.9.9'] },
      },
    }).config;
    const kept = demoConfig(configured, city);
    expect(kept.incidents.autoOpen.minSeverity).toBe('critical');
    expect(kept.detection.placeholders.scada_masters).toEqual(['10.9.9.9']);
    expect(configured.incidents.autoOpen.minSeverity).toBe('critical');
  });
});

describe('the Demo City in the register', () => {
  it('imports whole: every asset, service and dependency, and an owner user per department', async () => {
    const first = await firstLoad;
    expect(first.imported).toBe(true);
    expect(first.import).toMatchObject({
      imported: true,
      errorCount: 0,
      assets: { added: city.assets.length, updated: 0 },
      services: { added: city.services.length, updated: 0 },
      edges: { added: city.edges.length, updated: 0 },
    });
    expect(first.ownersCreated).toEqual(city.owners.map((o) => o.username));
    const owner = await server.services.users.get('suresh.water');
    expect([owner.role, owner.department]).toEqual(['owner', 'Water Supply']);
    const plc = await server.assets.service.get(actor, 'ps-2-plc');
    expect(plc.asset).toMatchObject({ ownerName: 'suresh.water', criticality: 5, zone: 'ot' });
    expect(plc.services.map((s) => s.name)).toEqual(['Water supply – zone B (wards 9–16)']);
  });

  it('loads again without changing anything', async () => {
    const again = await loadDemoCity(deps(), actor, city);
    expect(again).toEqual({ ownersCreated: [], imported: false, import: null });
  });

  it('gives the cascade analysis its designed single points of failure', async () => {
    const token = await server.login('admin', 'test-admin-password-1');
    const res = await server.request('GET', '/api/v1/impact/spof?limit=100', { auth: token });
    expect(res.status).toBe(200);
    const names = (res.body as { name: string }[]).map((s) => s.name).sort();
    expect(names).toEqual([
      'atcs-srv-01',
      'cert-db-01',
      'cert-web-01',
      'env-platform-01',
      'eoffice-app-01',
      'feeder-ps3',
      'fw-dmz-01',
      'mqtt-broker-01',
      'ot-core-sw-01',
      'pay-gw-01',
      'power-scada-01',
      'ps-1-plc',
      'ps-2-plc',
      'ps-3-plc',
      'ptax-db-01',
      'radius-01',
      'substation-east',
      'substation-west',
      'videowall-01',
      'vms-sql-01',
      'wifi-portal-01',
      'wlc-01',
    ]);
  });
});

describe('ten minutes of background traffic', () => {
  it('arrives over syslog TCP, UDP and HTTP, every line parsed, every sender known, nothing high', async () => {
    const clock = new ManualClock(Date.now() - 10 * 60_000);
    const generator = new TelemetryGenerator(city);
    const sink = new NetworkSink({
      url: server.url,
      apiKey: key,
      tcpPort: server.syslog.tcpPort!,
      udpPort: server.syslog.udpPort!,
    });
    const before = server.pipeline.totals.stored;
    const stored = () => server.pipeline.totals.stored - before;
    const until = async (done: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    const lines = 10 * 60 * 10; // 10 events/s of event time
    for (let i = 0; i < lines; i++) {
      await sink.send(generator.next(clock.now()));
      clock.advance(100);
      // UDP cannot push back: keep at most 300 lines in flight, well within a socket's buffer
      if (i % 100 === 99) await until(() => stored() >= i + 1 - 300, 10_000);
    }
    await sink.close();
    expect(sink.stats.sent.udp).toBeGreaterThan(500);
    expect(sink.stats.sent.tcp).toBeGreaterThan(500);
    expect(sink.stats.sent.http).toBeGreaterThan(500);
    await until(() => stored() >= lines, 20_000);
    expect(stored()).toBe(lines);
    expect(server.pipeline.totals.deadLettered).toBe(0);
    await server.detection.whenCaughtUp();

    const token = await server.login('admin', 'test-admin-password-1');
    const stats = await server.request('GET', '/api/v1/ingest/stats', { auth: token });
    expect(Object.keys(stats.body.byParser).sort()).toEqual(
      expect.arrayContaining([
        'access-log',
        'cef',
        'cisco',
        'json',
        'kv',
        'linux-auth',
        'rfc5424',
        'suricata-eve',
        'zeek',
      ]),
    );
    const discovered = await server.request('GET', '/api/v1/assets?status=discovered', {
      auth: token,
    });
    expect(discovered.body.assets).toEqual([]);
    const high = await server.request('GET', '/api/v1/alerts?severity=high,critical', {
      auth: token,
    });
    expect(high.body).toEqual([]);
    // so nothing opens an incident by itself either
    await server.incidents.whenGroupingIdle();
    const incidents = await server.request('GET', '/api/v1/incidents', { auth: token });
    expect(incidents.body.incidents).toEqual([]);
  });
});

describe('attack scenarios drilled over the real listeners', () => {
  // one drill of every scenario in turn, as `prahari drill all` runs it
  let report: DrillReport;
  beforeAll(async () => {
    report = await runDrill({
      url: server.url,
      apiKey: key,
      city,
      scenarios: SCENARIOS,
      seed: 5,
      speed: 300,
      settleMs: 15_000,
      clock: systemClock,
    });
  }, 120_000);

  for (const scenario of SCENARIOS)
    it(`${scenario.name}: exactly the expected alerts on the expected assets, in its one incident`, () => {
      const score = report.scenarios.find((s) => s.name === scenario.name)!;
      expect(report.rules.packs).toEqual(['city', 'sigmahq']);
      expect(score.verdict).toBe('detected');
      expect(score.expectations.map((e) => [e.key, e.status, e.found])).toEqual(
        score.expectations.map((e) => [e.key, 'detected', e.expected]),
      );
      expect(score.unexpectedHigh).toEqual([]);
      expect(score.unexpectedOther).toEqual([]);
      // opened by itself from the alerts; classifying it stays with a person
      expect(score.incidents.map((i) => [i.key, i.status, i.incidents.length])).toEqual(
        score.incidents.map((i) => [i.key, 'detected', 1]),
      );
      for (const i of score.incidents) {
        expect(i.timeToIncidentMs).toBeGreaterThanOrEqual(0);
        for (const p of i.problems)
          expect(p).toMatch(/not classified for CERT-In yet|not marked as a personal data breach/);
      }
    });
});

describe('the ground truth names the rules as their files do', () => {
  const refs: RuleRef[] = Object.values(RULES);

  it('city rules: id, title and level of the shipped rule files', () => {
    const set = loadRules({ dirs: [CITY_RULES_DIR] });
    const byId = new Map([...set.rules, ...set.correlations].map((r) => [r.id, r]));
    for (const ref of refs.filter((r) => r.pack === 'city'))
      expect(byId.get(ref.id), ref.title).toMatchObject({ title: ref.title, level: ref.level });
  });

  it("SigmaHQ rules: id, title and level of SigmaHQ's files", () => {
    expect(existsSync(SIGMA)).toBe(true);
    const files = findRuleFiles(join(SIGMA, 'rules')).concat(
      findRuleFiles(join(SIGMA, 'rules-threat-hunting')),
    );
    for (const ref of refs.filter((r) => r.pack === 'sigmahq')) {
      const file = files.find((f) => readFileSync(f, 'utf8').includes(`id: ${ref.id}`));
      expect(file, ref.title).toBeDefined();
      const [rule] = loadRules({ files: [file!] }).rules;
      expect(rule, ref.title).toMatchObject({ id: ref.id, title: ref.title, level: ref.level });
    }
  });
});
