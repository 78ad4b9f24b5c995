import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@prahari/core';
import type { NewEvent } from './repositories.js';
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
