// POST /api/v1/rules/test: an analyst pastes a rule (or picks a loaded one) and some events, and
// sees which events match and why — against a real server, which must store and alert nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;
let auditor: string;

/** The city rule pack's failed-SSH rule and the brute-force correlation built on it. */
const SSH_FAILED = '7c07cc8e-efb9-4151-ae87-7ee0da90e3a9';
const SSH_BRUTE_FORCE = '0afa8a64-c529-4214-ac14-2801494db29e';

const ROOT_LOGIN_RULE = `title: Root password attempt
id: 5d1e7c52-2b8a-4c1e-9a57-0c4f4b0f7a11
status: test
level: high
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.action: ssh_login
    user.name: root
  condition: selection
`;

const sshLine = (user: string, ip: string, second = 0) =>
  `<38>1 2026-11-20T10:00:${String(second).padStart(2, '0')}Z web-01 sshd 411 - - Failed password for ${user} from ${ip} port 51234 ssh2`;

async function test(body: unknown, auth = admin) {
  return server.request('POST', '/api/v1/rules/test', { auth, body });
}

beforeAll(async () => {
  server = await startTestServer({
    'ingest.syslog.tcpEnabled': false,
    'ingest.syslog.udpEnabled': false,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  await server.request('POST', '/api/v1/users', {
    auth: admin,
    body: { username: 'ravi', password: 'auditor-password-1', role: 'auditor' },
  });
  auditor = await server.login('ravi', 'auditor-password-1');
});
afterAll(() => server.stop());

describe('testing a rule against pasted events', () => {
  it('parses pasted log lines as ingest would and names the events that match, with the fields', async () => {
    const res = await test({
      yaml: ROOT_LOGIN_RULE,
      events: [sshLine('root', '203.0.113.9'), '', sshLine('asha', '203.0.113.9')].join('\n'),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      valid: true,
      format: 'lines',
      total: 2,
      matched: 1,
      errors: [],
      rules: [{ kind: 'rule', title: 'Root password attempt' }],
    });
    const [root, asha] = res.body.events;
    expect(root).toMatchObject({
      index: 1,
      line: 1,
      parser: 'linux-auth',
      logsource: { product: 'linux', service: 'sshd' },
      summary: 'Failed password for root from 203.0.113.9 port 51234 ssh2',
      error: null,
      matches: [
        {
          kind: 'detection',
          title: 'Root password attempt',
          level: 'high',
          fields: { 'event.action': 'ssh_login', 'user.name': 'root' },
        },
      ],
    });
    // The parsed fields show what a rule can name.
    expect(root.fields).toMatchObject({ 'source.ip': '203.0.113.9', 'event.outcome': 'failure' });
    expect(asha).toMatchObject({ index: 2, line: 3, matches: [] });
  });

  it('tests a loaded correlation with its base rule from the library, over event time', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => sshLine(`user${i}`, '198.51.100.4', i));
    const res = await test({ ruleId: SSH_BRUTE_FORCE, events: lines.join('\n') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.valid).toBe(true);
    expect(res.body.rules).toEqual([
      { id: SSH_BRUTE_FORCE, kind: 'correlation', title: 'SSH Brute Force Against a City Server' },
    ]);
    expect(res.body.referenced).toEqual([
      { id: SSH_FAILED, title: 'Failed SSH Login on a City Server' },
    ]);
    expect(res.body.matched).toBe(20);
    const last = res.body.events[19];
    expect(last.matches.map((m: { kind: string; title: string }) => [m.kind, m.title])).toEqual([
      ['detection', 'Failed SSH Login on a City Server'],
      ['correlation', 'SSH Brute Force Against a City Server'],
    ]);
    expect(res.body.events[18].matches).toHaveLength(1);
  });

  it('tests JSON objects as they are: lines, arrays and pretty-printed, saying which could not be read', async () => {
    const rule = `title: Modbus write
logsource:
  product: zeek
  service: modbus
detection:
  selection:
    func|contains: WRITE
  condition: selection
`;
    const events = [
      '{"func": "WRITE_SINGLE_REGISTER", "id.orig_h": "10.20.3.50"}',
      '{"func": "READ_COILS"}',
      '{"func": WRITE_MULTIPLE_COILS}',
      '[{"func": "READ_INPUT_REGISTERS"},',
      ' {',
      '   "func": "WRITE_SINGLE_COIL"',
      ' }]',
    ].join('\n');
    const res = await test({
      yaml: rule,
      events,
      logsource: { product: 'zeek', service: 'modbus' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.format).toBe('json');
    const summary = res.body.events.map(
      (e: { line: number; matches: unknown[]; error: string | null }) => [
        e.line,
        e.matches.length,
        e.error === null ? null : 'error',
      ],
    );
    expect(summary).toEqual([
      [1, 1, null],
      [2, 0, null],
      [3, 0, 'error'],
      [4, 0, null],
      [5, 1, null],
    ]);
    expect(res.body.events[2].error).toMatch(/^not valid JSON/);
    expect(res.body.events[0].matches[0].fields).toEqual({ func: 'WRITE_SINGLE_REGISTER' });
    expect(res.body.events[0].logsource).toEqual({ product: 'zeek', service: 'modbus' });
  });

  it('returns the rule’s errors with line and column, and tests no event', async () => {
    const res = await test({
      yaml: 'title: Broken\nlogsource:\n  product: linux\ndetection:\n  selection:\n    user.name|nosuchmodifier: root\n  condition: selection\n',
      events: sshLine('root', '203.0.113.9'),
    });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors[0]).toMatchObject({
      line: 6,
      message: expect.stringMatching(/nosuchmodifier/),
    });
    expect(res.body.events[0].matches).toEqual([]);

    const yamlError = await test({ yaml: 'title: [unclosed\n', events: '{}' });
    expect(yamlError.body.valid).toBe(false);
    expect(yamlError.body.errors[0]).toMatchObject({
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('refuses what it cannot test, and lets only analysts and admins test', async () => {
    const both = await test({ yaml: ROOT_LOGIN_RULE, ruleId: SSH_FAILED, events: '{}' });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/either yaml .* or ruleId/);
    const unknown = await test({ ruleId: 'no-such-rule', events: '{}' });
    expect(unknown.status).toBe(404);
    const many = await test({
      yaml: ROOT_LOGIN_RULE,
      events: Array.from({ length: 1001 }, () => sshLine('root', '203.0.113.9')).join('\n'),
    });
    expect(many.status).toBe(400);
    expect(many.body.message).toMatch(/At most 1000 events/);
    const empty = await test({ yaml: ROOT_LOGIN_RULE, events: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.details).toBeDefined();
    const asAuditor = await test({ yaml: ROOT_LOGIN_RULE, events: '{}' }, auditor);
    expect(asAuditor.status).toBe(403);
  });

  it('stores nothing and raises no alert', async () => {
    await test({ yaml: ROOT_LOGIN_RULE, events: sshLine('root', '203.0.113.9') });
    const events = await server.request('GET', '/api/v1/events?q=root', { auth: admin });
    expect(events.body.events).toEqual([]);
    const alerts = await server.request('GET', '/api/v1/alerts?status=new,acknowledged,closed', {
      auth: admin,
    });
    expect(alerts.body).toEqual([]);
    const rules = await server.request('GET', '/api/v1/rules?q=Root password attempt', {
      auth: admin,
    });
    expect(rules.body.total).toBe(0);
  });
});
