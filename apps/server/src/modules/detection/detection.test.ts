import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;
let ingestKey: string;

const SSH_FAILED_RULE = `title: Test SSH password failure
id: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a1111
status: test
level: low
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.action: ssh_login
    event.outcome: failure
  condition: selection
---
title: Test SSH brute force
id: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a2222
status: test
level: high
correlation:
  type: event_count
  rules:
    - 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a1111
  group-by:
    - source.ip
  timespan: 60s
  condition:
    gte: 20
  generate: true
`;

const WEB_RULE = `title: Test phpMyAdmin probe
id: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a3333
status: test
level: medium
logsource:
  category: webserver
detection:
  selection:
    c-uri|contains: /phpmyadmin
  condition: selection
`;

function sshFailure(i: number, ip: string, at: Date): string {
  const t = at.toISOString();
  return `<38>1 ${t} iccc-app-1 sshd 811 - - Failed password for user${i} from ${ip} port ${40000 + i} ssh2`;
}

async function sendTcp(port: number, lines: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end(lines.map((l) => `${l}\n`).join(''));
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

async function ingest(lines: string[]): Promise<void> {
  const res = await server.request('POST', '/api/v1/ingest', {
    auth: ingestKey,
    body: lines.join('\n'),
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status).toBe(200);
}

async function alertsFor(rule: string) {
  const res = await server.request('GET', `/api/v1/alerts?rule=${encodeURIComponent(rule)}`, {
    auth: admin,
  });
  expect(res.status).toBe(200);
  return res.body as { id: string; count: number; status: string; eventSeqs: number[] }[];
}

beforeAll(async () => {
  server = await startTestServer({ 'ingest.syslog.tcpPort': 0, 'ingest.syslog.udpPort': 0 });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  ingestKey = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: 'collector', role: 'ingest' },
    })
  ).body.secret;
  for (const yaml of [SSH_FAILED_RULE, WEB_RULE]) {
    const res = await server.request('POST', '/api/v1/rules', { auth: admin, body: { yaml } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});
afterAll(() => server.stop());

describe('detection in the running server', () => {
  it('raises a correlation alert for 20 failed SSH logins from one IP over TCP syslog', async () => {
    const start = new Date();
    const lines = Array.from({ length: 20 }, (_, i) =>
      sshFailure(i, '198.51.100.77', new Date(start.getTime() + i * 1000)),
    );
    await sendTcp(server.syslog.tcpPort!, lines);
    await expect
      .poll(async () => (await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a2222')).length, {
        timeout: 10_000,
      })
      .toBe(1);
    const [brute] = await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a2222');
    expect(brute!.eventSeqs.length).toBe(20);
    // the 20 single failures fold into one alert for that source and host
    const singles = await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a1111');
    expect(singles).toHaveLength(1);
    expect(singles[0]!.count).toBe(20);
    // Prahari's own city rule for SSH brute force (20 in 60 s) fires on the same burst
    expect(await alertsFor('0afa8a64-c529-4214-ac14-2801494db29e')).toHaveLength(1);
  });

  it('keeps correlating on-time servers while a device writes India’s local time without a zone', async () => {
    // RFC 3164 times carry no zone; read as UTC (the default), a device logging IST is 5½ hours
    // ahead of every other sender.
    const ist = new Date(Date.now() + 330 * 60_000);
    const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
    const two = (n: number) => String(n).padStart(2, '0');
    const bsd = `${months[ist.getUTCMonth()]} ${String(ist.getUTCDate()).padStart(2, ' ')} ${two(ist.getUTCHours())}:${two(ist.getUTCMinutes())}:${two(ist.getUTCSeconds())}`;
    await sendTcp(
      server.syslog.tcpPort!,
      [1, 2, 3].map(
        (i) =>
          `<38>${bsd} nvr-ward-7 sshd[90${i}]: Failed password for admin from 203.0.113.9 port 5100${i} ssh2`,
      ),
    );
    await server.detection.whenCaughtUp();
    const start = Date.now() - 25_000;
    await sendTcp(
      server.syslog.tcpPort!,
      Array.from({ length: 20 }, (_, i) =>
        sshFailure(i, '198.51.100.78', new Date(start + i * 1000)),
      ),
    );
    await expect
      .poll(async () => (await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a2222')).length, {
        timeout: 10_000,
      })
      .toBe(2);
  });

  it('turns real Suricata EVE alerts into alerts by severity with the city rules', async () => {
    const file = join(
      import.meta.dirname,
      '../../../../../../shared/data/logs/suricata-eve/samples/wrccdc-2018/alerts-only.json',
    );
    const records = JSON.parse(readFileSync(file, 'utf8')) as { alert: { severity: number } }[];
    const res = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: records,
    });
    expect(res.status).toBe(200);
    expect(res.body.deadLettered).toBe(0);
    await server.detection.whenCaughtUp();
    const hits = async (rule: string) => {
      const list = await server.request('GET', `/api/v1/alerts?rule=${rule}&limit=1000`, {
        auth: admin,
      });
      return (list.body as { count: number }[]).reduce((n, a) => n + a.count, 0);
    };
    const bySeverity = (n: number) => records.filter((r) => r.alert.severity === n).length;
    expect(bySeverity(1) + bySeverity(2)).toBeGreaterThan(0);
    expect(await hits('a4388198-ce22-48bb-9706-4f2bafb9b140')).toBe(bySeverity(1));
    expect(await hits('6bdc45e2-c444-4634-af21-306c38708997')).toBe(bySeverity(2));
  });

  it('raises the city RDP brute-force alert from Windows events sent as evtx_dump JSON', async () => {
    const start = Date.now();
    const events = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        Event: {
          System: {
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
            EventID: 4625,
            Channel: 'Security',
            Computer: 'vms-srv-01.iccc.local',
            TimeCreated: {
              '#attributes': { SystemTime: new Date(start + i * 1500).toISOString() },
            },
          },
          EventData: {
            TargetUserName: `operator${i % 3}`,
            IpAddress: '198.51.100.200',
            IpPort: String(50000 + i),
            LogonType: 10,
          },
        },
      }),
    );
    await ingest(events);
    await expect
      .poll(async () => (await alertsFor('71c16981-69f5-4291-8879-328142f4460f')).length, {
        timeout: 10_000,
      })
      .toBe(1);
  });

  it('raises an indicator alert when an event touches a listed address, and counts the hit', async () => {
    const added = await server.request('POST', '/api/v1/indicators', {
      auth: admin,
      body: { type: 'ip', value: '185.220.101.47', source: 'CERT-In advisory', tlp: 'amber' },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await sendTcp(server.syslog.tcpPort!, [
      '<38>1 2026-11-25T10:10:00Z iccc-app-2 sshd 99 - - Accepted password for ops from 185.220.101.47 port 51515 ssh2',
    ]);
    await expect
      .poll(
        async () => {
          const res = await server.request('GET', '/api/v1/alerts?kind=indicator', { auth: admin });
          return (res.body as { ruleTitle: string; sourceIp: string }[]).find((a) =>
            a.ruleTitle.includes('185.220.101.47'),
          )?.sourceIp;
        },
        { timeout: 10_000 },
      )
      .toBe('185.220.101.47');
    await expect
      .poll(async () => {
        const listed = await server.request('GET', '/api/v1/indicators?q=185.220.101.47', {
          auth: admin,
        });
        return listed.body.indicators[0].hits as number;
      })
      .toBeGreaterThanOrEqual(1);
  });

  it('shows detection on /metrics: events evaluated, lag, matches per rule, correlation state', async () => {
    const res = await server.request('GET', '/metrics');
    expect(res.status).toBe(200);
    const text = res.body as string;
    expect(text).toMatch(/^prahari_detection_events_total [1-9]/m);
    expect(text).toMatch(/^prahari_detection_lag_events \d+/m);
    // two bursts of 20 failed logins, and the device 5½ hours ahead's three
    expect(text).toMatch(
      /^prahari_rule_matches_total\{rule="5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a1111"\} 43/m,
    );
    expect(text).toMatch(/^prahari_correlation_state\{figure="groups"\} \d+/m);
    // the device's three failed logins, each a match of this file's rule and of the city's
    expect(text).toMatch(/^prahari_correlation_state\{figure="future"\} 6$/m);
    expect(text).toMatch(/^prahari_alert_latency_seconds_count [1-9]/m);
  });

  it('names the slowest rules from sampled timings', async () => {
    const res = await server.request('GET', '/api/v1/rules/cost?limit=5', { auth: admin });
    expect(res.status).toBe(200);
    expect(res.body.sampleEvery).toBe(64);
    expect(res.body.rules.length).toBeGreaterThan(0);
    expect(res.body.rules[0]).toMatchObject({
      sampled: expect.any(Number),
      meanMicros: expect.any(Number),
    });
  });

  it('does not alert on lines no rule matches', async () => {
    await server.detection.whenCaughtUp();
    const before = (await server.request('GET', '/api/v1/alerts', { auth: admin })).body.length;
    await ingest([
      '<38>1 2026-11-25T10:00:00Z iccc-app-1 sshd 811 - - Accepted publickey for ops from 10.0.0.5 port 50000 ssh2',
      '203.0.113.9 - - [25/Nov/2026:10:00:01 +0530] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
    ]);
    await server.detection.whenCaughtUp();
    expect((await server.request('GET', '/api/v1/alerts', { auth: admin })).body.length).toBe(
      before,
    );
  });

  it('delivers a new alert on the live stream and resumes from Last-Event-ID', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/alerts/stream`, {
      headers: { cookie: admin },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await ingest([
      '203.0.113.10 - - [25/Nov/2026:10:01:00 +0530] "GET /phpmyadmin/index.php HTTP/1.1" 404 120 "-" "sqlmap"',
    ]);
    while (!text.includes('Test phpMyAdmin probe')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    const id = Number(/id: (\d+)\nevent: alert\ndata: .*phpMyAdmin/.exec(text)![1]);
    expect(id).toBeGreaterThan(0);

    // resuming from just before that change replays it
    const again = await fetch(`${server.url}/api/v1/alerts/stream`, {
      headers: { cookie: admin, 'last-event-id': String(id - 1) },
      signal: AbortSignal.timeout(5000),
    });
    const r2 = again.body!.getReader();
    let replay = '';
    while (!replay.includes(`id: ${id}\n`)) {
      const { value, done } = await r2.read();
      if (done) break;
      replay += decoder.decode(value);
    }
    await r2.cancel();
    expect(replay).toContain('Test phpMyAdmin probe');
  });

  it('refuses the stream without a login', async () => {
    const res = await fetch(`${server.url}/api/v1/alerts/stream`);
    expect(res.status).toBe(401);
  });

  it('closes an alert as a false positive, audited, and refuses closing without a verdict', async () => {
    const [alert] = await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a3333');
    const bad = await server.request('POST', `/api/v1/alerts/${alert!.id}/status`, {
      auth: admin,
      body: { status: 'closed' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('resolution');
    const ok = await server.request('POST', `/api/v1/alerts/${alert!.id}/status`, {
      auth: admin,
      body: { status: 'closed', resolution: 'false_positive', note: 'our own scanner' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'closed',
      resolution: 'false_positive',
      statusBy: 'admin',
    });
    const audit = await server.request('GET', '/api/v1/audit?action=alert.status', { auth: admin });
    expect(JSON.stringify(audit.body)).toContain(alert!.id);
  });

  it('acknowledges and closes many alerts at once, each audited, naming ids it does not know', async () => {
    const all = (await server.request('GET', '/api/v1/alerts?limit=100', { auth: admin })).body as {
      id: string;
      status: string;
    }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const ids = all.slice(0, 2).map((a) => a.id);
    const ack = await server.request('POST', '/api/v1/alerts/status', {
      auth: admin,
      body: { ids: [...ids, 'no-such-alert', ids[0]], status: 'acknowledged' },
    });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body.updated.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual(
      ids.map((id) => [id, 'acknowledged']),
    );
    expect(ack.body.missing).toEqual(['no-such-alert']);

    const close = await server.request('POST', '/api/v1/alerts/status', {
      auth: admin,
      body: { ids, status: 'closed', resolution: 'true_positive', note: 'pen test, confirmed' },
    });
    expect(
      close.body.updated.every(
        (a: { status: string; resolution: string }) =>
          a.status === 'closed' && a.resolution === 'true_positive',
      ),
    ).toBe(true);
    const audit = await server.request('GET', '/api/v1/audit?action=alert.status&limit=1000', {
      auth: admin,
    });
    for (const id of ids)
      expect(
        audit.body.entries.filter((e: { target: string }) => e.target === `alert:${id}`).length,
      ).toBeGreaterThanOrEqual(2);

    const noVerdict = await server.request('POST', '/api/v1/alerts/status', {
      auth: admin,
      body: { ids, status: 'closed' },
    });
    expect(noVerdict.status).toBe(400);
    expect(noVerdict.body.message).toContain('resolution');
    const none = await server.request('POST', '/api/v1/alerts/status', {
      auth: admin,
      body: { ids: [], status: 'acknowledged' },
    });
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/ids/);

    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: { username: 'bulk-auditor', role: 'auditor', password: 'long-enough-password' },
    });
    const auditor = await server.login('bulk-auditor', 'long-enough-password');
    const refused = await server.request('POST', '/api/v1/alerts/status', {
      auth: auditor,
      body: { ids, status: 'new' },
    });
    expect(refused.status).toBe(403);
  });

  it('stops alerting when a rule is switched off', async () => {
    const off = await server.request(
      'PATCH',
      '/api/v1/rules/5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a3333',
      {
        auth: admin,
        body: { enabled: false, reason: 'noisy during the pen test' },
      },
    );
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    const before = (await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a3333'))[0]!.count;
    await ingest([
      '203.0.113.11 - - [25/Nov/2026:10:02:00 +0530] "GET /phpmyadmin/ HTTP/1.1" 404 120 "-" "curl"',
    ]);
    await server.detection.whenCaughtUp();
    const after = await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a3333');
    expect(after).toHaveLength(1);
    expect(after[0]!.count).toBe(before);
  });

  it('backfill finds an old event with a rule added later', async () => {
    await ingest([
      '<38>1 2026-11-25T10:05:00Z nvr-ward-12 webadmin 99 - - login success user=admin password=admin from 10.30.4.20',
    ]);
    await server.detection.whenCaughtUp();
    const rule = `title: Test NVR default login
id: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a4444
status: test
level: high
logsource:
  product: linux
detection:
  keywords:
    - 'password=admin'
  condition: keywords
`;
    expect(
      (await server.request('POST', '/api/v1/rules', { auth: admin, body: { yaml: rule } })).status,
    ).toBe(201);
    expect(await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a4444')).toHaveLength(0);
    const res = await server.request('POST', '/api/v1/detect/backfill', {
      auth: admin,
      body: { since: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(res.status).toBe(200);
    expect(res.body.events).toBeGreaterThan(20);
    expect(await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a4444')).toHaveLength(1);
  });

  it('reads an evtx_dump event whose EventID carries attributes as the Windows event it is', async () => {
    // Security 4688 is process creation under its own field names; evtx_dump writes an EventID
    // with attributes as { "#text", "#attributes" }.
    const rule = `title: Test whoami started
id: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a5555
status: test
level: medium
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`;
    const res = await server.request('POST', '/api/v1/rules', {
      auth: admin,
      body: { yaml: rule },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await ingest([
      JSON.stringify({
        Event: {
          System: {
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
            EventID: { '#text': 4688, '#attributes': { Qualifiers: '' } },
            Channel: 'Security',
            Computer: 'egov-web-02.iccc.local',
            TimeCreated: { '#attributes': { SystemTime: new Date().toISOString() } },
          },
          EventData: {
            NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
            SubjectUserName: 'svc-portal',
          },
        },
      }),
    ]);
    await expect
      .poll(async () => (await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a5555')).length, {
        timeout: 10_000,
      })
      .toBe(1);
  });

  it('validates an upload without saving and explains what is wrong', async () => {
    const res = await server.request('POST', '/api/v1/rules/validate', {
      auth: admin,
      body: {
        yaml: 'title: Broken\nid: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a5555\nlogsource:\n  product: linux\ndetection:\n  sel:\n    a|nosuchmodifier: x\n  condition: sel\n',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors[0].message).toMatch(/nosuchmodifier/);
    const list = await server.request('GET', '/api/v1/rules?q=Broken', { auth: admin });
    expect(list.body.total).toBe(0);
  });

  it('lets an auditor read alerts but not change them', async () => {
    await server.request('POST', '/api/v1/users', {
      auth: admin,
      body: {
        username: 'aud',
        displayName: 'Auditor',
        role: 'auditor',
        password: 'auditor-pass-123',
      },
    });
    const aud = await server.login('aud', 'auditor-pass-123');
    expect((await server.request('GET', '/api/v1/alerts', { auth: aud })).status).toBe(200);
    const [alert] = await alertsFor('5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a1111');
    const res = await server.request('POST', `/api/v1/alerts/${alert!.id}/status`, {
      auth: aud,
      body: { status: 'acknowledged' },
    });
    expect(res.status).toBe(403);
  });
});

describe('a burst', () => {
  it('evaluates all 200,000 events of a burst (none skipped) and the lag returns to zero', async () => {
    const rule = `title: Test setup probe
id: 5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a6666
status: test
level: medium
logsource:
  category: webserver
detection:
  selection:
    c-uri|endswith: /phpmyadmin/setup.php
  condition: selection
`;
    expect(
      (await server.request('POST', '/api/v1/rules', { auth: admin, body: { yaml: rule } })).status,
    ).toBe(201);
    await server.detection.whenCaughtUp();
    const before = server.detection.stats().evaluated;
    const batches = 10;
    const perBatch = 20_000;
    for (let b = 0; b < batches; b++) {
      const lines: string[] = [];
      for (let i = 0; i < perBatch; i++) {
        const n = b * perBatch + i;
        // every 1,000th request probes phpMyAdmin from its own address: 200 distinct alerts
        const path = n % 1000 === 999 ? '/phpmyadmin/setup.php' : `/tax/receipt/${n}`;
        const ip =
          n % 1000 === 999 ? `198.18.${Math.floor(n / 1000) >> 8}.${(n / 1000) & 255}` : '10.1.1.1';
        lines.push(
          `${ip} - - [25/Nov/2026:11:00:00 +0530] "GET ${path} HTTP/1.1" 200 512 "-" "burst"`,
        );
      }
      await ingest(lines);
    }
    await server.detection.whenCaughtUp();
    const stats = server.detection.stats();
    expect(stats.evaluated - before).toBe(batches * perBatch);
    expect(stats.lagEvents).toBe(0);
    const probes = await server.request(
      'GET',
      '/api/v1/alerts?rule=5a0f6a51-6c1e-4d6b-9d0e-0c4c7f0a6666&limit=1000',
      { auth: admin },
    );
    expect(probes.body).toHaveLength(200);
    expect(probes.body.every((a: { count: number }) => a.count === 1)).toBe(true);
  }, 240_000);
});
