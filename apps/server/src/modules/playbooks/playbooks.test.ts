/**
 * Playbooks in a real server: SSH brute-force lines are ingested, the city rule raises a real
 * alert, and an uploaded playbook adds an indicator, calls a local webhook receiver (signed,
 * retried after a 500), waits for an analyst and then blocks the address — or not, when the
 * analyst rejects. Every step is in the audit trail with a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';
import { signatureValid, startReceiver, type TestReceiver } from '../response/test-receiver.js';

const SSH_BRUTE_FORCE_RULE = '0afa8a64-c529-4214-ac14-2801494db29e';
const SECRET = 'a-secret-the-soar-tool-knows-too';
const PASSWORD = 'a-long-password-1';

let server: TestServer;
let receiver: TestReceiver;
let admin: string;
let meera: string;
let auditor: string;
let ingestKey: string;

function playbook(receiverUrl: string): string {
  return `id: ssh-response
title: Respond to SSH brute force
secret: ${SECRET}
trigger:
  on: alert
  rule: ${SSH_BRUTE_FORCE_RULE}
  minSeverity: high
steps:
  - action: add_indicator
    value: "{{ alert.sourceIp }}"
    source: ssh playbook
  - action: webhook
    name: Tell the SOAR tool
    url: ${receiverUrl}/soar
    automatic: true
    body:
      ip: "{{ alert.sourceIp }}"
      rule: "{{ alert.ruleTitle }}"
      events: "{{ alert.matched.events }}"
  - action: block_ip
    value: "{{ alert.sourceIp }}"
    expiresInHours: 24
`;
}

function sshFailures(ip: string, start: number): string[] {
  return Array.from(
    { length: 20 },
    (_, i) =>
      `<38>1 ${new Date(start + i * 1000).toISOString()} iccc-app-1 sshd 811 - - Failed password for user${i} from ${ip} port ${40000 + i} ssh2`,
  );
}

async function runFor(ip: string, status: string) {
  let found: { id: string; status: string; steps: { status: string }[] } | undefined;
  await expect
    .poll(
      async () => {
        const res = await server.request('GET', '/api/v1/playbook-runs?playbook=ssh-response', {
          auth: admin,
        });
        found = (res.body as { id: string; status: string; subject: { title: string } }[]).find(
          (r) => r.subject.title.includes(ip),
        ) as typeof found;
        return found?.status;
      },
      { timeout: 10_000 },
    )
    .toBe(status);
  return found!;
}

async function blocklistText(): Promise<string> {
  const res = await server.request('GET', '/api/v1/blocklist.txt', { auth: ingestKey });
  expect(res.status).toBe(200);
  return res.body as string;
}

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer({
    'response.webhook.retryBaseMs': 20,
    'response.webhook.timeoutMs': 2000,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const [username, role] of [
    ['meera', 'analyst'],
    ['audrey', 'auditor'],
  ])
    expect(
      (
        await server.request('POST', '/api/v1/users', {
          auth: admin,
          body: { username, role, password: PASSWORD },
        })
      ).status,
    ).toBe(201);
  meera = await server.login('meera', PASSWORD);
  auditor = await server.login('audrey', PASSWORD);
  ingestKey = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'collector', role: 'ingest' },
    })
  ).body.secret;
  // Meera wants to hear when a step waits for her.
  const channel = await server.request('POST', '/api/v1/notifications/channels', {
    auth: meera,
    body: {
      name: 'meera approvals',
      kind: 'webhook',
      address: `${receiver.url}/approvals`,
      events: ['playbook.approval'],
      secret: 'meera-approval-secret-1',
    },
  });
  expect(channel.status, JSON.stringify(channel.body)).toBe(201);
  const uploaded = await server.request('POST', '/api/v1/playbooks', {
    auth: meera,
    body: { yaml: playbook(receiver.url) },
  });
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  expect(uploaded.body.yaml).toContain('secret: (hidden)');
  expect(uploaded.body.yaml).not.toContain(SECRET);

  // The SOAR tool fails once, then takes the call.
  receiver.answer('/soar', 500);
  const start = Date.now();
  const ingested = await server.request('POST', '/api/v1/ingest', {
    auth: ingestKey,
    body: [...sshFailures('198.51.100.77', start), ...sshFailures('198.51.100.78', start)].join(
      '\n',
    ),
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(ingested.status).toBe(200);
}, 30_000);
afterAll(async () => {
  await server.stop();
  await receiver.close();
});

describe('a playbook on a real alert', () => {
  it('adds the indicator, calls the webhook signed and retried, then waits for approval', async () => {
    const run = await runFor('198.51.100.77', 'awaiting-approval');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'awaiting-approval']);
    const detail = (
      await server.request('GET', `/api/v1/playbook-runs/${run.id}`, { auth: auditor })
    ).body;
    expect(detail.trigger).toBe('alert');
    expect(detail.startedBy).toBe('playbook ssh-response');
    expect(detail.steps[2].inputs).toEqual({ value: '198.51.100.77', expiresInHours: 24 });

    const calls = receiver
      .to('/soar')
      .filter((r) => (JSON.parse(r.body) as { ip: string }).ip === '198.51.100.77');
    expect(calls.map((c) => c.status)).toEqual([500, 200]);
    for (const c of calls) expect(signatureValid(SECRET, c)).toBe(true);
    expect(signatureValid('some-other-secret-entirely', calls[0]!)).toBe(false);
    expect(calls[0]!.headers['x-prahari-delivery']).toBe(calls[1]!.headers['x-prahari-delivery']);
    expect(JSON.parse(calls[1]!.body)).toEqual({
      ip: '198.51.100.77',
      rule: 'SSH Brute Force Against a City Server',
      events: 20,
    });
    const webhookStep = detail.steps[1];
    expect(webhookStep.attempts).toBe(2);
    expect(
      webhookStep.outputs.attempts.map((a: { status: number; error: string | null }) => [
        a.status,
        a.error,
      ]),
    ).toEqual([
      [500, 'answered HTTP 500'],
      [200, null],
    ]);

    const indicators = await server.request('GET', '/api/v1/indicators?q=198.51.100.77', {
      auth: admin,
    });
    expect(indicators.body.indicators.map((i: { source: string }) => i.source)).toEqual([
      'ssh playbook',
    ]);
    expect(await blocklistText()).not.toContain('198.51.100.77');

    // Meera's channel was told, signed with her channel's secret.
    await expect.poll(() => receiver.to('/approvals').length, { timeout: 5000 }).toBeGreaterThan(0);
    const approval = receiver.to('/approvals').find((r) => r.body.includes(run.id))!;
    expect(signatureValid('meera-approval-secret-1', approval)).toBe(true);
    expect(JSON.parse(approval.body)).toMatchObject({
      event: 'playbook.approval',
      subject: 'Approval needed: Respond to SSH brute force: block_ip 198.51.100.77',
      data: { runId: run.id, step: 3, action: 'block_ip' },
    });
  });

  it('blocks the address once an analyst approves, and firewalls get it', async () => {
    const run = await runFor('198.51.100.77', 'awaiting-approval');
    expect(
      (
        await server.request('POST', `/api/v1/playbook-runs/${run.id}/steps/3/approve`, {
          auth: auditor,
        })
      ).status,
    ).toBe(403);
    const approved = await server.request(
      'POST',
      `/api/v1/playbook-runs/${run.id}/steps/3/approve`,
      { auth: meera, body: { note: 'no city scanner at that address' } },
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.steps[2]).toMatchObject({ approvedBy: 'meera' });
    await runFor('198.51.100.77', 'done');
    expect((await blocklistText()).split('\n')).toContain('198.51.100.77');
    const again = await server.request('POST', `/api/v1/playbook-runs/${run.id}/steps/3/approve`, {
      auth: admin,
    });
    expect(again.status).toBe(409);
  });

  it('blocks nothing when the analyst rejects the step', async () => {
    const run = await runFor('198.51.100.78', 'awaiting-approval');
    const rejected = await server.request(
      'POST',
      `/api/v1/playbook-runs/${run.id}/steps/3/reject`,
      { auth: meera, body: { note: 'the university NAT address' } },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.steps.map((s: { status: string }) => s.status)).toEqual([
      'done',
      'done',
      'rejected',
    ]);
    expect(await blocklistText()).not.toContain('198.51.100.78');
  });

  it('leaves every step in the audit trail with the name of who did it', async () => {
    const res = await server.request('GET', '/api/v1/audit?limit=1000', { auth: auditor });
    const trail = (
      res.body.entries as {
        actorName: string;
        action: string;
        target: string | null;
        details: Record<string, unknown>;
      }[]
    )
      .filter((e) => /^(playbook|blocklist|indicator)\./.test(e.action))
      .reverse();
    const run77 = (await runFor('198.51.100.77', 'done')).id;
    const of = (runId: string) =>
      trail
        .filter((e) => e.target === `playbook-run:${runId}` || e.details.run === runId)
        .map((e) => `${e.actorName} ${e.action}`);
    expect(trail[0]).toMatchObject({ actorName: 'meera', action: 'playbook.upload' });
    expect(of(run77)).toEqual([
      'playbook ssh-response playbook.run.start',
      'playbook ssh-response playbook.step.done',
      'playbook ssh-response playbook.step.done',
      'playbook ssh-response playbook.step.await-approval',
      'meera playbook.step.approve',
      'meera blocklist.add',
      'meera playbook.step.done',
      'playbook ssh-response playbook.run.finish',
    ]);
    const run78 = (await runFor('198.51.100.78', 'rejected')).id;
    expect(of(run78).slice(-2)).toEqual([
      'playbook ssh-response playbook.step.await-approval',
      'meera playbook.step.reject',
    ]);
    expect(
      trail.some((e) => e.actorName === 'playbook ssh-response' && e.action === 'indicator.add'),
    ).toBe(true);
  });
});

describe('playbooks over HTTP', () => {
  it('refuses an invalid playbook, naming each problem with its line', async () => {
    const yaml =
      'id: broken\ntitle: Broken\ntrigger: { on: alert }\nsteps:\n  - action: block_ip\n    valeu: 1.2.3.4\n';
    const res = await server.request('POST', '/api/v1/playbooks', { auth: meera, body: { yaml } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      "The playbook was not saved: line 5, column 5 (steps.0): missing 'value'; line 6, column 5 (steps.0.valeu): unknown key 'valeu'.",
    );
    expect(res.body.details.errors).toEqual([
      { line: 5, column: 5, path: 'steps.0', message: "missing 'value'" },
      { line: 6, column: 5, path: 'steps.0.valeu', message: "unknown key 'valeu'" },
    ]);
    const checked = await server.request('POST', '/api/v1/playbooks/validate', {
      auth: meera,
      body: { yaml },
    });
    expect(checked.status).toBe(200);
    expect(checked.body.valid).toBe(false);
    expect(checked.body.errors).toHaveLength(2);
  });

  it("lists Prahari's own playbooks disabled; they are enabled (audited) but never deleted", async () => {
    const list = await server.request('GET', '/api/v1/playbooks', { auth: auditor });
    expect(
      list.body.map((p: { id: string; origin: string; enabled: boolean }) => [
        p.id,
        p.origin,
        p.enabled,
      ]),
    ).toEqual([
      ['critical-incident-ciso', 'built-in', false],
      ['modbus-unlisted-host', 'built-in', false],
      ['ssh-brute-force-block', 'built-in', false],
      ['ssh-response', 'uploaded', true],
    ]);
    const enabled = await server.request('POST', '/api/v1/playbooks/modbus-unlisted-host/enable', {
      auth: meera,
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, updatedBy: 'meera' });
    const disabled = await server.request(
      'POST',
      '/api/v1/playbooks/modbus-unlisted-host/disable',
      {
        auth: meera,
      },
    );
    expect(disabled.body.enabled).toBe(false);
    const audit = await server.request('GET', '/api/v1/audit?action=playbook.enable', {
      auth: auditor,
    });
    expect(audit.body.entries[0]).toMatchObject({
      actorName: 'meera',
      target: 'playbook:modbus-unlisted-host',
    });
    expect(
      (await server.request('DELETE', '/api/v1/playbooks/ssh-brute-force-block', { auth: admin }))
        .status,
    ).toBe(409);
    expect(
      (await server.request('POST', '/api/v1/playbooks', { auth: auditor, body: { yaml: 'x' } }))
        .status,
    ).toBe(403);
  });

  it('runs a playbook by hand against an alert, as the person who asked', async () => {
    const alerts = await server.request(
      'GET',
      `/api/v1/alerts?rule=${SSH_BRUTE_FORCE_RULE}&limit=10`,
      { auth: admin },
    );
    const alert = (alerts.body as { id: string; sourceIp: string }[]).find(
      (a) => a.sourceIp === '198.51.100.78',
    )!;
    const yaml = `id: remember
title: Remember the source
trigger: { on: manual }
steps:
  - action: add_indicator
    value: "{{ alert.sourceIp }}"
    description: "seen by {{ alert.ruleTitle }}"
  - action: webhook
    channel: meera approvals
    automatic: true
    body: { remembered: "{{ alert.sourceIp }}" }
  - action: notify
    user: meera
    subject: "Remembered {{ alert.sourceIp }}"
`;
    expect(
      (await server.request('POST', '/api/v1/playbooks', { auth: meera, body: { yaml } })).status,
    ).toBe(201);
    const earlier = receiver.to('/approvals').length;
    const started = await server.request('POST', '/api/v1/playbooks/remember/run', {
      auth: meera,
      body: { alertId: alert.id },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ trigger: 'manual', startedBy: 'meera' });
    await expect
      .poll(
        async () =>
          (await server.request('GET', `/api/v1/playbook-runs/${started.body.id}`, { auth: meera }))
            .body.status,
      )
      .toBe('done');
    // The webhook step used the channel's URL and secret; the notify step reached Meera's channel.
    const toMeera = receiver.to('/approvals').slice(earlier);
    expect(toMeera.map((r) => signatureValid('meera-approval-secret-1', r))).toEqual([true, true]);
    expect(JSON.parse(toMeera[0]!.body)).toEqual({ remembered: '198.51.100.78' });
    expect(JSON.parse(toMeera[1]!.body)).toMatchObject({
      event: 'playbook.notify',
      subject: 'Remembered 198.51.100.78',
    });
    const wrong = await server.request('POST', '/api/v1/playbooks/remember/run', {
      auth: meera,
      body: { incidentId: 'x' },
    });
    expect(wrong.status).toBe(404);
    const deleted = await server.request('DELETE', '/api/v1/playbooks/remember', { auth: meera });
    expect(deleted.status).toBe(200);
  });
});
