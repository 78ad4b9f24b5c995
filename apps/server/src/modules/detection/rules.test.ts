import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;
let ingestKey: string;

const PORTAL_RULE = (id: string, title: string, path: string) => `title: ${title}
id: ${id}
status: test
level: medium
logsource:
  category: webserver
detection:
  selection:
    c-uri|contains: ${path}
  condition: selection
`;

const WP_ID = '3c2a1b0d-7e6f-4a5b-8c9d-0e1f2a3b4c01';
const ENV_ID = '3c2a1b0d-7e6f-4a5b-8c9d-0e1f2a3b4c02';

async function ingest(lines: string[]): Promise<void> {
  const res = await server.request('POST', '/api/v1/ingest', {
    auth: ingestKey,
    body: lines.join('\n'),
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status).toBe(200);
  await server.detection.whenCaughtUp();
}

async function hits(rule: string): Promise<number> {
  const res = await server.request('GET', `/api/v1/alerts?rule=${rule}&limit=1000`, {
    auth: admin,
  });
  return (res.body as { count: number }[]).reduce((n, a) => n + a.count, 0);
}

beforeAll(async () => {
  server = await startTestServer({
    'ingest.syslog.tcpEnabled': false,
    'ingest.syslog.udpEnabled': false,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  ingestKey = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'collector', role: 'ingest' },
    })
  ).body.secret;
});
afterAll(() => server.stop());

