import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe } from './testing.js';

let dir: string;

const prahari = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  runPrahari(dir, args, options);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case runs the real binary several times; on a busy 2-core CI machine that takes a while.
describe('prahari CLI', { timeout: 120_000 }, () => {
  it('lists every command in help, and suggests the one meant for a typo', () => {
    // Only the command named is loaded; help and an unknown command load them all.
    const help = prahari(['--help']);
    expect(help.code).toBe(0);
    const commands = help.stdout.split('\nCommands:\n')[1]!;
    const listed = [...commands.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]);
    expect(listed).toEqual([
      'serve',
      'migrate',
      'user',
      'apikey',
      'audit',
      'ingest',
      'search',
      'deadletter',
      'archive',
      'rules',
      'detect',
      'alerts',
      'impact',
      'indicators',
      'assets',
      'services',
      'incidents',
      'playbooks',
      'settings',
      'demo',
      'simulate',
      'drill',
      'help',
    ]);
    const typo = prahari(['--json', 'serch', 'sshd']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^error: unknown command 'serch'\n\(Did you mean search\?\)/);
    const sub = prahari(['-d', 'elsewhere', 'rules', '--help']);
    expect(sub.stdout).toMatch(/^ {2}import \[options\] <source> /m);
  });

  it('migrate shows pending migrations, applies them, then has nothing to do', () => {
    expect(prahari(['migrate', '--status']).stdout).toMatch(/pending: 0001-identity-and-audit/);
    expect(prahari(['migrate']).stdout).toMatch(
      /Applied \d+ migration\(s\): 0001-identity-and-audit, 0002-events, .*detection/,
    );
    expect(prahari(['migrate']).stdout).toMatch(/already up to date/);
  });

  it('user add / list / passwd / disable / enable', () => {
    const added = prahari(
      [
        'user',
        'add',
        'meena',
        '--role',
        'analyst',
        '--name',
        'Meena Iyer',
        '--department',
        'ICCC',
        '--password-stdin',
      ],
      {
        input: 'meena-password-1\n',
      },
    );
    expect(added).toMatchObject({ code: 0, stdout: "Created analyst 'meena'.\n" });

    const generated = prahari(['user', 'add', 'ravi', '--role', 'owner', '--json']);
    expect(JSON.parse(generated.stdout)).toMatchObject({
      username: 'ravi',
      role: 'owner',
      password: expect.stringMatching(/^.{20}$/),
    });

    const list = JSON.parse(prahari(['--json', 'user', 'list']).stdout);
    expect(list.map((u: { username: string }) => u.username)).toEqual(['meena', 'ravi']);
    expect(prahari(['user', 'list']).stdout).toMatch(/^meena\s+analyst\s+ICCC\s+active\s+never$/m);

    expect(prahari(['user', 'disable', 'ravi']).stdout).toBe("User 'ravi' is disabled.\n");
    expect(prahari(['user', 'list']).stdout).toMatch(/^ravi\s+owner\s+disabled/m);
    expect(prahari(['user', 'enable', 'ravi']).code).toBe(0);
    expect(
      prahari(['user', 'passwd', 'ravi', '--password-stdin'], { input: 'new-owner-password\n' })
        .stdout,
    ).toMatch(/Password of 'ravi' changed/);
  });

  it('explains bad input and exits non-zero', () => {
    const badRole = prahari(['user', 'add', 'kiran', '--role', 'boss']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(
      /Role 'boss' does not exist; use one of admin, analyst, owner, auditor, ingest/,
    );
    const short = prahari(['user', 'passwd', 'meena', '--password', 'short']);
    expect(short.stderr).toMatch(/at least 12 characters/);
    expect(prahari(['user', 'disable', 'nobody']).stderr).toMatch(/There is no user 'nobody'/);
  });

  it('apikey create / list / revoke', () => {
    const created = JSON.parse(
      prahari(['apikey', 'create', 'fw-core-1', '--role', 'ingest', '--json']).stdout,
    );
    expect(created.secret).toMatch(/^prk_/);
    const listed = prahari(['apikey', 'list']).stdout;
    expect(listed).toMatch(new RegExp(`^${created.id}\\s+fw-core-1\\s+ingest\\s+active`, 'm'));
    expect(listed).not.toContain(created.secret);
    expect(prahari(['apikey', 'revoke', created.id]).stdout).toMatch(/is revoked/);
    expect(prahari(['apikey', 'list']).stdout).toMatch(
      new RegExp(`^${created.id}\\s+fw-core-1\\s+ingest\\s+revoked`, 'm'),
    );
  });

  it('audit verify passes, then names the row edited by hand and exits 1', () => {
    const ok = prahari(['audit', 'verify']);
    expect(ok).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/Audit trail intact: \d+ rows verified/),
    });
    expect(prahari(['audit', 'list', '--action', 'user.disable']).stdout).toMatch(
      /cli:\S+\s+user\.disable\s+user:ravi/,
    );

    const db = new Sqlite(join(dir, 'data', 'prahari.db'));
    db.prepare('update audit_log set details = \'{"role":"admin"}\' where seq = 2').run();
    db.close();
    const broken = prahari(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      /AUDIT TRAIL BROKEN at row 2: its content does not match its hash/,
    );
  });

  it('refuses a bad configuration, naming the key, the value and what is allowed (exit 2)', () => {
    const res = prahari(['migrate'], { env: { PRAHARI_SERVER_PORT: '70000' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /server\.port \(from environment PRAHARI_SERVER_PORT\): wrong value; got 70000; allowed: a whole number from 0 to 65535/,
    );
  });

  it('serve prints how to log in, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const serveDir = mkdtempSync(join(tmpdir(), 'prahari-serve-'));
    const server = await startServe(serveDir);
    try {
      const password = /password: (\S{20})/.exec(server.output())![1]!;
      expect(server.output()).toMatch(/API documentation: http:\/\/127\.0\.0\.1:\d+\/api\/docs/);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toMatch(/SIGTERM: stopping Prahari/);
    rmSync(serveDir, { recursive: true, force: true });
  });
});
