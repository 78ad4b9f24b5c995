// Events: search with Prahari's query language over a time range, hits over time, the fields
// of the results with their most frequent values (click one to filter), each event raw or
// parsed; and the dead letters, which could not be parsed and wait for a retry.
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { EventPage, StoredEvent, TopValues } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { EventView } from '../../components/EventView';
import { Empty, ErrorBox, Loading, Tabs, num } from '../../components/ui';
import { addTerm, fieldTerm } from '../../lib/query';
import { setParams, useLocation } from '../../lib/router';
import {
  RANGE_LABELS,
  formatTime,
  resolveRange,
  toLocalInput,
  type RangeKey,
} from '../../lib/time';
import { useResource } from '../../lib/useResource';
import { DeadLetters } from './DeadLetters';
import { FieldSidebar } from './FieldSidebar';
import { HitsHistogram } from './HitsHistogram';

const PAGE = 200;

/** A field's value as text: strings as they are, anything else as JSON. */
function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
const RANGES = Object.keys(RANGE_LABELS) as RangeKey[];

export interface Search {
  q: string;
  from?: string;
  to?: string;
}

const columns: ColumnDef<StoredEvent>[] = [
  {
    id: 'time',
    header: 'Event time',
    accessorFn: (e) => e.eventTime,
    meta: { width: '12rem' },
    cell: ({ row }) => formatTime(row.original.eventTime),
  },
  {
    id: 'source',
    header: 'Source',
    accessorFn: (e) => e.sourceName ?? e.sourceIp ?? '',
    meta: { width: 'minmax(7rem, 1fr)' },
  },
  {
    id: 'host',
    header: 'Host',
    accessorFn: (e) => fieldText(e.fields['host.name']),
    meta: { width: 'minmax(7rem, 1fr)' },
  },
  { accessorKey: 'parser', header: 'Parser', meta: { width: '8rem' } },
  {
    accessorKey: 'message',
    header: 'Message',
    meta: { width: 'minmax(16rem, 4fr)' },
    cell: ({ getValue }) => <span className="mono cell-title">{getValue<string>()}</span>,
  },
];

export function EventsView() {
  const { params } = useLocation();
  const tab = params.get('tab') === 'deadletters' ? 'deadletters' : 'search';
  return (
    <div className="page events-page">
      <div className="page-head">
        <h1 className="page-title">Events</h1>
        <Tabs
          label="Events"
          active={tab}
          onChange={(t) => setParams({ tab: t === 'search' ? undefined : t })}
          tabs={[
            { key: 'search', label: 'Search' },
            { key: 'deadletters', label: 'Dead letters' },
          ]}
        />
      </div>
      {tab === 'search' ? <EventSearch /> : <DeadLetters />}
    </div>
  );
}

