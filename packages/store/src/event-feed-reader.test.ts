import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFeedReader } from './event-feed-reader.js';
import type { NewEvent } from './repositories.js';
import { Store } from './store.js';

let dir: string;
let store: Store;
let reader: EventFeedReader;

function event(message: string, raw: string, fields: Record<string, unknown>): NewEvent {
  const t = '2026-11-25T10:00:00.000Z';
  return {
    receivedAt: t,
    eventTime: t,
    listener: 'http',
    parser: 'json',
    sourceIp: '10.20.0.5',
    sourcePort: null,
    sourceName: 'dc-01',
    logsource: { product: 'windows', service: 'security' },
    message,
    raw,
    fields,
    flags: [],
  };
}

const evtxDocument = JSON.stringify({
  Event: { System: { EventID: 4625, Channel: 'Security' }, EventData: { TargetUserName: 'admin' } },
});

// An element with attributes is written as { "#text", "#attributes" } by evtx_dump.
const evtxWithAttributes = JSON.stringify({
  Event: {
    System: { EventID: { '#text': 7045, '#attributes': { Qualifiers: 16384 } }, Channel: 'System' },
    EventData: { ServiceName: 'PSEXESVC' },
  },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-feed-'));
  const path = join(dir, 'prahari.db');
  store = Store.open({ driver: 'sqlite', path });
  await store.migrate();
  await store.events.writeBatch({
    events: [
      event('logon failure', evtxDocument, {
        'Event.System.EventID': 4625,
        'Event.EventData.TargetUserName': 'admin',
      }),
      event('logon failure', '{"win":{"system":{"eventID":"4625"}}}', { EventID: 4625 }),
      event('logon success', '{"win":{"system":{"eventID":"4624"}}}', { EventID: 4624 }),
      event('service installed', evtxWithAttributes, {
        'Event.System.EventID.#text': 7045,
        'Event.System.EventID.#attributes.Qualifiers': 16384,
      }),
    ],
    deadLetters: [],
  });
  reader = new EventFeedReader({ path, busyTimeoutMs: 1000 });
});

afterAll(async () => {
  reader.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('EventFeedReader', () => {
  it('reads events in seq order with their logsource and parsed fields', () => {
    const events = reader.readAfter(0, Number.MAX_SAFE_INTEGER, 10);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events[1]).toMatchObject({
      sourceName: 'dc-01',
      logsource: { product: 'windows', service: 'security' },
      message: 'logon failure',
      fields: { EventID: 4625 },
    });
  });

  it('gives the raw text only of events in the evtx_dump layout, which rules see as received', () => {
    const events = reader.readAfter(0, Number.MAX_SAFE_INTEGER, 10);
    expect(events.map((e) => e.raw)).toEqual([evtxDocument, null, null, evtxWithAttributes]);
  });

  it('stops at the limit and at the last seq asked for', () => {
    expect(reader.readAfter(1, Number.MAX_SAFE_INTEGER, 1).map((e) => e.seq)).toEqual([2]);
    expect(reader.readAfter(0, 2, 10).map((e) => e.seq)).toEqual([1, 2]);
  });
});
