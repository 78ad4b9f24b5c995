import { describe, expect, it } from 'vitest';
import { epochTime, parseLooseTime, toIso } from './time.js';

const ctx = { receivedAt: new Date('2026-11-25T12:00:00Z') };

describe('time helpers', () => {
  it('formats ISO text exactly as Date#toISOString does, across days and eras', () => {
    const rand = (() => {
      let x = 42;
      return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    })();
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(rand() * 5e12) - 1e12;
      expect(toIso(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('tells epoch seconds from milliseconds', () => {
    expect(epochTime(1609459200)).toBe(1609459200000);
    expect(epochTime(1609459200.5)).toBe(1609459200500);
    expect(epochTime(1609459200123)).toBe(1609459200123);
    expect(epochTime(-5)).toBeUndefined();
    expect(epochTime(Number.NaN)).toBeUndefined();
  });

  it('reads the vendor time formats', () => {
    const iso = (v: unknown) => {
      const r = parseLooseTime(v, ctx);
      return r === undefined ? undefined : new Date(r.ms).toISOString();
    };
    expect(iso('Sep 09 2017 00:31:23 UTC')).toBe('2017-09-09T00:31:23.000Z');
    expect(iso('10/Oct/2000:13:55:36 -0700')).toBe('2000-10-10T20:55:36.000Z');
    expect(iso('2014/12/30 06:07:37')).toBe('2014-12-30T06:07:37.000Z');
    expect(iso('2019-05-09 22:03:58.692466')).toBe('2019-05-09T22:03:58.692Z');
    expect(iso('06-May-2021 09:59:37')).toBe('2021-05-06T09:59:37.000Z');
    expect(iso('1609459200')).toBe('2021-01-01T00:00:00.000Z');
    expect(iso('2021-02-30T00:00:00Z')).toBeUndefined();
    expect(iso('yesterday')).toBeUndefined();
    expect(iso({})).toBeUndefined();
  });
});
