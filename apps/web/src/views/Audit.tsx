// The audit trail: who did what and when, newest first, and whether its hash chain is intact.
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { AuditEntry, AuditVerify } from '../api/types';
import { DataTable } from '../components/DataTable';
import {
  Badge,
  Empty,
  ErrorBox,
  Loading,
  LoadOlder,
  Notice,
  Panel,
  Time,
  num,
} from '../components/ui';
import { useResource } from '../lib/useResource';
import { usePagesBefore } from '../lib/usePagesBefore';

const columns: ColumnDef<AuditEntry>[] = [
  { accessorKey: 'seq', header: '#', meta: { width: '5rem', align: 'right' } },
  {
    accessorKey: 'at',
    header: 'When',
    meta: { width: '12rem' },
    cell: ({ getValue }) => <Time iso={getValue<string>()} />,
  },
  {
    id: 'actor',
    header: 'Who',
    accessorFn: (e) => e.actorName,
    meta: { width: 'minmax(8rem, 1fr)' },
    cell: ({ row }) => (
      <span>
        {row.original.actorName} <span className="muted small">{row.original.actorKind}</span>
      </span>
    ),
  },
  {
    accessorKey: 'action',
    header: 'Action',
    meta: { width: 'minmax(9rem, 1fr)' },
    cell: ({ getValue }) => <span className="mono">{getValue<string>()}</span>,
  },
  {
    id: 'target',
    header: 'Target',
    accessorFn: (e) => e.target ?? '',
    meta: { width: 'minmax(8rem, 1fr)' },
  },
  {
    accessorKey: 'outcome',
    header: 'Outcome',
    meta: { width: '8rem' },
    cell: ({ getValue }) => (
      <Badge tone={getValue<string>() === 'success' ? 'ok' : 'bad'}>{getValue<string>()}</Badge>
    ),
  },
  { id: 'ip', header: 'From', accessorFn: (e) => e.ip ?? '', meta: { width: '9rem' } },
  {
    id: 'details',
    header: 'Details',
    accessorFn: (e) => JSON.stringify(e.details),
    meta: { width: 'minmax(12rem, 2fr)' },
    cell: ({ getValue }) => (
      <span className="mono small cell-title">
        {getValue<string>() === '{}' ? '' : getValue<string>()}
      </span>
    ),
  },
];

export function AuditView() {
  return (
    <div className="page audit-page">
      <div className="page-head">
        <h1 className="page-title">Audit trail</h1>
      </div>
      <ChainStatus />
      <AuditList />
    </div>
  );
}

function ChainStatus() {
  const verify = useResource('audit-verify', (signal) =>
    api.get<AuditVerify>('/audit/verify', undefined, signal),
  );
  return (
    <Panel
      title="Chain status"
      className="chain-status"
      actions={
        <button
          type="button"
          className="btn btn-small"
          onClick={verify.reload}
          disabled={verify.loading}
        >
          Check again
        </button>
      }
    >
      {verify.error ? (
        <ErrorBox error={verify.error} onRetry={verify.reload} />
      ) : !verify.data ? (
        <Loading what="Checking the hash chain" />
      ) : verify.data.ok ? (
        <Notice tone="ok">
          <strong>Chain OK</strong>: all {num(verify.data.rowsChecked)} entries are intact and in
          order.
          {verify.data.headHash && (
            <>
              {' '}
              Latest hash <code className="hash">{verify.data.headHash.slice(0, 16)}…</code>
            </>
          )}
        </Notice>
      ) : (
        <Notice tone="bad">
          <strong>Chain broken</strong> at entry #{verify.data.firstBreak?.seq}:{' '}
          {verify.data.firstBreak?.reason}. The trail was altered, removed from or inserted into
          after it was written; entries from there on cannot be trusted.{' '}
          {num(verify.data.rowsChecked)} entries checked.
        </Notice>
      )}
    </Panel>
  );
}

function AuditList() {
  const [draft, setDraft] = useState({ action: '', actor: '', from: '', to: '' });
  const [filter, setFilter] = useState(draft);
  const [selected, setSelected] = useState<AuditEntry | null>(null);

  const fetchPage = useCallback(
    async (before: number | null) => {
      const page = await api.get<{ entries: AuditEntry[]; nextBefore: number | null }>('/audit', {
        limit: 500,
        before,
        action: filter.action.trim(),
        actor: filter.actor.trim(),
        from: filter.from ? new Date(filter.from).toISOString() : undefined,
        to: filter.to ? new Date(filter.to).toISOString() : undefined,
      });
      return { items: page.entries, nextBefore: page.nextBefore };
    },
    [filter],
  );
  const pages = usePagesBefore(fetchPage);
  const { items: entries, state, load } = pages;

  const rows = useMemo(() => entries, [entries]);
  return (
    <Panel title="Entries">
      <form
        className="filters"
        role="search"
        aria-label="Filter the audit trail"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft);
        }}
      >
        <label>
          Action{' '}
          <input
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            placeholder="e.g. rule.disable"
            size={14}
          />
        </label>
        <label>
          Who{' '}
          <input
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
            size={12}
          />
        </label>
        <label>
          From{' '}
          <input
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          To{' '}
          <input
            type="datetime-local"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      {state.error ? (
        <ErrorBox error={state.error} onRetry={() => void load(null)} />
      ) : state.loading && entries.length === 0 ? (
        <Loading />
      ) : (
        <>
          <DataTable
            label="Audit entries"
            className="audit-table"
            data={rows}
            columns={columns}
            getRowId={(e) => String(e.seq)}
            selectedId={selected ? String(selected.seq) : null}
            onSelect={(e) => setSelected((s) => (s?.seq === e.seq ? null : e))}
            empty={<Empty>No entries match.</Empty>}
          />
          <LoadOlder pages={pages}>Load older entries</LoadOlder>
          {selected && (
            <section className="panel">
              <h3>
                Entry #{selected.seq}: {selected.action}
              </h3>
              <pre className="raw">{JSON.stringify(selected, null, 2)}</pre>
            </section>
          )}
        </>
      )}
    </Panel>
  );
}
