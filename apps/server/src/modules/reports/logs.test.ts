/** The log lines a report attaches, read from a real raw archive. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportArchive, type RawArchive } from '@prahari/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherLogs, logCriteria, logPeriod, logsNdjson, mentions } from './logs.js';
import { sshBruteForceFacts, writeIcccArchive } from './test-facts.js';

let root: string;
let archive: RawArchive;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'prahari-report-logs-'));
  archive = await writeIcccArchive(join(root, 'archive'));
});
afterAll(async () => {
  await archive.close();
  rmSync(root, { recursive: true, force: true });
});

describe('mentions', () => {
  it('finds an address or host only as a whole', () => {
    expect(mentions('deny 203.0.113.45:50111 -> x', '203.0.113.45')).toBe(true);
    expect(mentions('upstream 10.10.20.15.', '10.10.20.15')).toBe(true);
    expect(mentions('upstream 10.10.20.151', '10.10.20.15')).toBe(false);
    expect(mentions('upstream 110.10.20.15', '10.10.20.15')).toBe(false);
    expect(mentions('10.10.20.15.7 is another', '10.10.20.15')).toBe(false);
    expect(mentions('host web-01.pmc.local up', 'web-01')).toBe(true);
    expect(mentions('host web-010 up', 'web-01')).toBe(false);
    expect(mentions('host old-web-01 up', 'web-01')).toBe(false);
  });
});

describe('logPeriod and logCriteria', () => {
  it('cover an hour before the first evidence until the report, the affected hosts and the attacker', () => {
    const facts = sshBruteForceFacts();
    expect(logPeriod(facts)).toEqual({
      from: new Date('2026-03-14T00:10:05.000Z'),
      to: new Date('2026-03-14T05:00:00.000Z'),
    });
    facts.incident.closedAt = '2026-03-14T03:00:00.000Z';
    expect(logPeriod(facts).to).toEqual(new Date('2026-03-14T03:00:00.000Z'));
    expect(logCriteria(facts)).toEqual({
      senders: ['10.10.20.15'],
      terms: ['10.10.20.15', '203.0.113.45', 'iccc-app-01.pmc.local'],
    });
  });
});

describe('gatherLogs', () => {
  it('keeps, in archive order, the lines of the period sent by or mentioning the incident’s hosts', async () => {
    const facts = sshBruteForceFacts();
    const logs = await gatherLogs(archive, { ...logPeriod(facts), ...logCriteria(facts) });
    expect(logs.scanned).toBe(31);
    expect(logs.complete).toBe(true);
    expect(logs.omitted).toBe(0);
    expect(logs.lines).toHaveLength(28);
    expect(logs.lines[0]).toEqual({
      receivedAt: '2026-03-14T00:30:00.000Z',
      listener: 'syslog-tcp:6514',
      sourceIp: '10.0.0.1',
      sourcePort: 40112,
      message: '<134>fw01 DENY tcp 203.0.113.45:50111 -> 10.10.20.15:23',
      encoding: 'utf8',
      flags: [],
    });
    const messages = logs.lines.map((l) => l.message);
    expect(messages.filter((m) => m.includes('Failed password'))).toHaveLength(24);
    // an IPv4 sender seen on a dual-stack socket is the same host
    expect(logs.lines.find((l) => l.message.includes('Accepted password'))!.sourceIp).toBe(
      '::ffff:10.10.20.15',
    );
    expect(messages).toContain('<134>proxy01 GET /video upstream 10.10.20.15:8080');
    // bytes that are not UTF-8 are kept exactly, as base64
    expect(logs.lines.find((l) => l.encoding === 'base64')!.message).toBe(
      Buffer.from([0x3c, 0x33, 0x3e, 0xff, 0xfe, 0x41]).toString('base64'),
    );
    for (const unrelated of [
      'session opened for user bob',
      '10.10.20.151',
      '198.51.100.2',
      'after the report',
      'daily backup',
    ])
      expect(messages.some((m) => m.includes(unrelated))).toBe(false);
  });

  it('caps the lines and counts those left out', async () => {
    const facts = sshBruteForceFacts();
    const logs = await gatherLogs(archive, {
      ...logPeriod(facts),
      ...logCriteria(facts),
      maxLines: 10,
    });
    expect(logs.lines).toHaveLength(10);
    expect(logs.omitted).toBe(18);
    expect(logs.complete).toBe(true);
  });

  it('stops reading at the scan limit and says the count is not complete', async () => {
    const facts = sshBruteForceFacts();
    const logs = await gatherLogs(archive, {
      ...logPeriod(facts),
      ...logCriteria(facts),
      scanLimit: 5,
    });
    expect(logs.scanned).toBe(5);
    expect(logs.complete).toBe(false);
    expect(logs.lines).toHaveLength(5);
  });

  it('reads an archive directory a live server holds open, through exportArchive', async () => {
    const facts = sshBruteForceFacts();
    const dir = join(root, 'archive');
    const logs = await gatherLogs(
      { export: (range) => exportArchive(dir, range) },
      { ...logPeriod(facts), ...logCriteria(facts) },
    );
    expect(logs.lines).toHaveLength(28);
  });

  it('writes NDJSON a recipient reads back line by line', async () => {
    const facts = sshBruteForceFacts();
    const logs = await gatherLogs(archive, { ...logPeriod(facts), ...logCriteria(facts) });
    const text = logsNdjson(logs).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(logs.lines);
    expect(logsNdjson(null).length).toBe(0);
  });
});
