// The fields of the matching events; open one to see its most frequent values among all matches
// (GET /events/top) and click a value to add it to the query.
import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { StoredEvent, TopValues } from '../../api/types';
import { ErrorBox, Loading, num } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import type { Search } from './EventsView';

/** Fields every event has, or the normalised ones most searches start from. */
const COMMON = [
  'source',
  'sender',
  'parser',
  'host.name',
  'source.ip',
  'destination.ip',
  'destination.port',
  'user.name',
  'event.action',
  'event.outcome',
  'product',
  'service',
];
const OPEN_FIRST = ['host.name', 'parser'];

export function FieldSidebar({
  search,
  events,
  onFilter,
}: {
  search: Search;
  events: StoredEvent[];
  onFilter: (field: string, value: string, exclude?: boolean) => void;
}) {
  const [open, setOpen] = useState<Set<string>>(() => new Set(OPEN_FIRST));
  const fields = useMemo(() => {
    const seen = new Map<string, number>();
    for (const e of events)
      for (const k of Object.keys(e.fields)) seen.set(k, (seen.get(k) ?? 0) + 1);
    const others = [...seen.entries()]
      .filter(([k]) => !COMMON.includes(k) && k !== 'message')
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 40)
      .map(([k, n]) => ({ field: k, present: n }));
    return [...COMMON.map((field) => ({ field, present: seen.get(field) })), ...others];
  }, [events]);

  const toggle = (field: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(field)) next.delete(field);
      else next.add(field);
      return next;
    });

  return (
    <aside className="field-sidebar" aria-label="Fields">
      <h2>Fields</h2>
      <ul>
        {fields.map(({ field, present }) => (
          <li key={field} className={open.has(field) ? 'open' : ''}>
            <button
              type="button"
              className="field-name"
              aria-expanded={open.has(field)}
              onClick={() => toggle(field)}
            >
              <span aria-hidden="true">{open.has(field) ? '▾' : '▸'}</span> {field}
              {present !== undefined && (
                <span className="muted small" title="events on this page that have the field">
                  {' '}
                  {num(present)}
                </span>
              )}
            </button>
            {open.has(field) && <TopValuesList field={field} search={search} onFilter={onFilter} />}
          </li>
        ))}
      </ul>
    </aside>
  );
}

function TopValuesList({
  field,
  search,
  onFilter,
}: {
  field: string;
  search: Search;
  onFilter: (field: string, value: string, exclude?: boolean) => void;
}) {
  const top = useResource(`top:${field}:${JSON.stringify(search)}`, (signal) =>
    api.get<TopValues>(
      '/events/top',
      { q: search.q, from: search.from, to: search.to, field, limit: 10 },
      signal,
    ),
  );
  if (top.error) return <ErrorBox error={top.error} onRetry={top.reload} />;
  if (!top.data) return <Loading what="Counting" />;
  if (!top.data.values.length)
    return <p className="muted small top-none">No values in the matching events.</p>;
  const max = Math.max(...top.data.values.map((v) => v.count));
  return (
    <ol className="top-values" aria-label={`Top values of ${field}`}>
      {top.data.values.map((v) => (
        <li key={v.value}>
          <button
            type="button"
            className="top-value"
            title={`Only events where ${field} is ${v.value}`}
            onClick={() => onFilter(field, v.value)}
          >
            <span
              className="top-bar"
              style={{ width: `${(v.count / max) * 100}%` }}
              aria-hidden="true"
            />
            <span className="top-text">{v.value === '' ? '(empty)' : v.value}</span>
            <span className="top-count">{num(v.count)}</span>
          </button>
          <button
            type="button"
            className="btn-link small exclude"
            aria-label={`Exclude ${field} ${v.value}`}
            title={`Leave out events where ${field} is ${v.value}`}
            onClick={() => onFilter(field, v.value, true)}
          >
            −
          </button>
        </li>
      ))}
      <li className="muted small">of {num(top.data.total)} matching events</li>
    </ol>
  );
}
