/**
 * A drill from the command line, run as the built binary against `prahari serve --demo`: the
 * server loads the Demo City and runs its traffic, the drill sends an attack over the real
 * listeners and prints the score; a restart keeps the city as it is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCity } from '@prahari/demo-city';
import { runPrahari, startServe, type ServeProcess } from '../testing.js';

const city = demoCity();
let dir: string;
const prahari = (args: string[], env: Record<string, string> = {}) =>
  runPrahari(dir, args, { timeoutMs: 120_000, env });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-drill-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a server started with --demo', () => {
  let serve: ServeProcess;
  let key: string;
  const incidents = async () => {
    const res = await fetch(`${serve.url}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return ((await res.json()) as { incidents: { title: string; createdBy: string }[] }).incidents;
  };

  beforeAll(async () => {
    serve = await startServe(dir, {}, ['--demo', '--demo-rate', '50']);
    const created = prahari(['apikey', 'create', 'drill', '--role', 'analyst', '--json']);
    key = (JSON.parse(created.stdout) as { secret: string }).secret;
  });
  afterAll(() => serve?.stop());

  it('loads the city, runs its traffic, and says how to drill it', async () => {
    expect(serve.output()).toContain(
      `Demo City: ${city.assets.length} assets, ${city.services.length} city services (loaded now); background traffic at 50 events/s`,
    );
    expect(serve.output()).toContain(`npx prahari drill all --server ${serve.url}`);
    expect(serve.output()).toContain(
      'Incidents open by themselves for high alerts and worse (incidents.autoOpen.minSeverity)',
    );
    // the dashboard has a living city: events of every kind keep arriving on the demo listener
    const stats = async () => {
      const res = await fetch(`${serve.url}/api/v1/ingest/stats`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return (await res.json()) as { stored: number; byParser: Record<string, number> };
    };
    const first = await stats();
    const deadline = Date.now() + 15_000;
    let later = first;
    while (later.stored < first.stored + 100 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      later = await stats();
    }
    expect(later.stored).toBeGreaterThanOrEqual(first.stored + 100);
    expect(Object.keys(later.byParser)).toEqual(expect.arrayContaining(['zeek', 'kv', 'json']));
    // and the first start's attack becomes an incident, opened by the system
    expect(serve.output()).toContain(
      'First start: the traffic carries one attack now (SSH brute force, then a login, on an ICCC server)',
    );
    const title = 'SSH Brute Force Against a City Server on iccc-app-02';
    let opened: { title: string; createdBy: string }[] = [];
    while (!opened.some((i) => i.title === title) && Date.now() < deadline + 45_000) {
      await new Promise((r) => setTimeout(r, 500));
      opened = await incidents();
    }
    expect(opened).toEqual([expect.objectContaining({ title, createdBy: 'system' })]);
    // The attack ends with the login from the brute-forcing address, whose critical alert comes
    // some seconds after the incident opened; the drill below would count it as unexpected if
    // it came while the drill ran (it did, when this file ran alone).
    const loginAfterBruteForce = async () => {
      const res = await fetch(
        `${serve.url}/api/v1/alerts?rule=43ef0090-3714-4df2-9147-5b16ae764c5b`,
        { headers: { authorization: `Bearer ${key}` } },
      );
      return (await res.json()) as { severity: number }[];
    };
    let critical = await loginAfterBruteForce();
    while (critical.length === 0 && Date.now() < deadline + 60_000) {
      await new Promise((r) => setTimeout(r, 500));
      critical = await loginAfterBruteForce();
    }
    expect(critical).toHaveLength(1);
  }, 120_000);

  it('drills a scenario and reports it detected, with the time to each alert and to its incident', async () => {
    const res = prahari(
      ['drill', 'water-plc-modbus', '--server', serve.url, '--speed', '50', '--seed', '3'],
      { PRAHARI_API_KEY: key },
    );
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    expect(res.stdout).toContain(
      'Modbus writes to a water PLC from an unknown host [water-plc-modbus]: DETECTED',
    );
    expect(res.stdout).toMatch(
      /✔ Burst of Modbus Writes to One Controller \(high\) — 1\/1 alert, first after [\d.]+ s/,
    );
    expect(res.stdout).toContain('1 of 1 scenario(s) detected');
    expect(res.stdout).toContain('0 unexpected high or critical alert(s)');
    // --demo lets high alerts open incidents: the attack is one incident, left to classify
    expect(res.stdout).toMatch(
      /✔ Set-points of ps-\d-plc rewritten from unknown host [\d.]+ — incident INC-\d{4}-\d{4} after [\d.]+ s\n {6}INC-\d{4}-\d{4} is not classified for CERT-In yet; the ground truth says critical-infrastructure\n/,
    );
    expect(res.stdout).toMatch(
      /Incidents: 1 of 1 expected incident\(s\) hold all their alerts; time to incident median [\d.]+ s/,
    );
    expect((await incidents()).find((i) => / on ps-\d-plc$/.test(i.title))).toMatchObject({
      createdBy: 'system',
    });
  });

  it('refuses a drill without a key or of an unknown scenario, saying what to do', () => {
    const noKey = prahari(['drill', 'all', '--server', serve.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('prahari apikey create drill --role analyst');
    const unknown = prahari(['drill', 'nope', '--server', serve.url, '--api-key', key]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("There is no scenario 'nope'");
  });

  it('keeps the city as it is when started again', async () => {
    await serve.stop();
    serve = await startServe(dir, {}, ['--demo']);
    expect(serve.output()).toContain(`Demo City: ${city.assets.length} assets`);
    expect(serve.output()).not.toContain('(loaded now)');
    expect(serve.output()).not.toContain('carries one attack');
    const list = prahari(['assets', 'list', '--limit', '1000', '--json']);
    expect((JSON.parse(list.stdout) as { assets: unknown[] }).assets.length).toBe(
      city.assets.length,
    );
  });
});
