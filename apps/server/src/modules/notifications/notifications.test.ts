/**
 * Notifications in a real server: e-mail through a local SMTP server the test starts (with a
 * login, as a city's relay has), signed webhooks to a local receiver, the test button, alerts
 * from real ingested lines, retries with backoff, and who may manage which channel.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';
import type { ClockWarning, IncidentChange, IncidentSubject } from '../response/incidents.js';
import { signatureValid, startReceiver, type TestReceiver } from '../response/test-receiver.js';

const PASSWORD = 'a-long-password-1';
const SMTP_PASSWORD = 'smtp-relay-password-1';

interface Mail {
  to: string[];
  subject: string;
  from: string;
  text: string;
}

/** Headers and the plain-text body of a message, quoted-printable undone. */
function readMail(raw: string, to: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const header = (name: string) =>
    new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  if (/quoted-printable/i.test(header('Content-Transfer-Encoding')))
    body = Buffer.from(
      body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  return { to, subject: header('Subject'), from: header('From'), text: body.trim() };
}

let smtp: SMTPServer;
let smtpPort: number;
const mails: Mail[] = [];
let receiver: TestReceiver;
let server: TestServer;
let admin: string;
let meera: string;
let water: string;
let ingestKey: string;

const mailsTo = (address: string) => mails.filter((m) => m.to.includes(address));

async function channel(auth: string, body: Record<string, unknown>) {
  const res = await server.request('POST', '/api/v1/notifications/channels', { auth, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret?: string; hasSecret: boolean };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'prahari' && auth.password === SMTP_PASSWORD)
        callback(null, { user: 'prahari' });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@'))
        callback(Object.assign(new Error('5.1.1 No such mailbox here'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(
          readMail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  receiver = await startReceiver();
  server = await startTestServer({
    'notifications.smtp.host': '127.0.0.1',
    'notifications.smtp.port': smtpPort,
    'notifications.smtp.user': 'prahari',
    'notifications.smtp.password': SMTP_PASSWORD,
    'notifications.smtp.from': 'Prahari SOC <soc@city.example>',
    'notifications.retryBaseMs': 20,
    'notifications.timeoutMs': 3000,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const [username, role] of [
    ['meera', 'analyst'],
    ['water', 'owner'],
  ])
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username, role, password: PASSWORD },
    });
  meera = await server.login('meera', PASSWORD);
  water = await server.login('water', PASSWORD);
  ingestKey = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'collector', role: 'ingest' },
    })
  ).body.secret;
}, 30_000);
afterAll(async () => {
  await server.stop();
  await receiver.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('the test button', () => {
  it('sends a test e-mail through the SMTP server and says it was delivered', async () => {
    const mine = await channel(meera, {
      name: 'meera mail',
      kind: 'email',
      address: 'meera@city.example',
      events: ['alert.high', 'alert.critical', 'playbook.approval'],
    });
    const res = await server.request('POST', `/api/v1/notifications/channels/${mine.id}/test`, {
      auth: meera,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      delivered: true,
      error: null,
      channel: { name: 'meera mail' },
    });
    const [mail] = mailsTo('meera@city.example');
    expect(mail).toEqual({
      to: ['meera@city.example'],
      from: 'Prahari SOC <soc@city.example>',
      subject: "[Prahari] Test message for channel 'meera mail'",
      text: "meera asked Prahari to send this test message through the email channel 'meera mail'. If you read it, the channel works.",
    });
    const trail = await server.request('GET', '/api/v1/audit?action=notification.channel.test', {
      auth: admin,
    });
    expect(trail.body.entries[0]).toMatchObject({
      actorName: 'meera',
      outcome: 'success',
      details: { name: 'meera mail', delivered: true },
    });
  });

  it('reports what the SMTP server or the receiver said when it fails', async () => {
    const nobody = await channel(meera, {
      name: 'typo',
      kind: 'email',
      address: 'nobody@city.example',
      events: [],
    });
    const mail = await server.request('POST', `/api/v1/notifications/channels/${nobody.id}/test`, {
      auth: meera,
    });
    expect(mail.body.delivered).toBe(false);
    expect(mail.body.error).toMatch(
      new RegExp(`^SMTP 127.0.0.1:${smtpPort}: .*550.*No such mailbox`),
    );

    receiver.answer('/broken', 503);
    const hook = await channel(meera, {
      name: 'broken hook',
      kind: 'webhook',
      address: `${receiver.url}/broken`,
      events: [],
    });
    const res = await server.request('POST', `/api/v1/notifications/channels/${hook.id}/test`, {
      auth: meera,
    });
    expect(res.body).toMatchObject({ delivered: false, error: 'answered HTTP 503' });
    // A test is tried once: no retry is queued.
    const deliveries = await server.request(
      'GET',
      `/api/v1/notifications/deliveries?channel=${hook.id}`,
      { auth: meera },
    );
    expect(
      deliveries.body.map((d: { status: string; attempts: number }) => [d.status, d.attempts]),
    ).toEqual([['failed', 1]]);
  });
});

describe('events', () => {
  it('e-mails a new high alert to the channels subscribed to it, not to an owner it does not concern', async () => {
    await channel(water, {
      name: 'water mail',
      kind: 'email',
      address: 'water@city.example',
      events: ['alert.high'],
    });
    const start = Date.now();
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `<38>1 ${new Date(start + i * 1000).toISOString()} iccc-app-1 sshd 811 - - Failed password for root from 198.51.100.90 port ${40000 + i} ssh2`,
    );
    const res = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: lines.join('\n'),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    await expect
      .poll(() => mailsTo('meera@city.example').filter((m) => m.subject.includes('alert')).length, {
        timeout: 10_000,
      })
      .toBe(1);
    const mail = mailsTo('meera@city.example').find((m) => m.subject.includes('alert'))!;
    expect(mail.subject).toBe('[Prahari] High alert: SSH Brute Force Against a City Server');
    expect(mail.text).toContain(
      "High alert 'SSH Brute Force Against a City Server' from 198.51.100.90",
    );
    await server.response.notifications.whenIdle();
    expect(mailsTo('water@city.example')).toEqual([]);
    const deliveries = await server.request(
      'GET',
      '/api/v1/notifications/deliveries?event=alert.high',
      {
        auth: admin,
      },
    );
    expect(
      deliveries.body.map((d: { channelName: string; status: string }) => [
        d.channelName,
        d.status,
      ]),
    ).toEqual([['meera mail', 'delivered']]);
  });

  it('signs webhook deliveries with the secret shown once, and retries them with backoff', async () => {
    receiver.answer('/meera', 500, 500);
    const mine = await channel(meera, {
      name: 'meera hook',
      kind: 'webhook',
      address: `${receiver.url}/meera`,
      events: ['incident.assigned'],
    });
    expect(mine.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const shown = await server.request('GET', `/api/v1/notifications/channels/${mine.id}`, {
      auth: meera,
    });
    expect(shown.body.hasSecret).toBe(true);
    expect(JSON.stringify(shown.body)).not.toContain(mine.secret);
    const team = await channel(admin, {
      name: 'ops chat',
      kind: 'webhook',
      address: `${receiver.url}/ops`,
      events: ['incident.assigned', 'clock.warning'],
      role: 'analyst',
    });

    // Stands in for the incident service, which the lead connects with connectIncidents.
    const changes: ((c: IncidentChange) => void)[] = [];
    const warnings: ((w: ClockWarning) => void)[] = [];
    const incident: IncidentSubject = {
      id: 'inc-7',
      title: 'SSH brute force on the portal',
      severity: 'high',
      status: 'triage',
      certInType: 'unauthorised-access',
      ownerId: null,
    };
    server.response.connectIncidents({
      onChange: (l) => changes.push(l),
      onClockWarning: (l) => warnings.push(l),
      get: () => Promise.resolve(incident),
      incidentForAlert: () => Promise.reject(new Error('not used')),
      addTask: () => Promise.reject(new Error('not used')),
      assignOwnersOfAffectedAssets: () => Promise.reject(new Error('not used')),
    });
    const meeraId = (await server.request('GET', '/api/v1/users/meera', { auth: admin })).body.id;
    for (const l of changes)
      l({
        kind: 'assigned',
        incident,
        actor: { principal: { kind: 'user', id: 'a', name: 'admin', role: 'admin' }, ip: null },
        assigneeId: meeraId,
      });
    await expect
      .poll(() => receiver.to('/meera').filter((r) => r.status === 200).length, { timeout: 5000 })
      .toBe(1);
    const calls = receiver.to('/meera');
    expect(calls.map((c) => c.status)).toEqual([500, 500, 200]);
    for (const c of calls) expect(signatureValid(mine.secret!, c)).toBe(true);
    expect(JSON.parse(calls[2]!.body)).toMatchObject({
      event: 'incident.assigned',
      subject: 'Incident assigned to you: SSH brute force on the portal',
      data: { incidentId: 'inc-7' },
    });
    const [delivery] = (
      await server.request('GET', `/api/v1/notifications/deliveries?channel=${mine.id}`, {
        auth: meera,
      })
    ).body;
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 3,
      event: 'incident.assigned',
    });
    // An assignment is personal: the analysts' team channel is not told of it.
    expect(receiver.to('/ops')).toEqual([]);

    for (const l of warnings)
      l({
        incidentId: 'inc-7',
        duty: 'cert-in',
        minutesLeft: 60,
        dueAt: '2026-11-25T16:00:00.000Z',
      });
    await expect.poll(() => receiver.to('/ops').length, { timeout: 5000 }).toBe(1);
    const warning = receiver.to('/ops')[0]!;
    expect(signatureValid(team.secret!, warning)).toBe(true);
    expect(JSON.parse(warning.body).subject).toBe(
      '60 min left: Report to CERT-In (CERT-In Directions of 28 April 2022, para (ii)) for SSH brute force on the portal',
    );
  });

  it('gives up after the configured tries, keeping the last error', async () => {
    receiver.answer('/down', ...Array.from({ length: 10 }, () => 502));
    const hook = await channel(meera, {
      name: 'down',
      kind: 'webhook',
      address: `${receiver.url}/down`,
      events: [],
    });
    const results = await server.response.notifications.sendTo(
      { channel: hook.id },
      { event: 'playbook.notify', subject: 's', text: 't', data: {} },
    );
    expect(results[0]!.delivered).toBe(false);
    await expect
      .poll(
        async () =>
          (
            await server.request('GET', `/api/v1/notifications/deliveries?channel=${hook.id}`, {
              auth: meera,
            })
          ).body[0].status,
        { timeout: 5000 },
      )
      .toBe('failed');
    const [d] = (
      await server.request('GET', `/api/v1/notifications/deliveries?channel=${hook.id}`, {
        auth: meera,
      })
    ).body;
    expect(d).toMatchObject({ attempts: 5, lastError: 'answered HTTP 502', nextAttemptAt: null });
  });
});

