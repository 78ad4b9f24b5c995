/** `prahari rules check|test` and `prahari detect`, run as the built binary (after `tsc -b`). */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari } from '../testing.js';

let dir: string;

const SIGMA_DATA = resolve(import.meta.dirname, '../../../../../shared/data/sigma');

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

/** A rule with the id of a case SigmaHQ corrected upstream (SigmaHQ/sigma#6211: 1 → 3). */
const ANYDESK = `title: Anydesk Temporary Artefact
id: 0b9ad457-2554-44c1-82c2-d56a99c42377
status: test
level: medium
logsource:
    category: file_event
    product: windows
detection:
    selection:
        TargetFilename|contains: '\\AppData\\Roaming\\AnyDesk\\user.conf'
    condition: selection
`;
const ANYDESK_CASE = 'rules/windows/file/file_event/file_event_win_anydesk_artefact';

/** A SigmaHQ-like checkout holding the AnyDesk case, stating `matchCount`; returns its regression_data. */
function anydeskCheckout(name: string, matchCount: number): string {
  const checkout = join(dir, name);
  const reg = join(checkout, 'regression_data', ANYDESK_CASE);
  mkdirSync(join(checkout, 'rules'), { recursive: true });
  mkdirSync(reg, { recursive: true });
  writeFileSync(join(checkout, 'rules/file_event_win_anydesk_artefact.yml'), ANYDESK);
  writeFileSync(
    join(reg, 'info.yml'),
    `id: 3\nrule_metadata:\n    - id: 0b9ad457-2554-44c1-82c2-d56a99c42377\n      title: Anydesk Temporary Artefact\nregression_tests_info:\n    - name: Positive Detection Test\n      type: evtx\n      match_count: ${matchCount}\n      path: regression_data/${ANYDESK_CASE}/0b9ad457-2554-44c1-82c2-d56a99c42377.evtx\n`,
  );
  const file = (target: string, time: string): object => ({
    Event: {
      System: {
        EventID: 11,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        TimeCreated: { '#attributes': { SystemTime: time } },
      },
      EventData: { TargetFilename: target },
    },
  });
  const roaming = 'C:\\Users\\Administrator\\AppData\\Roaming\\AnyDesk\\';
  writeFileSync(
    join(reg, '0b9ad457-2554-44c1-82c2-d56a99c42377.json'),
    [
      file(`${roaming}service.conf.new`, '2025-01-01T10:00:00Z'),
      file(`${roaming}user.conf.new`, '2025-01-01T10:00:01Z'),
      file(`${roaming}user.conf~RF2d9c20d.TMP`, '2025-01-01T10:00:02Z'),
      file(`${roaming}user.conf.new`, '2025-01-01T10:00:03Z'),
    ]
      .map((e) => JSON.stringify(e, null, 2))
      .join('\n'),
  );
  return join(checkout, 'regression_data');
}

interface TestReport {
  passed: number;
  failed: number;
  errataUsed: boolean;
  errata: { info: string; rule: string; upstream: number; corrected: number; source: string }[];
  failures: { info: string; expected: number | string; actual: number }[];
}

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

  it('rules test applies a shipped erratum: the corrected count is expected and the correction named', () => {
    const r = prahari(['rules', 'test', anydeskCheckout('errata', 1)]);
    expect(r.stdout).toContain(
      `ERRATUM ${ANYDESK_CASE}/info.yml  rule 0b9ad457-2554-44c1-82c2-d56a99c42377 (Anydesk Temporary Artefact): match_count 1 → 3 (SigmaHQ/sigma#6211)\n`,
    );
    expect(r.stdout).toMatch(
      /1 passed, 0 failed, 0 skipped \(1 cases, 1 rules; 1 match_count\(s\) corrected by errata\)/,
    );
    expect(r.code).toBe(0);
  });

  it('rules test --no-errata expects match_count as info.yml states it', () => {
    const reg = anydeskCheckout('no-errata', 1);
    const r = prahari(['rules', 'test', reg, '--no-errata']);
    expect(r.stdout).not.toContain('ERRATUM');
    expect(r.stdout).toContain(
      `FAIL ${ANYDESK_CASE}/info.yml  rule 0b9ad457-2554-44c1-82c2-d56a99c42377 (Anydesk Temporary Artefact): expected 1 match(es), got 3 over 4 event(s)\n`,
    );
    expect(r.stdout).toMatch(/0 passed, 1 failed, 0 skipped \(1 cases, 1 rules; errata not used\)/);
    expect(r.code).toBe(1);
  });

  it('rules test --json lists the errata applied, and none with --no-errata', () => {
    const reg = anydeskCheckout('errata-json', 1);
    const withErrata = prahari(['rules', 'test', reg, '--json']);
    expect(withErrata.code).toBe(0);
    const a = JSON.parse(withErrata.stdout) as TestReport;
    expect(a).toMatchObject({ passed: 1, failed: 0, errataUsed: true, failures: [] });
    expect(a.errata).toEqual([
      expect.objectContaining({
        info: `${ANYDESK_CASE}/info.yml`,
        rule: '0b9ad457-2554-44c1-82c2-d56a99c42377',
        upstream: 1,
        corrected: 3,
        source: 'SigmaHQ/sigma#6211',
      }),
    ]);
    const raw = prahari(['rules', 'test', reg, '--json', '--no-errata']);
    expect(raw.code).toBe(1);
    const b = JSON.parse(raw.stdout) as TestReport;
    expect(b).toMatchObject({ passed: 0, failed: 1, errataUsed: false, errata: [] });
    expect(b.failures).toEqual([
      expect.objectContaining({ info: `${ANYDESK_CASE}/info.yml`, expected: 1, actual: 3 }),
    ]);
  });

  it('rules test applies no erratum to data that already states the corrected count', () => {
    const r = prahari(['rules', 'test', anydeskCheckout('corrected', 3)]);
    expect(r.stdout).not.toContain('ERRATUM');
    expect(r.stdout).toMatch(/1 passed, 0 failed, 0 skipped \(1 cases, 1 rules\)/);
    expect(r.code).toBe(0);
  });

  it.runIf(existsSync(join(SIGMA_DATA, 'regression_data')))(
    "rules test passes on SigmaHQ's regression data with the four SigmaHQ/sigma#6211 errata",
    { timeout: 180_000 },
    () => {
      const r = runPrahari(dir, ['rules', 'test', join(SIGMA_DATA, 'regression_data')], {
        timeoutMs: 170_000,
      });
      const errata = r.stdout.split('\n').filter((l) => l.startsWith('ERRATUM '));
      expect(errata).toHaveLength(4);
      for (const l of errata) expect(l).toMatch(/: match_count 1 → [23] \(SigmaHQ\/sigma#6211\)$/);
      expect(r.stdout).toMatch(
        / 0 failed, 0 skipped \(\d+ cases, \d+ rules; 4 match_count\(s\) corrected by errata\)/,
      );
      expect(r.code).toBe(0);
    },
  );

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
