/** `prahari incidents`, run as the built binary on a scratch data directory and against a server. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe, type ServeProcess } from '../testing.js';

const BRUTE_FORCE = '0afa8a64-c529-4214-ac14-2801494db29e';

let dir: string;
const prahari = (args: string[]) => runPrahari(dir, args, { timeoutMs: 60_000 });
const json = (args: string[]) => {
  const res = prahari(['--json', ...args]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-incidents-cli-'));
  expect(prahari(['user', 'add', 'asha', '--role', 'analyst']).code).toBe(0);
  expect(prahari(['user', 'add', 'water', '--role', 'owner']).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari incidents on the data directory', { timeout: 120_000 }, () => {
  it('opens one by hand, classifies it, adds a task and a note, reports the duty and closes it', () => {
    const created = json([
      'incidents',
      'create',
      '--title',
      'Property-tax portal defaced',
      '--severity',
      'high',
      '--owner',
      'asha',
    ]);
    expect(created.incident).toMatchObject({ number: 'INC-2026-0001', severity: 'high' });

    const classified = prahari([
      'incidents',
      'classify',
      'INC-2026-0001',
      '--cert-in',
      'website-defacement',
      '--noticed-at',
      '1h',
    ]);
    expect(classified.code, classified.stderr).toBe(0);
    expect(classified.stdout).toMatch(
      /^INC-2026-0001 classified\.\n {2}Report to CERT-In: running, due \S+, (29\d|300) min left\n$/,
    );

    const task = json([
      'incidents',
      'task',
      'add',
      'INC-2026-0001',
      'Restore the site from backup',
      '--assignee',
      'water',
      '--due',
      '4h',
    ]);
    expect(task).toMatchObject({ assigneeName: 'water', status: 'open' });
    expect(prahari(['incidents', 'note', 'inc-2026-0001', 'webshell found in /uploads']).code).toBe(
      0,
    );
    expect(prahari(['incidents', 'task', 'done', 'INC-2026-0001', task.id]).stdout).toBe(
      "Task 'Restore the site from backup' is done.\n",
    );

    const list = prahari(['incidents', 'list', '--clock', 'running']);
    expect(list.stdout).toMatch(
      /^INC-2026-0001\s+high\s+new\s+asha\s+cert-in:running\s+Property-tax portal defaced$/m,
    );
    expect(list.stderr).toBe('1 incident(s)\n');

    const refused = prahari(['incidents', 'status', 'INC-2026-0001', 'closed']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Closing needs a resolution: one of resolved, false_positive/);

    const reported = prahari([
      'incidents',
      'report-duty',
      'INC-2026-0001',
      'cert-in',
      '--reference',
      'CERTIn-2026-0042',
    ]);
    expect(reported.code, reported.stderr).toBe(0);
    expect(reported.stdout).toMatch(/Report to CERT-In: met, due .*\(CERTIn-2026-0042\)/);
    expect(
      prahari(['incidents', 'status', 'INC-2026-0001', 'closed', '--resolution', 'resolved'])
        .stdout,
    ).toBe('INC-2026-0001 is now closed (resolved).\n');

    const show = prahari(['incidents', 'show', 'INC-2026-0001']);
    expect(show.stdout).toMatch(/^INC-2026-0001 {2}Property-tax portal defaced {2}\[high\]$/m);
    expect(show.stdout).toMatch(/^ {2}\[x\] Restore the site from backup \(water\)/m);
    expect(show.stdout).toMatch(/cli:\S+: Status new → closed \(resolved\)$/m);

    const actions = json(['audit', 'list', '--limit', '50']) as {
      action: string;
      actorName: string;
    }[];
    expect(actions.filter((e) => e.action.startsWith('incident.')).map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'incident.create',
        'incident.classify',
        'incident.task.create',
        'incident.note',
        'incident.task.update',
        'incident.duty.report',
        'incident.status',
      ]),
    );
    expect(actions.find((e) => e.action === 'incident.create')!.actorName).toMatch(/^cli:/);
  });

  it('names a wrong type and an unknown incident', () => {
    const wrong = prahari(['incidents', 'classify', 'INC-2026-0001', '--cert-in', 'hacking']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(
      /'hacking' is not a CERT-In Annexure I type; use one of targeted-scanning/,
    );
    const missing = prahari(['incidents', 'show', 'INC-2026-0999']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toBe("prahari: There is no incident 'INC-2026-0999'.\n");
  });
});

describe('prahari incidents --server', { timeout: 120_000 }, () => {
  let serve: ServeProcess;
  let key: string;
  let ingestKey: string;

  beforeAll(async () => {
    key = json(['apikey', 'create', 'soc-cli', '--role', 'analyst']).secret;
    ingestKey = json(['apikey', 'create', 'collector', '--role', 'ingest']).secret;
    serve = await startServe(dir);
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
  });

  it('opens an incident from a brute-force alert through a running server', async () => {
    const end = Date.now();
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `<38>1 ${new Date(end - (19 - i) * 1000).toISOString()} iccc-app-1 sshd 811 - - Failed password for admin from 203.0.113.77 port ${40000 + i} ssh2`,
    );
    const sent = await fetch(`${serve.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'text/plain' },
      body: lines.join('\n'),
    });
    expect(sent.status).toBe(200);
    const remote = ['--server', serve.url, '--api-key', key];
    let alert: { id: string } | undefined;
    const deadline = Date.now() + 30_000;
    while (!alert && Date.now() < deadline) {
      const res = await fetch(`${serve.url}/api/v1/alerts?rule=${BRUTE_FORCE}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      alert = ((await res.json()) as { id: string }[])[0];
      if (!alert) await new Promise((r) => setTimeout(r, 200));
    }
    expect(alert).toBeDefined();

    const opened = prahari(['incidents', 'create', '--alert', alert!.id, ...remote]);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toBe(
      'Opened INC-2026-0002 [high]: SSH Brute Force Against a City Server (1 alert(s), 0 asset(s), 3 observable(s)).\n',
    );
    // a running server owns the alerts: local changes are refused with what to do instead
    const local = prahari(['incidents', 'note', 'INC-2026-0002', 'x']);
    expect(local.code).not.toBe(0);
    expect(local.stderr).toMatch(/--server URL --api-key KEY/);

    // the CERT-In report, written where the CISO wants it; the server writes reports
    const pdf = join(dir, 'cert-in.pdf');
    const report = prahari([
      'incidents',
      'report',
      'INC-2026-0002',
      'cert-in.pdf',
      '--out',
      pdf,
      ...remote,
    ]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(prahari(['incidents', 'report', 'INC-2026-0002', 'cert-in.pdf']).stderr).toMatch(
      /written by the running server/,
    );
  });
});
