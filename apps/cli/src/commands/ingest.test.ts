/** `prahari ingest`, `search` and `deadletter`, run as the built binary over the shared real log samples. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe } from '../testing.js';

const SURICATA = resolve(
  import.meta.dirname,
  '../../../../../shared/data/logs/suricata-eve/samples/wrccdc-2018/alerts-only.json',
);
const ZEEK_DIR = resolve(import.meta.dirname, '../../../../../shared/data/logs/zeek-wrccdc2018');
let dir: string;
const prahari = (args: string[], input?: string) =>
  runPrahari(dir, args, input === undefined ? {} : { input });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-ingest-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari ingest / search / deadletter', { timeout: 180_000 }, () => {
  it('ingests a Suricata EVE array and gzipped Zeek logs into the local data directory', () => {
    const eve = prahari(['ingest', SURICATA, '--json']);
    expect(eve.code).toBe(0);
    const summary = JSON.parse(eve.stdout);
    expect(summary).toMatchObject({ files: 1, deadLettered: 0 });
    expect(summary.stored).toBe(summary.read);
    expect(summary.parsers).toEqual({ 'suricata-eve': summary.read });
    // Run again (as after an import that failed part way): every slice is known, none stored twice.
    const again = JSON.parse(prahari(['ingest', SURICATA, '--json']).stdout);
    expect(again).toMatchObject({ read: summary.read, stored: 0, duplicates: summary.read });
    const stored = JSON.parse(
      prahari(['--json', 'search', 'parser:suricata-eve', '--limit', '1000']).stdout,
    );
    expect(stored.events).toHaveLength(summary.read);

    const zeek = prahari([
      'ingest',
      join(ZEEK_DIR, 'ssh.json.gz'),
      join(ZEEK_DIR, 'modbus.json.gz'),
    ]);
    expect(zeek.stdout).toMatch(
      /^Read (\d+) message\(s\) from 2 file\(s\): \1 stored, 0 dead-lettered\.\nBy parser: zeek \1$/m,
    );
  });

  it('searches what was stored, as text or JSON', () => {
    const hits = prahari(['search', 'product:zeek', 'service:modbus', '--limit', '2']);
    expect(hits.code).toBe(0);
    expect(hits.stdout.trim().split('\n')).toHaveLength(2);
    expect(hits.stdout).toMatch(/\[zeek zeek\/modbus\]/);
    const json = JSON.parse(
      prahari(['--json', 'search', 'event_type:alert', '--limit', '1']).stdout,
    );
    expect(json.events[0]).toMatchObject({
      parser: 'suricata-eve',
      listener: 'file',
      logsource: { product: 'suricata' },
    });
    expect(json.nextCursor).toEqual(expect.any(String));

    const bad = prahari(['search', 'user.name:']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Query error at position 11/);
  });

  it('keeps an unparseable line as a dead letter, lists it, and stores it as an event when retried with a parser', () => {
    const file = join(dir, 'mixed.log');
    writeFileSync(
      file,
      '<38>Nov 25 09:20:01 iccc-app-1 sshd[811]: Failed password for root from 198.51.100.9 port 40022 ssh2\n{"truncated json": \n',
    );
    const res = prahari(['ingest', file]);
    expect(res.stdout).toMatch(/Read 2 message\(s\) from 1 file\(s\): 1 stored, 1 dead-lettered/);
    expect(res.stdout).toMatch(/prahari deadletter list/);

    const list = prahari(['--json', 'deadletter', 'list']);
    const { counts, deadLetters } = JSON.parse(list.stdout);
    expect(counts).toEqual({ pending: 1 });
    expect(deadLetters[0]).toMatchObject({
      raw: '{"truncated json": ',
      listener: 'file',
      reason: expect.any(String),
    });

    const retried = prahari(['deadletter', 'retry', '--parser', 'text']);
    expect(retried.stdout).toMatch(/Tried 1: 1 now stored as events, 0 still failing/);
    expect(JSON.parse(prahari(['--json', 'deadletter', 'list']).stdout).counts).toEqual({
      reprocessed: 1,
    });
    expect(prahari(['audit', 'list', '--action', 'deadletter.retry']).stdout).toMatch(
      /cli:\S+\s+deadletter\.retry/,
    );
  });

  it('refuses to write locally while a server runs, and sends to it with --server instead (once, even if re-run)', async () => {
    const server = await startServe(dir);
    try {
      const local = prahari(['ingest', SURICATA]);
      expect(local.code).toBe(1);
      expect(local.stderr).toMatch(/Another Prahari server \(pid \d+\) is already running/);
      expect(local.stderr).toMatch(/--server http:\/\/127\.0\.0\.1:7700 --api-key KEY/);

      const key = JSON.parse(
        prahari(['--json', 'apikey', 'create', 'test-loader', '--role', 'ingest']).stdout,
      ).secret;
      const sent = prahari([
        'ingest',
        SURICATA,
        '--server',
        server.url,
        '--api-key',
        key,
        '--batch',
        '100',
      ]);
      expect(sent.code).toBe(0);
      expect(sent.stdout).toMatch(
        /^Read (\d+) message\(s\) from 1 file\(s\): \1 stored, 0 dead-lettered/,
      );
      const again = prahari([
        'ingest',
        SURICATA,
        '--server',
        server.url,
        '--api-key',
        key,
        '--batch',
        '100',
      ]);
      expect(again.stdout).toMatch(/0 stored, 0 dead-lettered, (\d+) already stored before/);

      const remote = prahari([
        'search',
        'event_type:alert',
        '--server',
        server.url,
        '--api-key',
        key,
      ]);
      expect(remote.code).toBe(1);
      expect(remote.stderr).toMatch(/403: Your role 'ingest' may not do this/);
    } finally {
      await server.stop();
    }
    expect(readdirSync(join(dir, 'data'))).not.toContain('prahari.lock');
  });
});
