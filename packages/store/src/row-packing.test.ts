import { describe, expect, it } from 'vitest';
import { packRows, unpackRows } from './row-packing.js';

describe('packRows / unpackRows', () => {
  it('gives back the rows it packed: strings of any script, numbers and nulls', () => {
    const rows = [
      ['2026-11-25T09:20:06.000Z', 'syslog-tcp', 40006, null, '{"user.name":"admin6"}'],
      ['', 'नगर निगम पोर्टल', -1.5, 0, 'emoji 🚦 and a NUL \u0000 inside'],
      ['x'.repeat(70_000), 'a', Number.MAX_SAFE_INTEGER, null, null],
    ];
    expect(unpackRows(packRows(rows))).toEqual(rows);
  });

  it('writes a string equal to the one above it in its column once', () => {
    const row = (message: string, port: number | null) => [
      '2026-11-25T09:20:06.000Z',
      'syslog-tcp',
      message,
      port,
    ];
    const rows = [row('first', 514), row('second', 514), row('second', null), row('first', 514)];
    const packed = packRows(rows);
    expect(unpackRows(packed)).toEqual(rows);
    // the receive time and listener are spelled out in the first row only; numbers are not
    // repeated, and a string equal to one two rows up is spelled out again
    const spelledOut = (s: string) => packed.toString('latin1').split(s).length - 1;
    expect(spelledOut('2026-11-25T09:20:06.000Z')).toBe(1);
    expect(spelledOut('syslog-tcp')).toBe(1);
    expect(spelledOut('second')).toBe(1);
    expect(spelledOut('first')).toBe(2);
  });

  it('packs into a buffer that owns its memory, so it can be moved to the writer thread', () => {
    const packed = packRows([['one', 1]]);
    expect(packed.byteOffset).toBe(0);
    expect(packed.byteLength).toBe(packed.buffer.byteLength);
  });

  it('reads a plain Uint8Array too (what arrives from another thread)', () => {
    const packed = packRows([['a', 2, null]]);
    const moved = new Uint8Array(packed.buffer.slice(0));
    expect(unpackRows(moved)).toEqual([['a', 2, null]]);
  });

  it('packs no rows', () => {
    expect(unpackRows(packRows([]))).toEqual([]);
  });

  it('refuses what a column cannot hold and rows of different lengths', () => {
    expect(() => packRows([[{} as unknown as string]])).toThrow(/cannot pack a object/);
    expect(() => packRows([['a', 'b'], ['c']])).toThrow(/differ in length/);
  });

  it('names the byte where packed rows are corrupt', () => {
    const packed = packRows([['a']]);
    packed[8] = 9;
    expect(() => unpackRows(packed)).toThrow(/unknown tag 9 at byte 8/);
    packed[8] = 3;
    expect(() => unpackRows(packed)).toThrow(/a repeat in the first row at byte 8/);
  });
});
