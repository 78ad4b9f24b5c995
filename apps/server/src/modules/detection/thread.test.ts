import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleTexts } from '@prahari/sigma';
import { Store, type IndicatorRecord, type NewEvent } from '@prahari/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { startServer, type RunningServer } from '../../start.js';
import { TEST_ADMIN_PASSWORD } from '../../test-server.js';
import { DetectionThread, type EvaluationRequest } from './thread.js';

const ROOT_LOGIN_RULE = `title: Test root login failure
id: 7d1c0a9e-3b5f-4c2a-8e6d-1f0b2a3c4d01
status: test
level: high
logsource:
  product: linux
  service: sshd
detection:
  selection:
    user.name: root
    event.outcome: failure
  condition: selection
`;

const LISTED: IndicatorRecord = {
  id: 'ind-1',
  type: 'ip',
  value: '185.220.101.47',
  source: 'CERT-In advisory',
  tlp: 'amber',
  description: null,
  expiresAt: null,
  createdBy: 'admin',
  createdAt: '2026-11-25T00:00:00.000Z',
  updatedAt: '2026-11-25T00:00:00.000Z',
  hits: 0,
  lastHitAt: null,
};

function sshEvent(i: number, user: string, ip: string, outcome: string): NewEvent {
  const at = new Date(Date.UTC(2026, 10, 25, 10, 0, i)).toISOString();
  const message = `${outcome === 'failure' ? 'Failed' : 'Accepted'} password for ${user} from ${ip} port 5000${i} ssh2`;
  return {
    receivedAt: at,
    eventTime: at,
    listener: 'syslog-tcp',
    parser: 'rfc5424',
    sourceIp: '10.0.0.7',
    sourcePort: null,
    sourceName: null,
    logsource: { product: 'linux', service: 'sshd' },
    message,
    raw: `<38>1 ${at} iccc-app-1 sshd 811 - - ${message}`,
    fields: {
      'host.name': 'iccc-app-1',
      'user.name': user,
      'source.ip': ip,
      'event.action': 'ssh_login',
      'event.outcome': outcome,
    },
    flags: [],
  };
}

/** Events after `after` up to `until`, at most `limit`, read `readEvents` at a time. */
function request(after: number, until: number, limit: number, readEvents = 100): EvaluationRequest {
  return { after, until, limit, readEvents, nowMs: Date.now() };
}

