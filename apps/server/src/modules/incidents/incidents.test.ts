/**
 * Incidents in a real server, as a city's SOC works one: SSH brute-force lines are ingested, the
 * city rule raises an alert on a registered server, an analyst opens an incident from it, the
 * CERT-In clock runs on a manual clock and warns, the report is recorded; new alerts are
 * proposed or attached automatically; incidents split and merge; evidence keeps its hash and
 * custody; owners see only theirs, auditors change nothing; the audit trail names everyone.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@prahari/core';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';
import type { ClockWarning, IncidentChangeEvent } from './service.js';

const BRUTE_FORCE = '0afa8a64-c529-4214-ac14-2801494db29e';
const ACCEPTED_RULE = `title: Test SSH login accepted
id: 3c1d5e2a-7f40-4b8e-9a61-0d2f3e4a5b01
status: test
level: high
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.action: ssh_login
    event.outcome: success
  condition: selection
`;
const PASSWORD = 'a-long-password-1';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const clock = new ManualClock('2026-11-25T03:00:00.000Z');
let server: TestServer;
let admin: string;
let asha: string;
let water: string;
let traffic: string;
let auditor: string;
let ingestKey: string;
const warnings: ClockWarning[] = [];
const changes: IncidentChangeEvent[] = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function sshLine(text: string, at: Date, host = 'iccc-app-1'): string {
  return `<38>1 ${at.toISOString()} ${host} sshd 811 - - ${text}`;
}

/**
 * Twenty failed SSH passwords in twenty seconds from one address, up to now: the city rule's
 * brute force. Three account names only, so it is not also password spraying.
 */
async function bruteForce(from: string, host = 'iccc-app-1'): Promise<void> {
  const end = clock.now().getTime();
  await ingest(
    Array.from({ length: 20 }, (_, i) =>
      sshLine(
        `Failed password for user${i % 3} from ${from} port ${40000 + i} ssh2`,
        new Date(end - (19 - i) * 1000),
        host,
      ),
    ),
  );
}