describe('rule management over the API', () => {
  it('uploads a zip of rules, lists them in the uploaded pack and shows their source', async () => {
    const zip = zipSync({
      'portal/wp-probe.yml': strToU8(PORTAL_RULE(WP_ID, 'Test WordPress admin probe', '/wp-admin')),
      'portal/env-probe.yml': strToU8(PORTAL_RULE(ENV_ID, 'Test dotenv probe', '/.env')),
      'portal/README.txt': strToU8('not a rule'),
    });
    const res = await server.request('POST', '/api/v1/rules', {
      auth: admin,
      body: { zipBase64: Buffer.from(zip).toString('base64') },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.saved.sort()).toEqual(['portal/env-probe.yml', 'portal/wp-probe.yml']);
    const list = await server.request('GET', '/api/v1/rules?pack=uploaded', { auth: admin });
    expect(list.body.rules.map((r: { id: string }) => r.id).sort()).toEqual([WP_ID, ENV_ID].sort());
    const one = await server.request('GET', `/api/v1/rules/${WP_ID}`, { auth: admin });
    expect(one.body.source).toContain('c-uri|contains: /wp-admin');
    expect(one.body).toMatchObject({ pack: 'uploaded', enabled: true, deletable: true });
    const packs = await server.request('GET', '/api/v1/rules/packs', { auth: admin });
    expect(packs.body.map((p: { name: string }) => p.name)).toEqual(['city', 'uploaded']);
  });

  it('refuses an upload with a broken rule, saving none of it, and says where', async () => {
    const res = await server.request('POST', '/api/v1/rules', {
      auth: admin,
      body: {
        yaml: `title: Half broken\nid: 3c2a1b0d-7e6f-4a5b-8c9d-0e1f2a3b4c03\nlogsource:\n  category: webserver\ndetection:\n  selection:\n    c-uri|re: '(unclosed'\n  condition: selection\n`,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not saved/);
    expect(res.body.details.errors[0].message).toMatch(/regular expression|regex|re/i);
    const list = await server.request('GET', '/api/v1/rules?q=Half', { auth: admin });
    expect(list.body.total).toBe(0);
  });

  it('refuses an id that another pack already uses', async () => {
    const cityRule = (
      await server.request('GET', '/api/v1/rules?pack=city&kind=rule', { auth: admin })
    ).body.rules[0] as { id: string };
    const res = await server.request('POST', '/api/v1/rules/validate', {
      auth: admin,
      body: { yaml: PORTAL_RULE(cityRule.id, 'Copy', '/x') },
    });
    expect(res.body.valid).toBe(false);
    expect(res.body.errors[0].message).toContain('pack city');
  });

  it('a false-positive filter with a reason silences the matching events only, and is audited', async () => {
    await ingest([
      '10.9.9.9 - - [25/Nov/2026:11:00:00 +0530] "GET /wp-admin/ HTTP/1.1" 404 10 "-" "vapt-scanner"',
    ]);
    expect(await hits(WP_ID)).toBe(1);
    const filter = `title: Our VAPT scanner
id: 3c2a1b0d-7e6f-4a5b-8c9d-0e1f2a3b4c10
logsource:
  category: webserver
filter:
  rules:
    - ${WP_ID}
  selection:
    c-ip: 10.9.9.9
  condition: not selection
`;
    const added = await server.request('POST', '/api/v1/rules/filters', {
      auth: admin,
      body: { yaml: filter, reason: 'the quarterly VAPT runs from 10.9.9.9' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ createdBy: 'admin', ruleIds: [WP_ID] });
    await ingest([
      '10.9.9.9 - - [25/Nov/2026:11:01:00 +0530] "GET /wp-admin/ HTTP/1.1" 404 10 "-" "vapt-scanner"',
      '203.0.113.66 - - [25/Nov/2026:11:01:05 +0530] "GET /wp-admin/ HTTP/1.1" 404 10 "-" "curl"',
    ]);
    expect(await hits(WP_ID)).toBe(2);
    const audit = await server.request('GET', '/api/v1/audit?action=rule.filter.add', {
      auth: admin,
    });
    expect(JSON.stringify(audit.body)).toContain('quarterly VAPT');

    const removed = await server.request('DELETE', `/api/v1/rules/filters/${added.body.id}`, {
      auth: admin,
    });
    expect(removed.status).toBe(204);
    await ingest([
      '10.9.9.9 - - [25/Nov/2026:11:02:00 +0530] "GET /wp-admin/ HTTP/1.1" 404 10 "-" "vapt-scanner"',
    ]);
    expect(await hits(WP_ID)).toBe(3);
  });

  it('deletes an uploaded rule but refuses to delete a built-in city rule', async () => {
    const del = await server.request('DELETE', `/api/v1/rules/${ENV_ID}`, { auth: admin });
    expect(del.status).toBe(204);
    expect((await server.request('GET', `/api/v1/rules/${ENV_ID}`, { auth: admin })).status).toBe(
      404,
    );
    const cityRule = (
      await server.request('GET', '/api/v1/rules?pack=city&kind=rule', { auth: admin })
    ).body.rules[0] as { id: string };
    const refused = await server.request('DELETE', `/api/v1/rules/${cityRule.id}`, { auth: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/switch it off/);
    const audit = await server.request('GET', '/api/v1/audit?action=rule.delete', { auth: admin });
    expect(JSON.stringify(audit.body)).toContain(ENV_ID);
  });

  it('shows and deletes each rule of a multi-document file on its own', async () => {
    const first = '3c2a1b0d-7e6f-4a5b-8c9d-0e1f2a3b4c21';
    const second = '3c2a1b0d-7e6f-4a5b-8c9d-0e1f2a3b4c22';
    const yaml = `${PORTAL_RULE(first, 'Test first of two', '/first')}---\n${PORTAL_RULE(second, 'Test second of two', '/second')}`;
    const up = await server.request('POST', '/api/v1/rules', {
      auth: admin,
      body: { yaml, name: 'two.yml' },
    });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const one = await server.request('GET', `/api/v1/rules/${first}`, { auth: admin });
    const two = await server.request('GET', `/api/v1/rules/${second}`, { auth: admin });
    expect(one.body.source).toContain('/first');
    expect(one.body.source).not.toContain('/second');
    expect(two.body.source).toContain('/second');
    expect(two.body.source).not.toContain('/first');
    expect(
      (await server.request('DELETE', `/api/v1/rules/${second}`, { auth: admin })).status,
    ).toBe(204);
    const left = await server.request('GET', `/api/v1/rules/${first}`, { auth: admin });
    expect(left.status).toBe(200);
    expect(left.body.source).toContain('/first');
    expect((await server.request('GET', `/api/v1/rules/${second}`, { auth: admin })).status).toBe(
      404,
    );
  });

  it('keeps the auditor and the ingest role away from rule changes', async () => {
    const res = await server.request('PATCH', `/api/v1/rules/${WP_ID}`, {
      auth: ingestKey,
      body: { enabled: false },
    });
    expect(res.status).toBe(403);
  });
});
