/**
 * The block list as a firewall and an analyst use it: /blocklist.txt pulled with HTTP Basic and
 * an API key as the password, and /blocklist managed by analysts, with protected ranges refused
 * and expired or removed entries left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@prahari/core';
import { Store } from '@prahari/store';
import { ConfigError } from '../../config/index.js';
import { AuditService } from '../audit/service.js';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';
import { BlockListService } from './service.js';

const PASSWORD = 'a-long-password-1';
const clock = new ManualClock('2026-11-25T10:00:00.000Z');

let server: TestServer;
let admin: string;
let meera: string;
let water: string;
const keys: Record<string, string> = {};

const basic = (password: string, user = 'paloalto') =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function pull(authorization?: string) {
  const res = await fetch(`${server.url}/api/v1/blocklist.txt`, {
    headers: authorization ? { authorization } : {},
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function block(body: Record<string, unknown>) {
  clock.advance(60_000);
  return server.request('POST', '/api/v1/blocklist', { auth: meera, body });
}

beforeAll(async () => {
  server = await startTestServer(
    { 'response.blocklist.protect': ['10.0.0.0/8', '192.0.2.1'] },
    { clock },
  );
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
  for (const role of ['ingest', 'analyst', 'owner', 'auditor']) {
    const res = await server.request('POST', '/api/v1/apikeys', {
      auth: admin,
      body: { name: `${role} key`, role },
    });
    keys[role] = res.body.secret as string;
  }
}, 30_000);
afterAll(() => server.stop());

describe('/api/v1/blocklist', () => {
  it('adds addresses and networks in canonical form, once each', async () => {
    const first = await block({ value: '203.0.113.5', reason: 'SSH brute force on the portal' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      value: '203.0.113.5',
      addedBy: 'meera',
      addedByKind: 'person',
      expiresAt: null,
    });
    const again = await block({ value: ' 203.0.113.5 ', reason: 'seen again' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await block({ value: '198.51.100.7/24', reason: 'scanning net' })).body.value).toBe(
      '198.51.100.0/24',
    );
    expect((await block({ value: '2001:DB8:0:0::1', reason: 'v6 scanner' })).body.value).toBe(
      '2001:db8::1',
    );
  });

  it('refuses malformed values and anything touching a protected range, saying why', async () => {
    const bad = await block({ value: '203.0.113.300', reason: 'typo' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      "Cannot block '203.0.113.300': '203.0.113.300' is not an IPv4 or IPv6 address.",
    );
    for (const [value, guarded] of [
      ['10.20.3.11', '10.0.0.0/8'],
      ['10.0.0.0/7', '10.0.0.0/8'],
      ['192.0.2.0/24', '192.0.2.1'],
    ]) {
      const res = await block({ value, reason: 'oops' });
      expect(res.status, value).toBe(400);
      expect(res.body.message).toContain(`it covers ${guarded}, which response.blocklist.protect`);
    }
    expect((await block({ value: '0.0.0.0/0', reason: 'everything' })).status).toBe(400);
    expect(
      (
        await server.request('POST', '/api/v1/blocklist', {
          auth: water,
          body: { value: '1.1.1.1', reason: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it('leaves out expired and removed entries, and keeps them in the full list', async () => {
    const shortLived = await block({ value: '203.0.113.77', reason: 'one hour', expiresAt: '1h' });
    expect(shortLived.body.expiresAt).toBe(
      new Date(clock.now().getTime() + 3_600_000).toISOString(),
    );
    const removed = await block({ value: '203.0.113.88', reason: 'mistake' });
    const deleted = await server.request('DELETE', `/api/v1/blocklist/${removed.body.id}`, {
      auth: meera,
    });
    expect(deleted.body).toMatchObject({ removedBy: 'meera' });
    expect((await pull(basic(keys.ingest!))).text).toContain('203.0.113.77');
    clock.advance(2 * 3_600_000);
    const active = await server.request('GET', '/api/v1/blocklist', { auth: meera });
    expect(active.body.map((e: { value: string }) => e.value)).toEqual([
      '2001:db8::1',
      '198.51.100.0/24',
      '203.0.113.5',
    ]);
    const all = await server.request('GET', '/api/v1/blocklist?active=false', { auth: meera });
    expect(all.body.map((e: { value: string }) => e.value)).toEqual([
      '203.0.113.88',
      '203.0.113.77',
      '2001:db8::1',
      '198.51.100.0/24',
      '203.0.113.5',
    ]);
    const trail = await server.request('GET', '/api/v1/audit?action=blocklist.remove', {
      auth: admin,
    });
    expect(trail.body.entries[0]).toMatchObject({
      actorName: 'meera',
      target: 'blocklist:203.0.113.88',
    });
  });
});

describe('/api/v1/blocklist.txt for firewalls', () => {
  it('serves one address or network per line under a comment, to an ingest key over Basic', async () => {
    const res = await pull(basic(keys.ingest!));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(
      `# Prahari block list, 3 entries, generated ${clock.now().toISOString()}\n` +
        '203.0.113.5\n198.51.100.0/24\n2001:db8::1\n',
    );
  });

  it('takes Bearer too, and staff keys; refuses no credentials (401, Basic offered) and owners (403)', async () => {
    expect((await pull(`Bearer ${keys.ingest}`)).status).toBe(200);
    expect((await pull(basic(keys.analyst!, 'x'))).status).toBe(200);
    const anonymous = await pull();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      'Basic realm="Prahari", charset="UTF-8"',
    );
    expect((await pull(basic('prk_wrong_wrong'))).status).toBe(401);
    expect((await pull(basic(keys.owner!))).status).toBe(403);
    expect((await pull(basic(keys.auditor!))).status).toBe(403);
    const ownerSession = await server.request('GET', '/api/v1/blocklist.txt', { auth: water });
    expect(ownerSession.status).toBe(403);
  });

  it('accepts Basic only where a device needs it', async () => {
    const res = await fetch(`${server.url}/api/v1/alerts`, {
      headers: { authorization: basic(keys.analyst!) },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});

describe('response.blocklist.protect', () => {
  it('refuses a value that is not an address or network, naming the key', async () => {
    const store = Store.open({ driver: 'sqlite', path: ':memory:' });
    const failure = (() => {
      try {
        return new BlockListService(store.blocklist, new AuditService(store.audit, clock), clock, [
          '10.0.0.0/8',
          'city hall',
        ]);
      } catch (err) {
        return err;
      }
    })() as ConfigError;
    await store.close();
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure.message).toContain(
      '- response.blocklist.protect.1 (from configuration): not an IP address or CIDR network; got "city hall"',
    );
  });
});