describe('the detection thread', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prahari-detection-thread-'));
    store = Store.open({ driver: 'sqlite', path: join(dir, 'prahari.db') });
    await store.migrate();
    await store.events.writeBatch({
      events: [
        sshEvent(1, 'root', '203.0.113.9', 'failure'),
        sshEvent(2, 'ops', '185.220.101.47', 'success'),
        sshEvent(3, 'ops', '10.0.0.5', 'success'),
      ],
      deadLetters: [],
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A thread on the test database with the root-login rule and the listed indicator. */
  function rootLoginThread(): DetectionThread {
    const thread = new DetectionThread({ database: join(dir, 'prahari.db'), busyTimeoutMs: 5000 });
    thread.setRules({ rules: loadRuleTexts([{ text: ROOT_LOGIN_RULE, file: 'root.yml' }]).rules });
    thread.setIndicators([LISTED]);
    return thread;
  }

  it('reads stored events on its own connection and finds rule and indicator hits in them', async () => {
    const thread = rootLoginThread();
    try {
      const step = await thread.evaluate(request(0, 3, 100));
      expect(step).toMatchObject({ count: 3, lastSeq: 3 });
      expect(
        step.findings.map((f) => ({ kind: f.kind, rule: f.ruleId, seqs: f.eventSeqs })),
      ).toEqual([
        { kind: 'sigma', rule: '7d1c0a9e-3b5f-4c2a-8e6d-1f0b2a3c4d01', seqs: [1] },
        { kind: 'indicator', rule: 'indicator:ind-1', seqs: [2] },
      ]);
      expect(step.findings[0]).toMatchObject({
        sourceIp: '203.0.113.9',
        hostName: 'iccc-app-1',
        userName: 'root',
        matched: { 'user.name': 'root', 'event.outcome': 'failure' },
      });
      expect(step.indicatorHits.get('ind-1')).toEqual({ count: 1, at: '2026-11-25T10:00:02.000Z' });
      // one sender, one host: discovery hears of it once per source address
      expect(step.senders.map((s) => s.fields['source.ip'])).toEqual([
        '203.0.113.9',
        '185.220.101.47',
        '10.0.0.5',
      ]);

      const upTo = await thread.evaluate(request(0, 1, 100));
      expect(upTo).toMatchObject({ count: 1, lastSeq: 1 });
      const limited = await thread.evaluate(request(1, 3, 1));
      expect(limited).toMatchObject({ count: 1, lastSeq: 2 });
      const none = await thread.evaluate(request(3, 3, 100));
      expect(none).toMatchObject({ count: 0, lastSeq: 3, findings: [] });
    } finally {
      await thread.close();
    }
  });

  it('reads a long step in parts and answers it as one', async () => {
    const thread = rootLoginThread();
    try {
      const whole = await thread.evaluate(request(0, 3, 100));
      const inParts = await thread.evaluate(request(0, 3, 100, 1));
      expect(inParts).toMatchObject({ count: 3, lastSeq: 3 });
      expect(inParts.findings.map((f) => f.ruleId)).toEqual(whole.findings.map((f) => f.ruleId));
      expect(inParts.indicatorHits).toEqual(whole.indicatorHits);
      expect(inParts.senders).toEqual(whole.senders);
      // the limit still holds when it is not a whole number of parts
      const cut = await thread.evaluate(request(0, 3, 2, 1));
      expect(cut).toMatchObject({ count: 2, lastSeq: 2 });
    } finally {
      await thread.close();
    }
  });

  it('started again after it ended, works with the rules and indicators it was given before', async () => {
    const thread = rootLoginThread();
    try {
      const before = await thread.evaluate(request(0, 3, 100));
      await thread.close();
      const after = await thread.evaluate(request(0, 3, 100));
      expect(after.findings.map((f) => f.ruleId)).toEqual(before.findings.map((f) => f.ruleId));
      expect(after.findings).toHaveLength(2);
    } finally {
      await thread.close();
    }
  });

  it('answers every request with the error when it cannot read the database', async () => {
    const thread = new DetectionThread({ database: join(dir, 'missing.db'), busyTimeoutMs: 100 });
    try {
      thread.setRules({ rules: [] });
      await expect(thread.evaluate(request(0, 1, 1))).rejects.toThrow(
        /unable to open|does not exist|SQLITE_CANTOPEN/i,
      );
    } finally {
      await thread.close();
    }
  });
});

describe('live detection across restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prahari-detection-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function run(detection: boolean, work: (server: RunningServer) => Promise<void>) {
    const { config } = loadConfig({
      cwd: dataDir,
      env: {},
      flags: {
        dataDir,
        'server.port': 0,
        'ingest.syslog.tcpPort': 0,
        'ingest.syslog.udpPort': 0,
        'ingest.syslog.tlsPort': 0,
        'server.logLevel': 'silent',
        'auth.initialAdminPassword': TEST_ADMIN_PASSWORD,
        'detection.enabled': detection,
      },
    });
    const server = await startServer(config, { logger: false });
    try {
      await work(server);
    } finally {
      await server.close();
    }
  }

  async function submit(server: RunningServer, count: number) {
    const at = new Date();
    await server.pipeline.submit(
      Array.from({ length: count }, (_, i) => ({
        raw: Buffer.from(
          `<38>1 ${new Date(at.getTime() + i).toISOString()} iccc-app-1 sshd 811 - - Failed password for root from 203.0.113.9 port ${50000 + i} ssh2`,
        ),
        receivedAt: at,
        listener: 'syslog-tcp',
        sourceIp: '10.0.0.7',
        sourcePort: null,
      })),
    );
  }

  async function rootFailures(server: RunningServer) {
    const alerts = await server.store.alerts.list({
      ruleId: '7d1c0a9e-3b5f-4c2a-8e6d-1f0b2a3c4d01',
      limit: 10,
    });
    return alerts.map((a) => a.count);
  }

  it('goes on from where it stopped: events stored meanwhile are evaluated once, none twice', async () => {
    mkdirSync(join(dataDir, 'rules', 'test'), { recursive: true });
    writeFileSync(join(dataDir, 'rules', 'test', 'root.yml'), ROOT_LOGIN_RULE);
    await run(true, async (server) => {
      await submit(server, 2);
      await server.detection.whenCaughtUp();
      expect(await rootFailures(server)).toEqual([2]);
    });
    // stored while detection is off: its cursor stays where it was
    await run(false, async (server) => {
      await submit(server, 3);
      expect(await rootFailures(server)).toEqual([2]);
    });
    await run(true, async (server) => {
      await server.detection.whenCaughtUp();
      expect(await rootFailures(server)).toEqual([5]);
      // the three stored while it was off, not the two evaluated before
      expect(server.detection.stats()).toMatchObject({ evaluated: 3, lagEvents: 0 });
    });
  });
});