async function ingest(lines: string[]): Promise<void> {
  const res = await server.request('POST', '/api/v1/ingest', {
    auth: ingestKey,
    body: lines.join('\n'),
    headers: { 'content-type': 'text/plain' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await server.detection.whenCaughtUp();
  await server.incidents.whenGroupingIdle();
}

async function alertOf(rule: string, sourceIp: string): Promise<Json> {
  const res = await server.request('GET', `/api/v1/alerts?rule=${rule}&sourceIp=${sourceIp}`, {
    auth: admin,
  });
  expect(res.body).toHaveLength(1);
  return res.body[0];
}

async function api(
  method: string,
  path: string,
  auth: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  return server.request(method, `/api/v1${path}`, { auth, ...(body !== undefined && { body }) });
}

async function user(username: string, role: string, department: string): Promise<string> {
  const res = await api('POST', '/users', admin, {
    username,
    role,
    department,
    password: PASSWORD,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return server.login(username, PASSWORD);
}

beforeAll(async () => {
  server = await startTestServer(
    {
      'ingest.syslog.tcpEnabled': false,
      'ingest.syslog.udpEnabled': false,
      'auth.sessionTtlMinutes': 7 * 24 * 60,
      // the test checks the clocks itself, at the times it chooses
      'incidents.clockTickSeconds': 3600,
      'incidents.evidenceMaxBytes': 1024,
      'incidents.autoAttach.sameSourceIp': true,
    },
    { clock },
  );
  server.incidents.onClockWarning((w) => warnings.push(w));
  server.incidents.onChange((c) => changes.push(c));
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  // Passwords are hashed on the thread pool: the four accounts are made side by side.
  [asha, water, traffic, auditor] = await Promise.all([
    user('asha', 'analyst', 'SOC'),
    user('water', 'owner', 'Water'),
    user('traffic', 'owner', 'Traffic'),
    user('audrey', 'auditor', 'Audit'),
  ]);
  ingestKey = (await api('POST', '/apikeys', admin, { name: 'collector', role: 'ingest' })).body
    .secret;
  expect((await api('POST', '/rules', admin, { yaml: ACCEPTED_RULE })).status).toBe(201);
  const city = [
    '[assets]',
    'name,kind,zone,owner,criticality,ips,hostnames',
    'iccc-app-1,server,it,water,4,10.10.1.5,iccc-app-1',
    'property-tax-db,database,it,,4,10.10.1.9,',
    'signal-jn-07,traffic_controller,iot,traffic,4,10.30.7.5,',
    '[services]',
    'name,citizen_impact',
    'Property tax portal,4',
    '[edges]',
    'from,to,type,time_to_impact',
    'iccc-app-1,Property tax portal,supports,',
    'property-tax-db,iccc-app-1,data_from,30',
  ].join('\n');
  expect((await api('POST', '/assets/import', admin, { format: 'csv', text: city })).status).toBe(
    200,
  );
  await server.assets.directory.refresh({ force: true });
}, 60_000);
afterAll(() => server.stop());

describe('an SSH brute force becomes an incident', () => {
  let incident: Json;
  let bruteA: Json;

  it('opens from the alert with its asset, service, observables, timeline and cascade', async () => {
    await bruteForce('203.0.113.99');
    bruteA = await alertOf(BRUTE_FORCE, '203.0.113.99');
    expect(bruteA.asset?.name).toBe('iccc-app-1');

    const res = await api('POST', '/incidents', asha, { alertIds: [bruteA.id] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    incident = res.body.incident;
    expect(incident).toMatchObject({
      number: 'INC-2026-0001',
      title: 'SSH Brute Force Against a City Server',
      severity: 'high',
      status: 'new',
      createdBy: 'asha',
      noticedAt: bruteA.createdAt,
    });
    const d = res.body;
    expect(d.alerts.map((a: Json) => a.id)).toEqual([bruteA.id]);
    expect(d.assets.map((a: Json) => [a.name, a.source])).toEqual([['iccc-app-1', 'alert']]);
    expect(d.services.map((s: Json) => s.name)).toEqual(['Property tax portal']);
    const observables = d.observables.map((o: Json) => `${o.type}:${o.value}`);
    expect(observables).toEqual(
      expect.arrayContaining(['ip:203.0.113.99', 'host:iccc-app-1', 'user:user0', 'user:user2']),
    );
    const ip = d.observables.find((o: Json) => o.value === '203.0.113.99');
    expect(ip.alertIds).toEqual([bruteA.id]);
    expect(ip.eventSeqs).toHaveLength(20);
    // the timeline: the alert, its events, and the opening by asha, in time order
    const kinds = d.timeline.map((t: Json) => t.kind);
    expect(kinds.filter((k: string) => k === 'event')).toHaveLength(20);
    expect(d.timeline.find((t: Json) => t.kind === 'alert').text).toMatch(
      /SSH Brute Force Against a City Server \(high\) first seen from 203\.0\.113\.99 on iccc-app-1/,
    );
    expect(d.timeline.at(-1)).toMatchObject({ kind: 'action', by: 'asha' });
    expect(d.timeline.at(-1).text).toMatch(/^Opened INC-2026-0001 \(high\)/);
    const times = d.timeline.map((t: Json) => t.at);
    expect([...times].sort()).toEqual(times);
    // what else is at risk: the portal at once; the tax database reads from it (30 minutes)
    expect(d.cascade.roots.map((r: Json) => r.name)).toEqual(['iccc-app-1']);
    expect(d.cascade.atRisk.map((a: Json) => [a.name, a.kind, a.minutesToImpact, a.via])).toEqual(
      expect.arrayContaining([
        ['Property tax portal', 'service', 0, 'iccc-app-1'],
        ['property-tax-db', 'asset', 30, 'iccc-app-1'],
      ]),
    );
    // the alert is being worked now
    expect((await api('GET', `/alerts/${bruteA.id}`, asha)).body.alert.status).toBe('acknowledged');
    expect(changes.map((c) => [c.kind, c.incident.number, c.actor.principal?.name])).toEqual([
      ['created', 'INC-2026-0001', 'asha'],
    ]);
    // the same alert cannot open a second incident
    const again = await api('POST', '/incidents', asha, { alertIds: [bruteA.id] });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already in open incident INC-2026-0001/);
  });

  it('runs the 6-hour CERT-In clock: running, warning, overdue, and a reported duty stops it', async () => {
    const noticed = clock.now().toISOString();
    const classified = await api('PATCH', `/incidents/${incident.number}`, asha, {
      certInType: 'unauthorised-access',
      noticedAt: noticed,
      owner: 'asha',
      assignees: ['water'],
    });
    expect(classified.status, JSON.stringify(classified.body)).toBe(200);
    expect(classified.body.clocks).toEqual([
      expect.objectContaining({
        duty: 'cert-in',
        state: 'running',
        dueAt: new Date(Date.parse(noticed) + 6 * HOUR).toISOString(),
        // the dashboard turns it amber then, as the server's first warning (60 minutes) says
        warningAt: new Date(Date.parse(noticed) + 5 * HOUR).toISOString(),
        remainingMs: 6 * HOUR,
      }),
    ]);
    const users = new Map(
      ((await api('GET', '/users', admin)).body as Json[]).map((u) => [u.id, u.username]),
    );
    expect(changes.slice(-3).map((c) => [c.kind, users.get(c.assigneeId) ?? null])).toEqual([
      ['assigned', 'asha'],
      ['assigned', 'water'],
      ['classified', null],
    ]);
    expect(changes.at(-1)!.incident.assetIds).toEqual([bruteA.asset.id]);

    const tickAt = async (offset: number) => {
      clock.set(Date.parse(noticed) + offset);
      return (await server.incidents.tickClocks()).map((w) => [w.incident.number, w.minutesLeft]);
    };
    expect(await tickAt(4 * HOUR + 59 * MINUTE)).toEqual([]);
    expect(await tickAt(5 * HOUR)).toEqual([['INC-2026-0001', 60]]);
    expect(await tickAt(5 * HOUR)).toEqual([]);
    expect((await api('GET', `/incidents/${incident.id}`, asha)).body.clocks[0].state).toBe(
      'warning',
    );
    expect(await tickAt(5 * HOUR + 50 * MINUTE)).toEqual([['INC-2026-0001', 15]]);
    expect(await tickAt(6 * HOUR + MINUTE)).toEqual([['INC-2026-0001', 0]]);
    const overdue = await api('GET', '/incidents?clock=overdue', asha);
    expect(overdue.body.incidents.map((i: Json) => i.number)).toEqual(['INC-2026-0001']);
    expect(warnings.map((w) => [w.duty, w.minutesLeft])).toEqual([
      ['cert-in', 60],
      ['cert-in', 15],
      ['cert-in', 0],
    ]);

    const reported = await api('POST', `/incidents/${incident.id}/duties/cert-in/report`, asha, {
      reference: 'CERTIn-2026-1234',
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    expect(reported.body.clocks[0]).toMatchObject({
      state: 'met-late',
      remainingMs: null,
      reportedBy: 'asha',
      reference: 'CERTIn-2026-1234',
    });
    expect(await tickAt(8 * HOUR)).toEqual([]);
    expect(warnings).toHaveLength(3);
    // a duty the incident does not carry is refused
    const dpdp = await api(
      'POST',
      `/incidents/${incident.id}/duties/dpdp-board-report/report`,
      asha,
    );
    expect(dpdp.status).toBe(409);
    expect(dpdp.body.message).toMatch(/personal-data breach/);
  });

  it('proposes a new alert on the same asset, and attaches one from the same address by rule', async () => {
    await bruteForce('198.51.100.23');
    const bruteB = await alertOf(BRUTE_FORCE, '198.51.100.23');
    const proposals = await api('GET', `/incidents/${incident.id}/proposals`, asha);
    expect(proposals.body).toHaveLength(1);
    expect(proposals.body[0]).toMatchObject({ alertId: bruteB.id, status: 'open' });
    expect(proposals.body[0].reasons.map((r: Json) => r.label)).toEqual(
      expect.arrayContaining(['asset iccc-app-1', 'host iccc-app-1']),
    );
    const forAlert = await api('GET', `/alerts/${bruteB.id}/incident-proposals`, asha);
    expect(forAlert.body.proposals.map((p: Json) => p.incidentNumber)).toEqual(['INC-2026-0001']);
    const accepted = await api(
      'POST',
      `/incidents/${incident.id}/proposals/${proposals.body[0].id}/accept`,
      asha,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.alerts.map((a: Json) => a.id)).toContain(bruteB.id);
    expect((await api('GET', `/incidents/${incident.id}/proposals`, asha)).body).toEqual([]);

    // one that does not belong is dismissed, and stays out
    await bruteForce('198.51.100.50');
    const stray = await alertOf(BRUTE_FORCE, '198.51.100.50');
    const [proposal] = (await api('GET', `/alerts/${stray.id}/incident-proposals`, asha)).body
      .proposals;
    const dismissed = await api(
      'POST',
      `/incidents/${incident.id}/proposals/${proposal.id}/dismiss`,
      asha,
    );
    expect(dismissed.body).toMatchObject({ status: 'dismissed', decidedBy: 'asha' });
    expect((await api('GET', `/incidents/${incident.id}/proposals`, asha)).body).toEqual([]);

    // the brute force worked: a login from the same address is attached at once (sameSourceIp)
    await ingest([
      sshLine('Accepted password for root from 203.0.113.99 port 50111 ssh2', clock.now()),
    ]);
    const login = await alertOf('3c1d5e2a-7f40-4b8e-9a61-0d2f3e4a5b01', '203.0.113.99');
    const detail = (await api('GET', `/incidents/${incident.id}`, asha)).body;
    expect(detail.alerts.map((a: Json) => a.id)).toContain(login.id);
    expect(detail.timeline).toContainEqual(
      expect.objectContaining({
        kind: 'action',
        by: 'system',
        text: expect.stringMatching(
          /^Automatically attached alert Test SSH login accepted \(.*source IP 203\.0\.113\.99/,
        ),
      }),
    );
    expect(detail.observables.find((o: Json) => o.value === 'root')).toBeDefined();
  });

  it('splits alerts out into a new incident and merges it back', async () => {
    const bruteB = await alertOf(BRUTE_FORCE, '198.51.100.23');
    const split = await api('POST', `/incidents/${incident.id}/split`, asha, {
      alertIds: [bruteB.id],
      title: 'Second brute force',
    });
    expect(split.status, JSON.stringify(split.body)).toBe(201);
    const other = split.body.incident;
    expect(other).toMatchObject({ number: 'INC-2026-0002', title: 'Second brute force' });
    expect(split.body.alerts.map((a: Json) => a.id)).toEqual([bruteB.id]);
    expect(split.body.observables.map((o: Json) => o.value)).toContain('198.51.100.23');
    const left = (await api('GET', `/incidents/${incident.id}`, asha)).body;
    expect(left.alerts.map((a: Json) => a.id)).not.toContain(bruteB.id);
    expect(left.observables.map((o: Json) => o.value)).not.toContain('198.51.100.23');
    expect(left.assets.map((a: Json) => a.name)).toEqual(['iccc-app-1']);

    expect(
      (await api('POST', `/incidents/${other.id}/notes`, asha, { text: 'same campaign' })).status,
    ).toBe(201);
    const merged = await api('POST', `/incidents/${incident.id}/merge`, asha, {
      from: other.number,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.alerts.map((a: Json) => a.id)).toContain(bruteB.id);
    expect(merged.body.notes.map((n: Json) => n.text)).toEqual(['same campaign']);
    expect(merged.body.mergedFrom).toEqual([{ id: other.id, number: 'INC-2026-0002' }]);
    expect(merged.body.timeline.map((t: Json) => t.text)).toEqual(
      expect.arrayContaining([
        'Merged INC-2026-0002 (Second brute force) into this incident',
        '[INC-2026-0002] Opened INC-2026-0002 (high): Second brute force, split from INC-2026-0001',
      ]),
    );
    const closed = (await api('GET', `/incidents/${other.id}`, asha)).body.incident;
    expect(closed).toMatchObject({
      status: 'closed',
      resolution: 'duplicate',
      mergedIntoId: incident.id,
    });
  });

  it('keeps evidence under its SHA-256 with a chain of custody, and refuses a changed file', async () => {
    const content = 'Nov 25 03:00:01 iccc-app-1 sshd[811]: Failed password for user0\n';
    const up = await server.request(
      'POST',
      `/api/v1/incidents/${incident.id}/evidence?name=auth.log&type=text/plain`,
      {
        auth: asha,
        body: content,
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(up.body).toMatchObject({ fileName: 'auth.log', size: content.length, sha256 });

    const down = await server.request(
      'GET',
      `/api/v1/incidents/${incident.id}/evidence/${up.body.id}`,
      {
        auth: asha,
      },
    );
    expect(down.status).toBe(200);
    expect(down.body).toBe(content);
    expect(down.headers.get('x-content-sha256')).toBe(sha256);

    const tooBig = await server.request(
      'POST',
      `/api/v1/incidents/${incident.id}/evidence?name=big.bin`,
      {
        auth: asha,
        body: 'x'.repeat(2000),
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toMatch(/incidents\.evidenceMaxBytes/);

    const stored = join(server.dataDir, 'evidence', sha256.slice(0, 2), sha256);
    chmodSync(stored, 0o600);
    writeFileSync(stored, content.replace('user0', 'nobody'));
    const refused = await server.request(
      'GET',
      `/api/v1/incidents/${incident.id}/evidence/${up.body.id}`,
      { auth: asha },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/has changed since it was uploaded/);
    const custody = await api(
      'GET',
      `/incidents/${incident.id}/evidence/${up.body.id}/custody`,
      auditor,
    );
    expect(custody.body.custody.map((c: Json) => [c.action, c.actorName, c.outcome])).toEqual([
      ['uploaded', 'asha', 'ok'],
      ['downloaded', 'asha', 'ok'],
      ['refused', 'asha', 'mismatch'],
    ]);
    expect(custody.body.custody[0].sha256Seen).toBe(sha256);
    expect(custody.body.custody[2].sha256Seen).not.toBe(sha256);
  });

  it('lets a system owner see and contribute to their incidents only, and an auditor only read', async () => {
    const task = await api('POST', `/incidents/${incident.id}/tasks`, asha, {
      title: 'Rotate the SSH keys on iccc-app-1',
      assignee: 'water',
      dueAt: new Date(clock.now().getTime() + 4 * HOUR).toISOString(),
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const ashaTask = await api('POST', `/incidents/${incident.id}/tasks`, asha, {
      title: 'Block 203.0.113.99 at the perimeter',
      assignee: 'asha',
    });

    // theirs: on their asset iccc-app-1 (the duplicate merged into it concerned it too)
    const mine = await api('GET', '/incidents', water);
    expect(mine.body.incidents.map((i: Json) => i.number)).toEqual([
      'INC-2026-0002',
      'INC-2026-0001',
    ]);
    // the board names each incident's assets with their criticality, without a request per card
    expect(mine.body.incidents.map((i: Json) => i.assets)).toEqual([
      [{ id: expect.any(String), name: 'iccc-app-1', criticality: 4 }],
      [{ id: expect.any(String), name: 'iccc-app-1', criticality: 4 }],
    ]);
    expect((await api('GET', '/incidents', traffic)).body.incidents).toEqual([]);
    expect((await api('GET', `/incidents/${incident.id}`, traffic)).status).toBe(404);

    expect(
      (await api('POST', `/incidents/${incident.id}/notes`, water, { text: 'keys rotated' }))
        .status,
    ).toBe(201);
    const done = await api('PATCH', `/incidents/${incident.id}/tasks/${task.body.id}`, water, {
      status: 'done',
    });
    expect(done.body).toMatchObject({ status: 'done', doneBy: 'water' });
    expect(
      (
        await api('PATCH', `/incidents/${incident.id}/tasks/${ashaTask.body.id}`, water, {
          status: 'done',
        })
      ).status,
    ).toBe(403);
    expect(
      (await api('PATCH', `/incidents/${incident.id}/tasks/${task.body.id}`, water, { title: 'x' }))
        .status,
    ).toBe(403);
    expect((await api('PATCH', `/incidents/${incident.id}`, water, { title: 'x' })).status).toBe(
      403,
    );
    expect(
      (await api('POST', `/incidents/${incident.id}/status`, water, { status: 'triage' })).status,
    ).toBe(403);
    const upload = await server.request(
      'POST',
      `/api/v1/incidents/${incident.id}/evidence?name=owner-note.txt`,
      { auth: water, body: 'rotated', headers: { 'content-type': 'application/octet-stream' } },
    );
    expect(upload.status).toBe(201);
    expect(
      (await api('POST', `/incidents/${incident.id}/notes`, traffic, { text: 'x' })).status,
    ).toBe(404);

    expect((await api('GET', `/incidents/${incident.id}`, auditor)).status).toBe(200);
    expect((await api('GET', '/incidents', auditor)).body.incidents.length).toBeGreaterThan(0);
    for (const [method, path, body] of [
      ['POST', `/incidents/${incident.id}/notes`, { text: 'x' }],
      ['PATCH', `/incidents/${incident.id}`, { title: 'x' }],
      ['POST', `/incidents/${incident.id}/status`, { status: 'triage' }],
      ['POST', '/incidents', { title: 'x' }],
    ] as const)
      expect((await api(method, path, auditor, body)).status).toBe(403);
  });

  it('measures response times and shows similar past incidents once closed', async () => {
    const at = clock.now().getTime();
    for (const [offset, status, resolution] of [
      [10 * MINUTE, 'triage', undefined],
      [HOUR, 'contained', undefined],
      [2 * HOUR, 'closed', 'resolved'],
    ] as const) {
      clock.set(at + offset);
      const res = await api('POST', `/incidents/${incident.id}/status`, asha, {
        status,
        ...(resolution && { resolution }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const noticed = Date.parse(incident.noticedAt);
    const metrics = await api('GET', '/incidents/metrics?from=2026-11-01T00:00:00Z', auditor);
    expect(metrics.status, JSON.stringify(metrics.body)).toBe(200);
    const mins = (t: number) => Math.round((t - noticed) / MINUTE);
    expect(metrics.body.incidents).toEqual([
      expect.objectContaining({
        number: 'INC-2026-0001',
        minutesToAcknowledge: mins(at + 10 * MINUTE),
        minutesToContain: mins(at + HOUR),
        minutesToClose: mins(at + 2 * HOUR),
      }),
    ]);
    expect(metrics.body.byDepartment.map((g: Json) => g.name).sort()).toEqual(['SOC', 'Water']);
    expect(metrics.body.byPerson.map((g: Json) => g.name).sort()).toEqual(['asha', 'water']);
    expect((await api('GET', '/incidents/metrics', water)).status).toBe(403);

    // the same attack again: the closed incident is offered as similar
    await bruteForce('192.0.2.200');
    const bruteC = await alertOf(BRUTE_FORCE, '192.0.2.200');
    const next = await api('POST', '/incidents', asha, { alertIds: [bruteC.id] });
    expect(next.body.similar[0]).toMatchObject({ number: 'INC-2026-0001', resolution: 'resolved' });
    expect(next.body.similar[0].shared).toEqual(
      expect.arrayContaining(['rule SSH Brute Force Against a City Server', 'asset iccc-app-1']),
    );
  });

  it('has every step in the audit trail, with names', async () => {
    const trail = await api('GET', '/audit?limit=1000', admin);
    const mine = (trail.body.entries as Json[])
      .filter((e) => e.target === `incident:${incident.id}`)
      .reverse()
      .map((e) => `${e.actorName} ${e.action}`);
    expect(mine).toEqual([
      'asha incident.create',
      'asha incident.assign',
      'asha incident.classify',
      'system incident.clock.warning',
      'system incident.clock.warning',
      'system incident.clock.warning',
      'asha incident.duty.report',
      'asha incident.alert.attach',
      'asha incident.proposal.accept',
      'asha incident.proposal.dismiss',
      'system incident.alert.auto-attach',
      'asha incident.split',
      'asha incident.merge',
      'asha incident.evidence.upload',
      'asha incident.evidence.download',
      'asha incident.evidence.download',
      'asha incident.task.create',
      'asha incident.task.create',
      'water incident.note',
      'water incident.task.update',
      'water incident.evidence.upload',
      'asha incident.status',
      'asha incident.status',
      'asha incident.status',
    ]);
    const verify = await api('GET', '/audit/verify', auditor);
    expect(verify.body.ok).toBe(true);
  });
});
