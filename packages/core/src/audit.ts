import { createHash } from 'node:crypto';

/** One entry of the audit trail as a person or key caused it. */
export interface AuditRecord {
  /** ISO 8601 UTC */
  at: string;
  actorKind: 'user' | 'apikey' | 'system' | 'anonymous';
  actorId: string | null;
  actorName: string;
  /** dotted verb, e.g. `auth.login`, `user.create`, `apikey.revoke` */
  action: string;
  /** what was acted on, e.g. `user:ravi` */
  target: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  details: Record<string, unknown>;
}

/** A stored audit row: its place in the chain and the hashes that bind it to the rows before. */
export interface AuditEntry extends AuditRecord {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The hash the first row chains to. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Key-sorted JSON, so the same content always hashes the same whatever the object's key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over the row's sequence number, content and the previous row's hash. */
export function auditHash(seq: number, record: AuditRecord, prevHash: string): string {
  const content = canonicalJson({
    seq,
    at: record.at,
    actorKind: record.actorKind,
    actorId: record.actorId,
    actorName: record.actorName,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    ip: record.ip,
    details: record.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

export interface ChainCheckpoint {
  prevHash: string;
  prevSeq: number;
}

export type ChainCheck =
  | { ok: true; last: ChainCheckpoint }
  | { ok: false; seq: number; reason: string; last: ChainCheckpoint };

/**
 * Checks rows in sequence order, continuing from `prevHash`/`prevSeq` (so long trails can be
 * verified in pages). Returns the first broken row, or null.
 */
export function findChainBreak(
  rows: Iterable<AuditEntry>,
  start: ChainCheckpoint = { prevHash: AUDIT_GENESIS_HASH, prevSeq: 0 },
): ChainCheck {
  let { prevHash, prevSeq } = start;
  for (const row of rows) {
    if (row.seq !== prevSeq + 1) {
      return {
        ok: false,
        seq: row.seq,
        reason: `row ${prevSeq + 1} is missing (found ${row.seq} next)`,
        last: { prevHash, prevSeq },
      };
    }
    if (row.prevHash !== prevHash) {
      return {
        ok: false,
        seq: row.seq,
        reason: 'its previous-hash does not match the row before it',
        last: { prevHash, prevSeq },
      };
    }
    if (auditHash(row.seq, row, row.prevHash) !== row.hash) {
      return {
        ok: false,
        seq: row.seq,
        reason: 'its content does not match its hash (the row was altered)',
        last: { prevHash, prevSeq },
      };
    }
    prevHash = row.hash;
    prevSeq = row.seq;
  }
  return { ok: true, last: { prevHash, prevSeq } };
}
