/**
 * The README's small city, imported as a new user would, then asked from the command line: what
 * happens if the SCADA server is compromised?
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeCity, runPrahari } from '../testing.js';

let dir: string;
const prahari = (args: string[]) => runPrahari(dir, args, { timeoutMs: 120_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-impact-'));
  writeFileSync(join(dir, 'city.csv'), readmeCity());
  expect(prahari(['user', 'add', 'water', '--role', 'owner', '--department', 'Water']).code).toBe(
    0,
  );
  const imported = prahari(['assets', 'import', 'city.csv']);
  expect(imported.code, imported.stderr + imported.stdout).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari impact on the README city', { timeout: 120_000 }, () => {
  it('explains what a compromised SCADA server takes down, and when', () => {
    const res = prahari(['impact', '--asset', 'scada-water-01']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/t=1 h\s+plc-pump-ws3-01\s+← depends on scada-water-01/);
    expect(res.stdout).toMatch(/t=1 h\s+pumping-station-3\s+← depends on plc-pump-ws3-0[12]/);
    expect(res.stdout).toMatch(/t=5 h\s+SERVICE Water supply\s+← supports pumping-station-3/);
    expect(res.stdout).not.toMatch(/CCTV/);
  });

  it('runs the drill: water supply passes its maximum tolerable downtime after 9 hours', () => {
    const res = prahari(['impact', '--asset', 'scada-water-01', '--what-if', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const drill = JSON.parse(res.stdout);
    expect(drill.firstMtdExceededAt).toBe(540);
    expect(drill.services[0]).toMatchObject({ name: 'Water supply', downAt: 300 });
  });

  it('finds the core switch and the data-centre power as single points of failure, not one feeder', () => {
    const res = prahari(['impact', '--spof', '--json']);
    const names = (JSON.parse(res.stdout) as { name: string }[]).map((s) => s.name);
    expect(names).toContain('core-switch-dc');
    expect(names).toContain('scada-water-01');
    expect(names).not.toContain('feeder-11kv-ws3-a');
  });

  it('asks for one question at a time', () => {
    const res = prahari(['impact', '--spof', '--risk']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/say what to analyse/);
  });
});