function EventSearch() {
  const { params } = useLocation();
  const q = params.get('q') ?? '';
  const range = (
    RANGES.includes(params.get('range') as RangeKey) ? params.get('range') : '24h'
  ) as RangeKey;
  const customFrom = params.get('from') ?? '';
  const customTo = params.get('to') ?? '';
  const run = params.get('run') ?? '';
  const openSeq = params.get('seq');

  const [draft, setDraft] = useState(q);
  const [draftFrom, setDraftFrom] = useState(customFrom);
  const [draftTo, setDraftTo] = useState(customTo);
  const [seen, setSeen] = useState({ q, run });
  if (seen.q !== q || seen.run !== run) {
    // the address changed (a click in the sidebar, back/forward): show its query in the box
    setSeen({ q, run });
    setDraft(q);
  }

  // Relative ranges are resolved when the search runs (`run` changes on every Search press).
  const search: Search = useMemo(
    () => ({ q, ...resolveRange(range, { from: customFrom, to: customTo }) }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [q, range, customFrom, customTo, run],
  );
  const searchKey = JSON.stringify(search);

  const [extra, setExtra] = useState<{ key: string; events: StoredEvent[]; cursor: string | null }>(
    {
      key: '',
      events: [],
      cursor: null,
    },
  );
  const first = useResource(`events:${searchKey}`, (signal) =>
    api.get<EventPage>(
      '/events',
      { q: search.q, from: search.from, to: search.to, limit: PAGE },
      signal,
    ),
  );
  const total = useResource(`events-total:${searchKey}`, (signal) =>
    api.get<TopValues>(
      '/events/top',
      { q: search.q, from: search.from, to: search.to, field: 'parser', limit: 1 },
      signal,
    ),
  );
  const more = extra.key === searchKey ? extra : { events: [], cursor: undefined };
  const events = useMemo(
    () => [...(first.data?.events ?? []), ...more.events],
    [first.data, more.events],
  );
  const cursor = more.cursor === undefined ? (first.data?.nextCursor ?? null) : more.cursor;
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<EventPage>('/events', {
        q: search.q,
        from: search.from,
        to: search.to,
        limit: PAGE,
        cursor,
      });
      setExtra({
        key: searchKey,
        events: [...more.events, ...page.events],
        cursor: page.nextCursor,
      });
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const submit = (query: string, changes: Record<string, string | undefined> = {}) =>
    setParams({ q: query || undefined, run: String(Date.now()), seq: undefined, ...changes });

  const filterBy = (field: string, value: string, exclude = false) => {
    const term = fieldTerm(field, value, exclude);
    if (term) submit(addTerm(q, term));
  };

  const selected = openSeq ? events.find((e) => String(e.seq) === openSeq) : undefined;

  return (
    <>
      <form
        className="searchbar"
        role="search"
        aria-label="Search events"
        onSubmit={(e) => {
          e.preventDefault();
          submit(
            draft.trim(),
            range === 'custom' ? { from: draftFrom || undefined, to: draftTo || undefined } : {},
          );
        }}
      >
        <label className="grow">
          <span className="sr-only">Query</span>
          <input
            className="mono"
            type="search"
            name="q"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder='e.g. "Failed password" AND source.ip:203.0.113.*   (empty: everything)'
            spellCheck={false}
          />
        </label>
        <label>
          <span className="sr-only">Time range</span>
          <select
            name="range"
            value={range}
            onChange={(e) => {
              const r = e.target.value as RangeKey;
              if (r === 'custom') {
                const now = new Date();
                const f =
                  draftFrom || toLocalInput(new Date(now.getTime() - 3_600_000).toISOString());
                const t = draftTo || toLocalInput(now.toISOString());
                setDraftFrom(f);
                setDraftTo(t);
                setParams({ range: r, from: f, to: t, run: String(Date.now()) });
              } else
                setParams({
                  range: r === '24h' ? undefined : r,
                  from: undefined,
                  to: undefined,
                  run: String(Date.now()),
                });
            }}
          >
            {RANGES.map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        {range === 'custom' && (
          <>
            <label>
              From{' '}
              <input
                type="datetime-local"
                value={draftFrom}
                onChange={(e) => setDraftFrom(e.target.value)}
              />
            </label>
            <label>
              To{' '}
              <input
                type="datetime-local"
                value={draftTo}
                onChange={(e) => setDraftTo(e.target.value)}
              />
            </label>
          </>
        )}
        <button type="submit" className="btn btn-primary">
          Search
        </button>
      </form>

      <div className="events-layout">
        <FieldSidebar search={search} events={events} onFilter={filterBy} />
        <section className="events-main" aria-label="Search results">
          {first.error ? (
            <ErrorBox error={first.error} onRetry={first.reload} />
          ) : !first.data ? (
            <Loading what="Searching" />
          ) : (
            <>
              <HitsHistogram
                search={search}
                events={events}
                total={total.data?.total}
                onZoom={(from, to) =>
                  setParams({
                    range: 'custom',
                    from: toLocalInput(new Date(from).toISOString()),
                    to: toLocalInput(new Date(to).toISOString()),
                    run: String(Date.now()),
                    seq: undefined,
                  })
                }
              />
              <p className="muted small result-count">
                {num(events.length)} event{events.length === 1 ? '' : 's'} shown
                {total.data ? ` of ${num(total.data.total)} matching` : ''}, newest first.
              </p>
              <div className={selected ? 'split with-detail' : 'split'}>
                <div className="split-main">
                  <DataTable
                    label="Events"
                    className="events-table"
                    data={events}
                    columns={columns}
                    getRowId={(e) => String(e.seq)}
                    hidden={selected ? ['source', 'host', 'parser'] : undefined}
                    selectedId={openSeq}
                    onSelect={(e) => setParams({ seq: String(e.seq) }, { replace: true })}
                    empty={
                      <Empty>
                        No events match {q ? <code>{q}</code> : 'anything'} in this time range. Try
                        a longer range or fewer terms.
                      </Empty>
                    }
                  />
                  {moreError !== null && <ErrorBox error={moreError} />}
                  {cursor && (
                    <button
                      type="button"
                      className="btn"
                      disabled={loadingMore}
                      onClick={() => void loadMore()}
                    >
                      {loadingMore ? 'Loading…' : `Load ${PAGE} more`}
                    </button>
                  )}
                </div>
                {selected && (
                  <aside className="split-side detail" aria-label="Event">
                    <header className="detail-head">
                      <h2>Event #{selected.seq}</h2>
                      <button
                        type="button"
                        className="btn btn-ghost"
                        aria-label="Close the event"
                        onClick={() => setParams({ seq: undefined }, { replace: true })}
                      >
                        ×
                      </button>
                    </header>
                    <EventView event={selected} onFieldClick={(f, v) => filterBy(f, v)} />
                  </aside>
                )}
              </div>
            </>
          )}
        </section>
      </div>
    </>
  );
}
