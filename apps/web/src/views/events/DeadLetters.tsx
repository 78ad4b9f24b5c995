// Dead letters: what arrived but could not be read at all, kept raw with the reason, and parsed
// again on request (after a parser fix, or with the parser a source really uses).
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { PARSERS, type DeadLetter, type RetryResult } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Empty, ErrorBox, Loading, Notice, Time, num } from '../../components/ui';
import { can } from '../../lib/roles';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';

type StatusFilter = 'pending' | 'reprocessed' | '';

export function DeadLetters() {
  const me = useMe();
  const mayRetry = can.work(me.role);
  const [status, setStatus] = useState<StatusFilter>('pending');
  const [text, setText] = useState('');
  const [applied, setApplied] = useState('');
  const [selected, setSelected] = useState<DeadLetter | null>(null);
  const [parser, setParser] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ tone: 'ok' | 'warn' | 'bad'; text: string } | null>(null);

  const list = useResource(`deadletters:${status}:${applied}`, (signal) =>
    api.get<{ deadLetters: DeadLetter[]; counts: Record<string, number> }>(
      '/deadletters',
      { status, text: applied, limit: 1000 },
      signal,
    ),
  );

  const retry = async (seqs?: number[]) => {
    setBusy(true);
    setResult(null);
    try {
      const r = await api.post<RetryResult>('/deadletters/retry', {
        ...(seqs && { seqs }),
        ...(parser && { parser }),
      });
      setResult({
        tone: r.stillFailing.length ? 'warn' : 'ok',
        text:
          `Tried ${num(r.tried)}, stored ${num(r.reprocessed)} as events` +
          (r.stillFailing.length
            ? `; ${num(r.stillFailing.length)} still fail (first: ${r.stillFailing[0]!.reason}).`
            : '.'),
      });
      list.reload();
      setSelected(null);
    } catch (err) {
      setResult({ tone: 'bad', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const columns = useMemo<ColumnDef<DeadLetter>[]>(
    () => [
      { accessorKey: 'seq', header: '#', meta: { width: '5rem', align: 'right' } },
      {
        accessorKey: 'receivedAt',
        header: 'Received',
        meta: { width: '12rem' },
        cell: ({ getValue }) => <Time iso={getValue<string>()} />,
      },
      {
        id: 'from',
        header: 'From',
        accessorFn: (d) => `${d.listener} ${d.sourceIp ?? ''}`,
        meta: { width: 'minmax(8rem, 1fr)' },
      },
      { accessorKey: 'reason', header: 'Reason', meta: { width: 'minmax(14rem, 2fr)' } },
      {
        accessorKey: 'raw',
        header: 'Raw',
        meta: { width: 'minmax(14rem, 2fr)' },
        cell: ({ getValue }) => <span className="mono cell-title">{getValue<string>()}</span>,
      },
      { accessorKey: 'status', header: 'Status', meta: { width: '8rem' } },
      { accessorKey: 'retries', header: 'Retries', meta: { width: '6rem', align: 'right' } },
    ],
    [],
  );

  const pending = list.data?.counts.pending ?? 0;
  return (
    <div className="deadletters">
      <p className="muted">
        Messages that arrived but could not be read (a broken JSON record, a bad frame) are kept
        here byte for byte with the reason — never dropped. Fix the cause (for instance name the
        source’s parser in Settings → Sources), then parse them again.
      </p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(text.trim());
        }}
      >
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="pending">waiting</option>
            <option value="reprocessed">reprocessed</option>
            <option value="">all</option>
          </select>
        </label>
        <label className="grow">
          <span className="sr-only">Text in the reason or the raw message</span>
          <input
            type="search"
            placeholder="Text in the reason or the raw message"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
        {mayRetry && (
          <>
            <label>
              Parse as{' '}
              <select value={parser} onChange={(e) => setParser(e.target.value)}>
                <option value="">detected format</option>
                {PARSERS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy || pending === 0}
              onClick={() => void retry(selected ? [selected.seq] : undefined)}
            >
              {selected ? `Retry #${selected.seq}` : `Retry all ${num(pending)} waiting`}
            </button>
          </>
        )}
      </form>
      {result && <Notice tone={result.tone}>{result.text}</Notice>}
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <>
          <p className="muted small">
            {num(list.data.counts.pending ?? 0)} waiting, {num(list.data.counts.reprocessed ?? 0)}{' '}
            reprocessed.
          </p>
          <DataTable
            label="Dead letters"
            className="deadletters-table"
            data={list.data.deadLetters}
            columns={columns}
            getRowId={(d) => String(d.seq)}
            selectedId={selected ? String(selected.seq) : null}
            onSelect={(d) => setSelected((s) => (s?.seq === d.seq ? null : d))}
            empty={
              <Empty>
                No dead letters{status === 'pending' ? ' waiting' : ''}: everything received was
                read.
              </Empty>
            }
          />
          {selected && (
            <section className="panel">
              <h3>
                Dead letter #{selected.seq}: {selected.reason}
              </h3>
              <pre className="raw">{selected.raw}</pre>
            </section>
          )}
        </>
      )}
    </div>
  );
}
