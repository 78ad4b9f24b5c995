/**
 * The Demo City against a real server with the city rules and SigmaHQ's rules loaded: the model
 * goes into the register through the import, ten minutes of its background traffic (compressed:
 * the lines carry ten minutes of timestamps, sent in seconds) reach the real listeners and raise
 * nothing high, and each attack scenario, drilled over the same listeners, raises exactly the
 * alerts its ground truth names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SYSTEM_PRINCIPAL, systemClock } from '@prahari/core';
import { RULES, SCENARIOS, TelemetryGenerator, demoCity, type RuleRef } from '@prahari/demo-city';
import { findRuleFiles, loadRules } from '@prahari/sigma';
import { startTestServer, type TestServer } from '../../test-server.js';
import { CITY_RULES_DIR } from '../detection/index.js';
import { importRulePack } from '../detection/rule-import.js';
import { runDrill } from './drill.js';
import { loadDemoCity } from './load.js';
import { NetworkSink } from './sink.js';

const SIGMA = join(import.meta.dirname, '../../../../../../shared/data/sigma');
const city = demoCity();
const actor = { principal: SYSTEM_PRINCIPAL, ip: null };

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startTestServer({ 'detection.placeholders': city.placeholders });
  importRulePack({ dataDir: server.dataDir, source: SIGMA, pack: 'sigmahq', now: new Date() });
  await server.rules.reload();
  key = (await server.services.apiKeys.create(actor, { name: 'drill', role: 'analyst' })).secret;
});
afterAll(() => server?.stop());

const deps = () => ({
  users: server.services.users,
  assets: server.assets.service,
  store: server.store,
});

describe('the Demo City in the register', () => {
  it('imports whole: every asset, service and dependency, and an owner user per department', async () => {
    const first = await loadDemoCity(deps(), actor, city);
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
    const lines = 10 * 60 * 10; // 10 events/s of event time
    for (let i = 0; i < lines; i++) {
      await sink.send(generator.next(clock.now()));
      clock.advance(100);
      // a modest pace for UDP, which cannot push back: at most 2,000 lines a second
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 50));
    }
    await sink.close();
    expect(sink.stats.sent.udp).toBeGreaterThan(500);
    expect(sink.stats.sent.tcp).toBeGreaterThan(500);
    expect(sink.stats.sent.http).toBeGreaterThan(500);
    const deadline = Date.now() + 20_000;
    while (server.pipeline.totals.stored - before < lines && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(server.pipeline.totals.stored - before).toBe(lines);
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
  });
});

describe('attack scenarios drilled over the real listeners', () => {
  for (const scenario of SCENARIOS)
    it(`${scenario.name}: exactly the expected alerts, on the expected assets`, async () => {
      const report = await runDrill({
        url: server.url,
        apiKey: key,
        city,
        scenarios: [scenario],
        seed: 5,
        speed: 100,
        settleMs: 15_000,
        clock: systemClock,
      });
      const [score] = report.scenarios;
      expect(report.rules.packs).toEqual(['city', 'sigmahq']);
      expect(score!.verdict).toBe('detected');
      expect(score!.expectations.map((e) => [e.key, e.status, e.found])).toEqual(
        score!.expectations.map((e) => [e.key, 'detected', e.expected]),
      );
      expect(score!.unexpectedHigh).toEqual([]);
      expect(score!.unexpectedOther).toEqual([]);
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
