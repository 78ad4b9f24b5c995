/**
 * The observables of an alert: the addresses, names, URLs, hashes, users and hosts an analyst
 * pivots on, read from the alert and from its events through the same field list the indicator
 * matcher uses, so what can match an indicator is what an incident shows. Pure.
 */
import type { AlertRecord, EventRecord, ObservableSighting, ObservableType } from '@prahari/store';
import { INDICATOR_FIELDS } from '../indicators/matcher.js';
import { checkIndicator } from '../indicators/normalise.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Sysmon's `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (IMPHASH is not a file hash). */
const HASH_LIST = /(?:^|,)\s*(MD5|SHA1|SHA256)=([0-9a-fA-F]+)/g;
/** Values too long to be an observable are log text, not something to pivot on. */
const MAX_VALUE = 2048;

const USER_FIELDS = ['user.name', 'user.target.name', 'source.user.name', 'destination.user.name'];
const HOST_FIELDS = ['host.name'];
const EMAIL_FIELDS = ['user.email', 'email.from.address', 'email.to.address', 'source.user.email'];

/**
 * The canonical form of an observable (lower-case names and hex, compressed IPv6 …), or a
 * reason it is not one.
 */
export function normaliseObservable(
  type: ObservableType,
  raw: string,
): { ok: true; value: string } | { ok: false; reason: string } {
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'the value is empty' };
  if (value.length > MAX_VALUE)
    return { ok: false, reason: `the value is longer than ${MAX_VALUE} characters` };
  switch (type) {
    case 'ip':
    case 'domain':
    case 'url':
    case 'hash':
      return checkIndicator(type, value);
    case 'email':
      return EMAIL.test(value)
        ? { ok: true, value: value.toLowerCase() }
        : { ok: false, reason: `'${value}' is not an e-mail address (name@domain)` };
    case 'host':
      return { ok: true, value: value.toLowerCase() };
    case 'user':
      return { ok: true, value };
  }
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.slice(0, 64).flatMap(strings);
  return [];
}

/** What one field value says, as observables (none when it is not one). */
function fromValue(kind: string, raw: string): { type: ObservableType; value: string }[] {
  const as = (type: ObservableType, v: string) => {
    const n = normaliseObservable(type, v);
    return n.ok ? [{ type, value: n.value }] : [];
  };
  switch (kind) {
    case 'address':
      return as('ip', raw);
    case 'host': {
      const ip = as('ip', raw.replace(/:\d+$/, ''));
      return ip.length > 0 ? ip : as('domain', raw.replace(/:\d+$/, ''));
    }
    case 'url':
      // a bare path (`/dl/x.exe`) says nothing without its host
      return raw.startsWith('/') ? [] : as('url', raw);
    case 'hash':
      return as('hash', raw.replaceAll(':', ''));
    case 'hashes':
      return [...raw.matchAll(HASH_LIST)].flatMap((m) => as('hash', m[2]!));
    case 'user':
      return EMAIL.test(raw) ? as('email', raw) : as('user', raw);
    case 'email':
      return as('email', raw);
    case 'hostname':
      return as('host', raw);
    default:
      return [];
  }
}

const FIELDS: readonly { field: string; kind: string }[] = [
  ...INDICATOR_FIELDS.filter((f) => f.kind !== 'text'),
  ...USER_FIELDS.map((field) => ({ field, kind: 'user' })),
  ...HOST_FIELDS.map((field) => ({ field, kind: 'hostname' })),
  ...EMAIL_FIELDS.map((field) => ({ field, kind: 'email' })),
];

/** The observables in a set of fields (an event's, or an alert's matched fields). */
export function observablesInFields(
  fields: Record<string, unknown>,
): { type: ObservableType; value: string }[] {
  const out = new Map<string, { type: ObservableType; value: string }>();
  for (const { field, kind } of FIELDS)
    for (const raw of strings(fields[field]))
      for (const o of fromValue(kind, raw)) out.set(`${o.type}\u0000${o.value}`, o);
  return [...out.values()];
}

/** The observables an alert carries itself: its source, user, host and the fields it matched. */
export function alertObservables(alert: AlertRecord): { type: ObservableType; value: string }[] {
  const out = new Map<string, { type: ObservableType; value: string }>();
  const add = (list: { type: ObservableType; value: string }[]) => {
    for (const o of list) out.set(`${o.type}\u0000${o.value}`, o);
  };
  if (alert.sourceIp) add(fromValue('address', alert.sourceIp));
  if (alert.userName) add(fromValue('user', alert.userName));
  if (alert.hostName) add(fromValue('hostname', alert.hostName));
  add(observablesInFields(alert.matched));
  return [...out.values()];
}

/**
 * Every observable of an alert and its events, as sightings: when it was first and last seen
 * (the events' times, or the alert's first sighting) and in which events.
 */
export function sightingsOf(
  alert: AlertRecord,
  events: readonly EventRecord[],
): ObservableSighting[] {
  const found = new Map<
    string,
    { o: { type: ObservableType; value: string }; first: string; last: string; seqs: number[] }
  >();
  const see = (o: { type: ObservableType; value: string }, at: string, seq: number | null) => {
    const key = `${o.type}\u0000${o.value}`;
    const s = found.get(key);
    if (!s) {
      found.set(key, { o, first: at, last: at, seqs: seq === null ? [] : [seq] });
      return;
    }
    if (seq !== null && !s.seqs.includes(seq)) s.seqs.push(seq);
    if (at < s.first) s.first = at;
    if (at > s.last) s.last = at;
  };
  for (const o of alertObservables(alert)) see(o, alert.firstSeen, null);
  for (const e of events) for (const o of observablesInFields(e.fields)) see(o, e.eventTime, e.seq);
  return [...found.values()].flatMap(({ o, first, last, seqs }) => {
    const sighting = { ...o, alertId: alert.id, eventSeqs: seqs, source: 'alert' as const };
    return last === first
      ? [{ ...sighting, seenAt: first }]
      : [
          { ...sighting, seenAt: first },
          { ...sighting, seenAt: last },
        ];
  });
}
