/** `prahari rules check|test` and `prahari detect`, run as the built binary (after `tsc -b`). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari } from '../testing.js';

let dir: string;

const prahari = (args: string[]) => runPrahari(dir, args);

const GOOD = `title: Whoami Execution
id: 4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11
status: test
level: high
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;

const BAD = `title: Broken
logsource:
    product: windows
detection:
    selection:
        Image|sometimes: 'x'
    condition: selection
`;

function evtx(id: number, image: string, time: string): object {
  return {
    Event: {
      System: {
        EventID: id,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        TimeCreated: { '#attributes': { SystemTime: time } },
      },
      EventData: { Image: image },
    },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-rules-'));
  mkdirSync(join(dir, 'good/nested'), { recursive: true });
  writeFileSync(join(dir, 'good/nested/whoami.yml'), GOOD);
  mkdirSync(join(dir, 'mixed'));
  writeFileSync(join(dir, 'mixed/whoami.yml'), GOOD);
  writeFileSync(join(dir, 'mixed/broken.yml'), BAD);
  // SigmaHQ regression layout: info.yml + evtx_dump JSON (concatenated objects)
  const reg = join(dir, 'good/regression/whoami');
  mkdirSync(reg, { recursive: true });
  writeFileSync(
    join(reg, 'info.yml'),
    `id: 1\nrule_metadata:\n    - id: 4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11\n      title: Whoami Execution\nregression_tests_info:\n    - name: Positive\n      type: evtx\n      match_count: 1\n      path: regression/whoami/4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11.evtx\n`,
  );
  writeFileSync(
    join(reg, '4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11.json'),
    [
      evtx(1, 'C:\\Windows\\System32\\whoami.exe', '2025-01-01T10:00:00Z'),
      evtx(1, 'C:\\x\\cmd.exe', '2025-01-01T10:00:01Z'),
    ]
      .map((e) => JSON.stringify(e, null, 2))
      .join('\n'),
  );
  writeFileSync(
    join(dir, 'events.jsonl'),
    [
      evtx(1, 'C:\\x\\cmd.exe', '2025-01-01T10:00:00Z'),
      evtx(1, 'C:\\Windows\\System32\\WHOAMI.EXE', '2025-01-01T10:00:05Z'),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari rules / detect', () => {
  it('rules check counts a good folder and exits 0', () => {
    const r = prahari(['rules', 'check', 'good']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 rules loaded, 1 compiled;/);
    expect(r.stdout).toMatch(/1\s+test/);
    expect(r.stdout).toMatch(/1\s+windows\/process_creation\/\*/);
  });

  it('rules check lists each failure with file, line, column and reason, and exits 1', () => {
    const r = prahari(['rules', 'check', 'mixed', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      loaded: number;
      failed: number;
      errors: { file: string; line: number; column: number; message: string }[];
    };
    expect(report.loaded).toBe(1);
    expect(report.failed).toBe(1);
    expect(report.errors[0]).toMatchObject({
      file: 'mixed/broken.yml',
      line: 6,
      column: 9,
      message: "unknown modifier 'sometimes' in 'Image|sometimes'",
    });
  });

  it('rules check fails on a missing path', () => {
    const r = prahari(['rules', 'check', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file or folder: nowhere/);
  });

  it('rules test runs the regression data and passes', () => {
    const r = prahari(['rules', 'test', 'good']);
    expect(r.stdout).toMatch(/1 passed, 0 failed, 0 skipped/);
    expect(r.code).toBe(0);
  });

  it('rules test given a SigmaHQ regression_data folder finds the rule folders beside it', () => {
    const checkout = join(dir, 'checkout');
    const reg = join(checkout, 'regression_data/rules/whoami');
    mkdirSync(join(checkout, 'rules'), { recursive: true });
    mkdirSync(reg, { recursive: true });
    writeFileSync(join(checkout, 'rules/whoami.yml'), GOOD);
    writeFileSync(
      join(reg, 'info.yml'),
      `id: 2\nrule_metadata:\n    - id: 4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11\n      title: Whoami Execution\nregression_tests_info:\n    - name: Positive\n      type: evtx\n      match_count: 1\n      path: regression_data/rules/whoami/4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11.evtx\n`,
    );
    writeFileSync(
      join(reg, '4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11.json'),
      JSON.stringify(evtx(1, 'C:\\Windows\\System32\\whoami.exe', '2025-01-01T10:00:00Z')),
    );
    const r = prahari(['rules', 'test', join(checkout, 'regression_data')]);
    expect(r.stdout).toMatch(/1 passed, 0 failed, 0 skipped \(1 cases, 1 rules\)/);
    expect(r.code).toBe(0);
  });

  it('detect prints one line per match and a summary', () => {
    const r = prahari(['detect', '--rules', 'good', '--input', 'events.jsonl']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      '4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11\thigh\t2025-01-01T10:00:05.000Z\t#1\tWhoami Execution',
    );
    expect(r.stdout).toMatch(/2 events, 1 matches from 1 rules/);
  });

  it('detect --json writes JSON lines with a summary object last', () => {
    const r = prahari(['detect', '--rules', 'good', '--input', 'events.jsonl', '--json']);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({
      ruleId: '4f0c3c9a-7b1e-4b55-9d3a-2f8e6c1d0a11',
      index: 1,
      eventTime: '2025-01-01T10:00:05.000Z',
    });
    expect(rows.at(-1)).toMatchObject({ summary: { events: 2, matches: 1 } });
  });
});