describe('who manages which channel', () => {
  it('lets a person manage their own channels and an admin those of a role', async () => {
    const roleChannel = await server.request('POST', '/api/v1/notifications/channels', {
      auth: meera,
      body: {
        name: 'all analysts',
        kind: 'email',
        address: 'soc@city.example',
        events: [],
        role: 'analyst',
      },
    });
    expect(roleChannel.status).toBe(403);
    const forOther = await server.request('POST', '/api/v1/notifications/channels', {
      auth: water,
      body: { name: 'x', kind: 'email', address: 'x@city.example', events: [], user: 'meera' },
    });
    expect(forOther.status).toBe(403);
    const badEvent = await server.request('POST', '/api/v1/notifications/channels', {
      auth: water,
      body: { name: 'x', kind: 'email', address: 'x@city.example', events: ['alert.low'] },
    });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.message).toMatch(
      /^Unknown event\(s\) alert.low: a channel subscribes to alert.critical, /,
    );
    const badAddress = await server.request('POST', '/api/v1/notifications/channels', {
      auth: water,
      body: { name: 'x', kind: 'webhook', address: 'not a url', events: [] },
    });
    expect(badAddress.status).toBe(400);

    const meeraSees = await server.request('GET', '/api/v1/notifications/channels', {
      auth: meera,
    });
    const names = meeraSees.body.map((c: { name: string }) => c.name);
    expect(names).toContain('ops chat');
    expect(names).not.toContain('water mail');
    const ops = meeraSees.body.find((c: { name: string }) => c.name === 'ops chat');
    expect(ops.owner).toEqual({ user: null, role: 'analyst' });
    expect(
      (await server.request('DELETE', `/api/v1/notifications/channels/${ops.id}`, { auth: meera }))
        .status,
    ).toBe(403);
    const waterChannel = (
      await server.request('GET', '/api/v1/notifications/channels', { auth: admin })
    ).body.find((c: { name: string }) => c.name === 'water mail');
    expect(
      (
        await server.request('POST', `/api/v1/notifications/channels/${waterChannel.id}/test`, {
          auth: meera,
        })
      ).status,
    ).toBe(404);
    const patched = await server.request(
      'PATCH',
      `/api/v1/notifications/channels/${waterChannel.id}`,
      {
        auth: water,
        body: { events: ['alert.critical', 'task.assigned'], enabled: false },
      },
    );
    expect(patched.body).toMatchObject({
      events: ['alert.critical', 'task.assigned'],
      enabled: false,
      updatedBy: 'water',
    });
  });

  it('never repeats the SMTP password in a configuration error', () => {
    let message = '';
    try {
      loadConfig({
        env: {},
        cwd: '/nonexistent',
        flags: { 'notifications.smtp.password': 98765432 },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('notifications.smtp.password');
    expect(message).toContain('(hidden)');
    expect(message).not.toContain('98765432');
  });
});
