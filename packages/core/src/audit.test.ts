import { describe, expect, it } from 'vitest';
import {
  AUDIT_GENESIS_HASH,
  auditHash,
  canonicalJson,
  findChainBreak,
  type AuditEntry,
  type AuditRecord,
} from './audit.js';

function chain(records: AuditRecord[]): AuditEntry[] {
  let prevHash = AUDIT_GENESIS_HASH;
  return records.map((r, i) => {
    const hash = auditHash(i + 1, r, prevHash);
    const entry = { ...r, seq: i + 1, prevHash, hash };
    prevHash = hash;
    return entry;
  });
}

const record = (action: string, details: Record<string, unknown> = {}): AuditRecord => ({
  at: '2026-11-25T10:00:00.000Z',
  actorKind: 'user',
  actorId: 'u1',
  actorName: 'ravi',
  action,
  target: 'user:meena',
  outcome: 'success',
  ip: '10.1.2.3',
  details,
});

describe('audit hash chain', () => {
  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  it('an intact chain verifies', () => {
    const rows = chain([
      record('auth.login'),
      record('user.create', { role: 'analyst' }),
      record('auth.logout'),
    ]);
    expect(findChainBreak(rows)).toEqual({
      ok: true,
      last: { prevHash: rows[2]!.hash, prevSeq: 3 },
    });
  });

  it('names the row whose content was altered', () => {
    const rows = chain([
      record('auth.login'),
      record('user.create', { role: 'analyst' }),
      record('auth.logout'),
    ]);
    rows[1]!.details = { role: 'admin' };
    expect(findChainBreak(rows)).toMatchObject({
      seq: 2,
      reason: expect.stringContaining('altered'),
    });
  });

  it('names the row after a deleted one', () => {
    const rows = chain([record('a'), record('b'), record('c')]);
    expect(findChainBreak([rows[0]!, rows[2]!])).toMatchObject({
      seq: 3,
      reason: expect.stringContaining('row 2 is missing'),
    });
  });

  it('detects a row re-hashed after editing (its successor no longer links)', () => {
    const rows = chain([record('a'), record('b'), record('c')]);
    rows[1]!.actorName = 'someone-else';
    rows[1]!.hash = auditHash(2, rows[1]!, rows[1]!.prevHash);
    expect(findChainBreak(rows)).toMatchObject({
      seq: 3,
      reason: expect.stringContaining('previous-hash'),
    });
  });

  it('continues from a checkpoint, so long trails verify in pages', () => {
    const rows = chain([record('a'), record('b'), record('c'), record('d')]);
    const first = findChainBreak(rows.slice(0, 2));
    expect(findChainBreak(rows.slice(2), first.last)).toMatchObject({ ok: true });
  });
});
