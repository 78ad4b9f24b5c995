/**
 * The Demo City from the command line, run as the built binary: load it into a data directory,
 * list its attack scenarios, and simulate its traffic into the data directory and into a running
 * server over the real listeners.
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
  dir = mkdtempSync(join(tmpdir(), 'prahari-simulate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari demo', () => {
  it('lists the attack scenarios with what each expects', () => {
    const res = prahari(['demo', 'scenarios', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const list = JSON.parse(res.stdout) as { name: string; expects: string[] }[];
    expect(list.map((s) => s.name)).toContain('water-plc-modbus');
    expect(list.find((s) => s.name === 'payment-gateway-ddos')!.expects).toEqual([
      'Distributed Flood Against One City Host (city)',
      'City Web Service Refusing Many Clients at Once (city)',
    ]);
  });

  it('loads the city into the data directory once; loading again changes nothing', () => {
    const first = prahari(['demo', 'load']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Loaded the Demo City: ${city.assets.length} assets added`);
    expect(first.stdout).toContain('Department owners created');
    expect(first.stdout).toContain(`scada_masters: ${city.placeholders.scada_masters.join(', ')}`);
    const again = prahari(['demo', 'load']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already in the register');
  });
});

describe('prahari simulate', () => {
  it('needs a target or a data directory', () => {
    const none = prahari(['simulate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Give --target URL (a running server) or --data DIR');
  });

  it('writes the traffic into a data directory whose server is not running', () => {
    const res = prahari([
      'simulate',
      '--data',
      'data',
      '--rate',
      '100',
      '--duration',
      '1',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as { lines: number; delivered: number; refused: number };
    expect(summary.lines).toBeGreaterThanOrEqual(90);
    expect([summary.delivered, summary.refused]).toEqual([summary.lines, 0]);
    const found = prahari(['search', 'zeek.path:conn', '--json']);
    expect(found.code, found.stderr).toBe(0);
    expect((JSON.parse(found.stdout) as { events: unknown[] }).events.length).toBeGreaterThan(0);
  });
});

describe('prahari simulate --target', () => {
  let serve: ServeProcess;
  let key: string;

  beforeAll(async () => {
    serve = await startServe(dir);
    const created = prahari(['apikey', 'create', 'simulator', '--role', 'analyst', '--json']);
    key = (JSON.parse(created.stdout) as { secret: string }).secret;
  });
  afterAll(() => serve?.stop());

  it('simulates an attack over the real listeners, with progress and a summary', () => {
    const res = prahari(
      [
        'simulate',
        '--target',
        serve.url,
        '--rate',
        '100',
        '--duration',
        '1',
        '--scenario',
        'property-tax-defacement',
        '--speed',
        '50',
      ],
      { PRAHARI_API_KEY: key },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Sent \d+ lines to http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s/);
    expect(res.stdout).toContain("18 of them the scenario's");
    expect(res.stdout).toMatch(
      /By channel: syslog TCP \d+, syslog UDP \d+, HTTP \d+; delivered \d+, refused 0\./,
    );
  });
});
