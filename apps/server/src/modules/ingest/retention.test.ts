import { ManualClock } from '@prahari/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

const clock = new ManualClock('2026-01-01T08:00:00.000Z');
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer(
    { 'ingest.hotRetentionDays': 30, 'ingest.archiveRetentionDays': 180 },
    { clock },
  );
  // The fake clock runs for months, past any session; an API key without expiry lasts.
  const session = await server.login('admin', TEST_ADMIN_PASSWORD);
  admin = (
    await server.request('POST', '/api/v1/apikeys', {
      auth: session,
      body: { name: 'retention-test', role: 'admin' },
    })
  ).body.secret;
});
afterAll(() => server.stop());

const send = (text: string) =>
  server.request('POST', '/api/v1/ingest', {
    auth: admin,
    body: text,
    headers: { 'content-type': 'text/plain' },
  });

describe('retention', () => {
  it('drops hot events after 30 days and archive days after 180, each deletion in the audit trail', async () => {
    expect(
      (
        await send(
          '<38>Jan  1 08:00:00 pump-1 sshd[1]: Accepted password for ops from 10.0.0.8 port 22 ssh2',
        )
      ).status,
    ).toBe(200);
    // A record that cannot be read, and a batch a collector may retry under its key.
    const broken = await server.request('POST', '/api/v1/ingest', {
      auth: admin,
      body: '{"pump": ',
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(broken.body).toMatchObject({ deadLettered: 1 });
    const keyed = () =>
      server.request('POST', '/api/v1/ingest', {
        auth: admin,
        body: { message: 'valve 3 opened', host: 'pump-1' },
        headers: { 'idempotency-key': 'pump-batch-1' },
      });
    expect((await keyed()).body).toMatchObject({ accepted: 1, duplicate: false });
    expect((await keyed()).body).toMatchObject({ duplicate: true });

    // Day 2: the first day's segment is sealed, and the seal is anchored in the audit trail.
    clock.set('2026-01-02T00:05:00.000Z');
    const sealed = await server.retention.sealDue();
    expect(sealed).toMatchObject({ day: '2026-01-01', count: 3 });
    const seal = await server.request('GET', '/api/v1/audit?action=archive.seal', { auth: admin });
    expect(seal.body.entries[0]).toMatchObject({
      actorKind: 'system',
      details: { manifestHash: sealed!.manifestHash },
    });

    // Day 40: the events and the dead letter have left the hot store, the archive still has
    // them; the key is forgotten with the event it guarded, so a batch sent under it now is new.
    clock.set('2026-02-10T00:00:00.000Z');
    expect(await server.retention.enforce()).toEqual({
      segmentsDeleted: 0,
      eventsDeleted: 2,
      deadLettersDeleted: 1,
    });
    expect(
      (await server.request('GET', '/api/v1/events?q=ops', { auth: admin })).body.events,
    ).toEqual([]);
    expect(
      (await server.request('GET', '/api/v1/deadletters', { auth: admin })).body.deadLetters,
    ).toEqual([]);
    expect(server.archive.stats().records).toBeGreaterThanOrEqual(3);
    expect((await keyed()).body).toMatchObject({ accepted: 1, duplicate: false });

    // Day 182: the archive day is past 180 days; deleted, audited, and the chain still verifies.
    clock.set('2026-07-01T00:00:00.000Z');
    expect(await server.retention.enforce()).toMatchObject({ segmentsDeleted: 1 });
    const deletion = await server.request('GET', '/api/v1/audit?action=archive.delete', {
      auth: admin,
    });
    expect(deletion.body.entries[0]).toMatchObject({
      target: `archive:${sealed!.segment}`,
      details: { reason: 'older than 180 days' },
    });
    expect(await server.archive.verify()).toMatchObject({ ok: true, deletedByRetention: 1 });
    const expire = await server.request('GET', '/api/v1/audit?action=events.expire', {
      auth: admin,
    });
    expect(expire.body.entries.at(-1).details).toMatchObject({ events: 2, hotRetentionDays: 30 });
    const expiredLetters = await server.request('GET', '/api/v1/audit?action=deadletters.expire', {
      auth: admin,
    });
    expect(expiredLetters.body.entries[0]).toMatchObject({
      actorKind: 'system',
      details: { deadLetters: 1, hotRetentionDays: 30 },
    });
  });
});
