import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3';
import { parseQuery } from '@prahari/core';
import type { NewEvent } from './repositories.js';
import { sqliteDialect } from './dialect.js';
import { compileQuery } from './event-search.js';
import { Store } from './store.js';

let dir: string;
let store: Store;

function event(
  minute: number,
  message: string,
  fields: Record<string, unknown>,
  logsource: NewEvent['logsource'] = {},
): NewEvent {
  const t = new Date(Date.UTC(2026, 10, 25, 10, minute)).toISOString();
  return {
    receivedAt: t,
    eventTime: t,
    listener: 'syslog-tcp',
    parser: 'rfc3164',
    sourceIp: '10.20.0.5',
    sourcePort: 514,
    sourceName: null,
    logsource,
    message,
    raw: `<38>${message}`,
    fields,
    flags: [],
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-search-'));
  store = Store.open({ driver: 'sqlite', path: join(dir, 'prahari.db') });
  await store.migrate();
  const ssh = { product: 'linux', service: 'sshd' };
  const web = { category: 'webserver' };
  await store.events.writeBatch({
    events: [
      event(
        0,
        'Failed password for invalid user admin from 203.0.113.7 port 4711 ssh2',
        {
          'user.name': 'admin',
          'source.ip': '203.0.113.7',
          'event.outcome': 'failure',
          'host.name': 'iccc-app-1',
        },
        ssh,
      ),
      event(
        1,
        'Failed password for root from 203.0.113.7 port 4712 ssh2',
        {
          'user.name': 'root',
          'source.ip': '203.0.113.7',
          'event.outcome': 'failure',
          'host.name': 'iccc-app-1',
        },
        ssh,
      ),
      event(
        2,
        'Accepted publickey for ravi from 10.20.1.9 port 5122 ssh2',
        {
          'user.name': 'ravi',
          'source.ip': '10.20.1.9',
          'event.outcome': 'success',
          'host.name': 'iccc-app-1',
        },
        ssh,
      ),
      event(
        3,
        'GET /admin/login.php 404',
        {
          'c-uri': '/admin/login.php',
          'cs-method': 'GET',
          'sc-status': 404,
          'c-ip': '198.51.100.23',
          'source.ip': '198.51.100.23',
          'destination.port': 443,
        },
        web,
      ),
      event(
        4,
        'POST /property-tax/pay 200',
        {
          'c-uri': '/property-tax/pay',
          'cs-method': 'POST',
          'sc-status': 200,
          'c-ip': '10.30.4.4',
          'source.ip': '10.30.4.4',
          'destination.port': 443,
        },
        web,
      ),
      event(
        5,
        'GET /cgi-bin/../../etc/passwd 500',
        {
          'c-uri': '/cgi-bin/../../etc/passwd',
          'cs-method': 'GET',
          'sc-status': '500',
          'c-ip': '198.51.100.23',
          'source.ip': '198.51.100.23',
          'destination.port': 8080,
        },
        web,
      ),
    ],
    deadLetters: [],
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const find = async (q: string, extra: { from?: string; to?: string } = {}) =>
  (await store.search.search({ query: parseQuery(q), limit: 100, ...extra })).events.map((e) =>
    e.message.split(' ').slice(0, 3).join(' '),
  );

describe('event search', () => {
  it('matches indexed fields, parsed fields and free text', async () => {
    expect(await find('user.name:root')).toEqual(['Failed password for']);
    expect(await find('cs-method:POST')).toEqual(['POST /property-tax/pay 200']);
    expect(await find('"invalid user"')).toEqual(['Failed password for']);
    expect(await find('publickey')).toEqual(['Accepted publickey for']);
    expect(await find('service:sshd event.outcome:failure')).toHaveLength(2);
  });

  it('wildcards, NOT with missing fields, OR and parentheses', async () => {
    expect(await find('c-uri:*admin*')).toEqual(['GET /admin/login.php 404']);
    expect(await find('source.ip:203.0.113.*')).toHaveLength(2);
    // Events with no user at all are kept by NOT: a missing field is not "root".
    expect(await find('NOT user.name:root')).toHaveLength(5);
    expect(await find('(user.name:admin OR user.name:ravi) -publickey')).toEqual([
      'Failed password for',
    ]);
  });

  it('compares numbers whether the field holds a number or numeric text', async () => {
    expect(await find('sc-status>=404')).toEqual([
      'GET /cgi-bin/../../etc/passwd 500',
      'GET /admin/login.php 404',
    ]);
    expect(await find('destination.port>443')).toEqual(['GET /cgi-bin/../../etc/passwd 500']);
  });

  it('filters by time, newest first, with cursor pages', async () => {
    expect(await find('@timestamp>=2026-11-25T10:04:00Z')).toHaveLength(2);
    expect(
      await find('', { from: '2026-11-25T10:01:00Z', to: '2026-11-25T10:03:00Z' }),
    ).toHaveLength(2);
    const first = await store.search.search({ query: parseQuery(''), limit: 4 });
    expect(first.events.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    const second = await store.search.search({
      query: parseQuery(''),
      limit: 4,
      cursor: first.nextCursor!,
    });
    expect(second.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(second.nextCursor).toBeNull();
  });

  it('counts and gives top values of a field', async () => {
    expect(await store.search.count({ query: parseQuery('category:webserver') })).toBe(3);
    const top = await store.search.topValues({ query: parseQuery('') }, 'source.ip', 2);
    expect(top).toHaveLength(2);
    expect(top).toEqual(
      expect.arrayContaining([
        { value: '198.51.100.23', count: 2 },
        { value: '203.0.113.7', count: 2 },
      ]),
    );
    expect(
      await store.search.topValues({ query: parseQuery('category:webserver') }, 'cs-method', 5),
    ).toEqual([
      { value: 'GET', count: 2 },
      { value: 'POST', count: 1 },
    ]);
  });

  it('says what is wrong with a bad comparison or cursor', async () => {
    await expect(find('@timestamp>yesterday-ish')).rejects.toThrow(/not a time/);
    await expect(find('sc-status>lots')).rejects.toThrow(/not a number/);
    await expect(
      store.search.search({ query: parseQuery(''), limit: 1, cursor: 'garbage' }),
    ).rejects.toThrow(/cursor/);
  });
});

describe('event search for a word in thousands of events', () => {
  let big: Store;
  let bigDir: string;
  const total = 6000;
  // Event times in an order unlike the order of storing, as when senders' clocks and delays differ.
  const minuteOf = (i: number) => (i * 7919) % total;
  const expected: { seq: number; time: string; failed: boolean }[] = [];

  beforeAll(async () => {
    bigDir = mkdtempSync(join(tmpdir(), 'prahari-search-big-'));
    big = Store.open({ driver: 'sqlite', path: join(bigDir, 'prahari.db') });
    await big.migrate();
    const events = Array.from({ length: total }, (_, i) => {
      const failed = i % 50 === 0;
      const e = event(0, failed ? `camera ${i} login failed` : `camera ${i} heartbeat ok`, {});
      const t = new Date(Date.UTC(2026, 10, 20) + minuteOf(i) * 60_000).toISOString();
      expected.push({ seq: i + 1, time: t, failed });
      return { ...e, eventTime: t, receivedAt: t };
    });
    await big.events.writeBatch({ events, deadLetters: [] });
    expected.sort((a, b) => b.time.localeCompare(a.time) || b.seq - a.seq);
  });
  afterAll(async () => {
    await big.close();
    rmSync(bigDir, { recursive: true, force: true });
  });

  it('pages through a frequent word newest first, by event time, as for any query', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const r = await big.search.search({
        query: parseQuery('camera'),
        limit: 40,
        ...(cursor && { cursor }),
      });
      seen.push(...r.events.map((e) => e.seq));
      cursor = r.nextCursor!;
    }
    expect(seen).toEqual(expected.slice(0, 120).map((e) => e.seq));
    const oldest = await big.search.search({ query: parseQuery('camera'), limit: 5, order: 'asc' });
    expect(oldest.events.map((e) => e.seq)).toEqual(
      expected
        .slice(-5)
        .reverse()
        .map((e) => e.seq),
    );
  });

  it('combines a frequent word with a rare one, NOT and a time range', async () => {
    const failed = expected.filter((e) => e.failed);
    const r = await big.search.search({ query: parseQuery('camera AND failed'), limit: 500 });
    expect(r.events.map((e) => e.seq)).toEqual(failed.map((e) => e.seq));
    const notFailed = await big.search.search({
      query: parseQuery('camera NOT failed'),
      limit: 10,
    });
    expect(notFailed.events.map((e) => e.seq)).toEqual(
      expected
        .filter((e) => !e.failed)
        .slice(0, 10)
        .map((e) => e.seq),
    );
    const from = '2026-11-22T00:00:00.000Z';
    const to = '2026-11-22T01:00:00.000Z';
    const hour = await big.search.search({ query: parseQuery('camera'), from, to, limit: 100 });
    expect(hour.events.map((e) => e.seq)).toEqual(
      expected.filter((e) => e.time >= from && e.time < to).map((e) => e.seq),
    );
  });

  it('counts a word frequent from 5,000 matches, and one in a thousand stored events', async () => {
    expect([...(await big.search.frequentTerms(parseQuery('camera OR failed')))]).toEqual([
      'camera',
    ]);
    expect((await big.search.frequentTerms(parseQuery('"camera 17*"'))).size).toBe(0);
    expect((await big.search.frequentTerms(parseQuery('c*mera source.ip:10.1.1.1'))).size).toBe(0);
  });

  it('walks the time index for a frequent word and starts from the matches of a rare one', () => {
    const plan = (q: string, frequent: string[]) => {
      const compiled = big.db
        .selectFrom('events')
        .select('seq')
        .where(compileQuery(parseQuery(q), sqliteDialect, new Set(frequent)))
        .orderBy('event_time', 'desc')
        .orderBy('seq', 'desc')
        .limit(10)
        .compile();
      const sqlite = new Sqlite(join(bigDir, 'prahari.db'), { readonly: true });
      try {
        const steps = sqlite
          .prepare<unknown[], { detail: string }>(`explain query plan ${compiled.sql}`)
          .all(...compiled.parameters);
        return steps.map((s) => s.detail).join(' | ');
      } finally {
        sqlite.close();
      }
    };
    expect(plan('camera', ['camera'])).toMatch(
      /^SCAN events USING (COVERING )?INDEX events_time\b/,
    );
    expect(plan('failed', [])).toContain('USE TEMP B-TREE FOR ORDER BY');
  });
});
