/**
 * What a new user does with detection, run as the built binary: import rules, start the server,
 * send a brute force with the real `logger`, and see the alert in `prahari alerts list`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe, type ServeProcess } from './testing.js';

const SIGMA = join(import.meta.dirname, '../../../../shared/data/sigma');

const RULES = `title: Test sshd failure
id: 9b7f2c10-5d0e-4c44-8f51-3a0b6f9e0001
status: test
level: low
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.outcome: failure
    event.action: ssh_login
  condition: selection
---
title: Test sshd brute force
id: 9b7f2c10-5d0e-4c44-8f51-3a0b6f9e0002
status: test
level: high
correlation:
  type: event_count
  rules:
    - 9b7f2c10-5d0e-4c44-8f51-3a0b6f9e0001
  group-by:
    - source.ip
  timespan: 5m
  condition:
    gte: 10
`;

/** The correlation rule above. */
const BRUTE_FORCE = '9b7f2c10-5d0e-4c44-8f51-3a0b6f9e0002';

let dir: string;
const prahari = (args: string[]) => runPrahari(dir, args, { timeoutMs: 120_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-alerts-'));
  mkdirSync(join(dir, 'local-rules'));
  writeFileSync(join(dir, 'local-rules', 'ssh.yml'), RULES);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari rules import', () => {
  it("imports SigmaHQ's rules for a city's logsources, with the licence, and says what it left out", () => {
    const res = prahari(['rules', 'import', SIGMA, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const result = JSON.parse(res.stdout);
    expect(result.pack).toBe('sigmahq');
    expect(result.rules).toBeGreaterThan(3000);
    expect(result.skippedLogsource).toBeGreaterThan(100);
    expect(result.licence).toMatch(/Detection Rule License/);
    const origin = JSON.parse(readFileSync(join(dir, 'data/rules/sigmahq/PACK.json'), 'utf8'));
    expect(origin.licence).toMatch(/DRL/);
    expect(readFileSync(join(dir, 'data/rules/sigmahq/LICENSE'), 'utf8')).toMatch(/DRL/);
  });

  it('refuses a reserved pack name and a missing folder with a clear message', () => {
    const reserved = prahari(['rules', 'import', join(dir, 'local-rules'), '--pack', 'city']);
    expect(reserved.code).not.toBe(0);
    expect(reserved.stderr).toMatch(/not allowed/);
    const missing = prahari(['rules', 'import', join(dir, 'nope')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  it('imports a folder of our own rules as another pack, audited', () => {
    const res = prahari(['rules', 'import', join(dir, 'local-rules'), '--pack', 'local']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/pack local: 2 rules/);
    const audit = prahari(['audit', 'list', '--json']);
    expect(audit.stdout).toContain('rule.import');
  });
});

describe('a brute force sent with logger becomes an alert', () => {
  let serve: ServeProcess;
  let key: string;

  beforeAll(async () => {
    const created = prahari(['apikey', 'create', 'soc-cli', '--role', 'analyst', '--json']);
    expect(created.code, created.stderr).toBe(0);
    key = JSON.parse(created.stdout).secret;
    serve = await startServe(dir);
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
  });

  it('shows the correlation alert in prahari alerts list, and closes it', async () => {
    expect(serve.output()).toMatch(/Detection: [\d,]+ rules in use \(.*local 2, sigmahq \d+/);
    const tcp = Number(/TCP (\d+)/.exec(serve.output())![1]);
    for (let i = 0; i < 12; i++) {
      execFileSync('logger', [
        '--server',
        '127.0.0.1',
        '--port',
        String(tcp),
        '--tcp',
        '--rfc5424',
        '--tag',
        'sshd',
        '--id=4242',
        `Failed password for invalid user admin${i} from 203.0.113.99 port ${50000 + i} ssh2`,
      ]);
    }
    // Wait over HTTP (starting the binary again and again would slow the server down), then ask
    // the CLI.
    const deadline = Date.now() + 45_000;
    for (let raised = false; !raised && Date.now() < deadline;) {
      const res = await fetch(`${serve.url}/api/v1/alerts?rule=${BRUTE_FORCE}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      raised = ((await res.json()) as unknown[]).length > 0;
      if (!raised) await new Promise((r) => setTimeout(r, 200));
    }
    const res = prahari(['alerts', 'list', '--server', serve.url, '--api-key', key, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const list = JSON.parse(res.stdout) as { id: string; ruleId: string; sourceIp: string }[];
    const brute = list.find((a) => a.ruleId === BRUTE_FORCE);
    expect(brute).toBeDefined();
    expect(brute!.sourceIp).toBe('203.0.113.99');

    const human = prahari(['alerts', 'list', '--server', serve.url, '--api-key', key]);
    expect(human.stdout).toMatch(/high\s+1\s+new\s+Test sshd brute force\s+203\.0\.113\.99/);

    // a running server owns its alerts: local changes are refused with what to do instead
    const local = prahari(['alerts', 'ack', brute!.id]);
    expect(local.code).not.toBe(0);
    expect(local.stderr).toMatch(/--server URL --api-key KEY/);

    const closed = prahari([
      'alerts',
      'close',
      brute!.id,
      '--as',
      'true-positive',
      '--note',
      'blocked at the firewall',
      '--server',
      serve.url,
      '--api-key',
      key,
    ]);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stdout).toMatch(/closed \(true_positive\)/);
  });

  it('backfills stored events on demand through the server', () => {
    const res = prahari([
      'detect',
      '--since',
      '1h',
      '--server',
      serve.url,
      '--api-key',
      key,
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).events).toBeGreaterThanOrEqual(12);
  });
});
