import {
  AUDIT_GENESIS_HASH,
  findChainBreak,
  type AuditEntry,
  type ChainCheckpoint,
  type Clock,
  type Principal,
} from '@prahari/core';
import type { AuditRepository } from '@prahari/store';

/** Who is acting and from where; `principal` is null for an anonymous attempt (a failed login). */
export interface Actor {
  principal: Principal | null;
  ip: string | null;
}

export interface AuditEvent {
  action: string;
  target?: string | null;
  outcome?: 'success' | 'failure';
  details?: Record<string, unknown>;
  /** the name an anonymous actor claimed, e.g. the username of a failed login */
  claimedName?: string;
}

export interface ChainStatus {
  ok: boolean;
  rowsChecked: number;
  /** the first row whose chain breaks, with why */
  firstBreak: { seq: number; reason: string } | null;
  headHash: string | null;
}

const VERIFY_PAGE = 5000;

/** The hash-chained record of every change a person or key makes. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  record(actor: Actor, event: AuditEvent): Promise<AuditEntry> {
    const p = actor.principal;
    return this.repo.append({
      at: this.clock.now().toISOString(),
      actorKind: p?.kind ?? 'anonymous',
      actorId: p?.id ?? null,
      actorName: p?.name ?? event.claimedName ?? 'anonymous',
      action: event.action,
      target: event.target ?? null,
      outcome: event.outcome ?? 'success',
      ip: actor.ip,
      details: event.details ?? {},
    });
  }

  list(query: {
    limit: number;
    beforeSeq?: number;
    action?: string;
    actor?: string;
    target?: string;
    from?: string;
    to?: string;
  }): Promise<AuditEntry[]> {
    return this.repo.query({
      limit: query.limit,
      order: 'desc',
      ...(query.beforeSeq !== undefined && { beforeSeq: query.beforeSeq }),
      ...(query.action !== undefined && { action: query.action }),
      ...(query.actor !== undefined && { actorName: query.actor }),
      ...(query.target !== undefined && { target: query.target }),
      ...(query.from !== undefined && { from: query.from }),
      ...(query.to !== undefined && { to: query.to }),
    });
  }

  /** Walks the whole chain in pages and names the first row that does not link or hash. */
  async verify(): Promise<ChainStatus> {
    let state: ChainCheckpoint = { prevHash: AUDIT_GENESIS_HASH, prevSeq: 0 };
    let checked = 0;
    for (;;) {
      const rows = await this.repo.page(state.prevSeq, VERIFY_PAGE);
      if (rows.length === 0) break;
      const result = findChainBreak(rows, state);
      if (!result.ok) {
        const intact = rows.findIndex((r) => r.seq === result.seq);
        return {
          ok: false,
          rowsChecked: checked + Math.max(intact, 0),
          firstBreak: { seq: result.seq, reason: result.reason },
          headHash: null,
        };
      }
      checked += rows.length;
      state = result.last;
      if (rows.length < VERIFY_PAGE) break;
    }
    return {
      ok: true,
      rowsChecked: checked,
      firstBreak: null,
      headHash: checked ? state.prevHash : null,
    };
  }
}
