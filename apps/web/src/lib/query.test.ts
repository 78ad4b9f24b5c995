import { describe, expect, it } from 'vitest';
import { histogram, pickBucketMs } from './histogram';
import { addTerm, fieldTerm, quoteValue } from './query';
import { durationMs, formatAgo, resolveRange } from './time';

describe('query building', () => {
  it('quotes values so the query parser reads them back exactly', () => {
    expect(quoteValue('nvr-ward 12')).toBe('"nvr-ward 12"');
    expect(quoteValue('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(fieldTerm('host.name', 'web01')).toBe('host.name:"web01"');
    expect(fieldTerm('c-uri', '/admin*', true)).toBe('-c-uri:"/admin*"');
    expect(fieldTerm('bad field', 'x')).toBeUndefined();
  });

  it('ANDs a term onto a query once, bracketing a top-level OR', () => {
    expect(addTerm('', 'a:"1"')).toBe('a:"1"');
    expect(addTerm('sshd', 'a:"1"')).toBe('sshd a:"1"');
    expect(addTerm('sshd a:"1"', 'a:"1"')).toBe('sshd a:"1"');
    expect(addTerm('x OR y', 'a:"1"')).toBe('(x OR y) a:"1"');
    expect(addTerm('(x OR y)', 'a:"1"')).toBe('(x OR y) a:"1"');
  });
});

describe('time ranges', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  it('resolves relative ranges from now, and custom ones from local inputs', () => {
    expect(durationMs('15m')).toBe(900_000);
    expect(durationMs('7d')).toBe(604_800_000);
    expect(durationMs('soon')).toBeUndefined();
    expect(resolveRange('1h', {}, now)).toEqual({ from: '2026-11-25T11:00:00.000Z' });
    expect(resolveRange('custom', { from: 'nonsense' }, now)).toEqual({});
    const custom = resolveRange(
      'custom',
      { from: '2026-11-20T10:00', to: '2026-11-21T10:00' },
      now,
    );
    expect(Date.parse(custom.to!) - Date.parse(custom.from!)).toBe(86_400_000);
  });

  it('writes ages a person reads at a glance', () => {
    const t = now.getTime();
    expect(formatAgo('2026-11-25T11:59:15Z', t)).toBe('45 s ago');
    expect(formatAgo('2026-11-25T09:00:00Z', t)).toBe('3 h ago');
    expect(formatAgo('2026-11-29T12:00:00Z', t)).toBe('in 4 d');
    expect(formatAgo(null, t)).toBe('never');
  });
});

describe('histogram', () => {
  it('picks a step giving at most 60 bars and counts times into aligned buckets', () => {
    expect(pickBucketMs(15 * 60_000)).toBe(60_000);
    expect(pickBucketMs(86_400_000)).toBe(30 * 60_000);
    expect(pickBucketMs(7 * 86_400_000)).toBe(3 * 3_600_000);
    const from = Date.parse('2026-11-25T10:00:00Z');
    const h = histogram(
      [from, from + 30_000, from + 61_000, from - 1, from + 3_600_000],
      from,
      from + 10 * 60_000,
    );
    expect(h.bucketMs).toBe(60_000);
    expect(h.counts.slice(0, 3)).toEqual([2, 1, 0]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
