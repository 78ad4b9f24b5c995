// Indicators of compromise: the list (with hits), adding some, and importing a text or CSV list
// with a dry run first. Every import is all or nothing.
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/client';
import {
  INDICATOR_TYPES,
  TLPS,
  type ImportReport,
  type Indicator,
  type IndicatorType,
  type Tlp,
} from '../api/types';
import { DataTable } from '../components/DataTable';
import {
  Badge,
  Dialog,
  Empty,
  ErrorBox,
  Loading,
  Notice,
  Panel,
  Tabs,
  num,
} from '../components/ui';
import { can } from '../lib/roles';
import { setParams, useLocation } from '../lib/router';
import { formatAgo } from '../lib/time';
import { useMe } from '../session';

type Tab = 'list' | 'add' | 'import';

export function IndicatorsView() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const { params } = useLocation();
  const requested = params.get('tab') as Tab | null;
  const tab: Tab = mayWork && (requested === 'add' || requested === 'import') ? requested : 'list';
  return (
    <div className="page indicators-page">
      <div className="page-head">
        <h1 className="page-title">Indicators</h1>
        <Tabs
          label="Indicators"
          active={tab}
          onChange={(t) => setParams({ tab: t === 'list' ? undefined : t })}
          tabs={[
            { key: 'list', label: 'List' },
            ...(mayWork
              ? [
                  { key: 'add' as const, label: 'Add' },
                  { key: 'import' as const, label: 'Import a list' },
                ]
              : []),
          ]}
        />
      </div>
      {tab === 'list' && <IndicatorList mayWork={mayWork} />}
      {tab === 'add' && <AddIndicators />}
      {tab === 'import' && <ImportIndicators />}
    </div>
  );
}

export function TlpBadge({ tlp }: { tlp: Tlp }) {
  return <span className={`badge tlp tlp-${tlp.replace('+', '-')}`}>TLP:{tlp.toUpperCase()}</span>;
}

interface ListQuery {
  type: string;
  source: string;
  q: string;
  active: string;
}

function IndicatorList({ mayWork }: { mayWork: boolean }) {
  const [draft, setDraft] = useState<ListQuery>({ type: '', source: '', q: '', active: 'true' });
  const [query, setQuery] = useState(draft);
  const [rows, setRows] = useState<Indicator[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({
    loading: true,
    error: null,
  });
  const [deleting, setDeleting] = useState<Indicator | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const load = useCallback(
    async (after: string | null) => {
      setState({ loading: true, error: null });
      try {
        const page = await api.get<{ indicators: Indicator[]; nextCursor: string | null }>(
          '/indicators',
          {
            ...query,
            limit: 1000,
            cursor: after,
          },
        );
        setRows((r) => (after ? [...r, ...page.indicators] : page.indicators));
        setCursor(page.nextCursor);
        setState({ loading: false, error: null });
      } catch (err) {
        setState({ loading: false, error: err });
      }
    },
    [query],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const columns = useMemo<ColumnDef<Indicator>[]>(
    () => [
      {
        accessorKey: 'value',
        header: 'Value',
        meta: { width: 'minmax(14rem, 3fr)' },
        cell: ({ getValue }) => <span className="mono cell-title">{getValue<string>()}</span>,
      },
      { accessorKey: 'type', header: 'Type', meta: { width: '6rem' } },
      { accessorKey: 'source', header: 'Source', meta: { width: 'minmax(8rem, 1fr)' } },
      {
        accessorKey: 'tlp',
        header: 'TLP',
        meta: { width: '10rem' },
        cell: ({ row }) => <TlpBadge tlp={row.original.tlp} />,
      },
      {
        id: 'expires',
        header: 'Expires',
        accessorFn: (i) => i.expiresAt ?? '9999',
        meta: { width: '9rem' },
        cell: ({ row }) =>
          row.original.expiresAt ? (
            <span
              title={row.original.expiresAt}
              className={new Date(row.original.expiresAt).getTime() < Date.now() ? 'muted' : ''}
            >
              {formatAgo(row.original.expiresAt)}
            </span>
          ) : (
            'never'
          ),
      },
      {
        accessorKey: 'hits',
        header: 'Hits',
        meta: { width: '6rem', align: 'right' },
        cell: ({ getValue }) => num(getValue<number>()),
      },
      {
        id: 'lastHit',
        header: 'Last hit',
        accessorFn: (i) => i.lastHitAt ?? '',
        meta: { width: '9rem' },
        cell: ({ row }) => (row.original.lastHitAt ? formatAgo(row.original.lastHitAt) : '—'),
      },
      {
        id: 'description',
        header: 'Description',
        accessorFn: (i) => i.description ?? '',
        meta: { width: 'minmax(10rem, 2fr)' },
      },
      ...(mayWork
        ? [
            {
              id: 'actions',
              header: '',
              meta: { width: '6rem' },
              enableSorting: false,
              cell: ({ row }: { row: { original: Indicator } }) => (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={(e) => {
                    e.stopPropagation();
                    setDeleting(row.original);
                  }}
                >
                  Delete
                </button>
              ),
            } satisfies ColumnDef<Indicator>,
          ]
        : []),
    ],
    [mayWork],
  );

  return (
    <>
      <form
        className="filters"
        role="search"
        aria-label="Filter indicators"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ ...draft, q: draft.q.trim(), source: draft.source.trim() });
        }}
      >
        <label>
          Type{' '}
          <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
            <option value="">all</option>
            {INDICATOR_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Source{' '}
          <input
            value={draft.source}
            onChange={(e) => setDraft({ ...draft, source: e.target.value })}
            size={12}
          />
        </label>
        <label>
          Show{' '}
          <select
            value={draft.active}
            onChange={(e) => setDraft({ ...draft, active: e.target.value })}
          >
            <option value="true">in force</option>
            <option value="false">expired</option>
            <option value="">all</option>
          </select>
        </label>
        <label className="grow">
          <span className="sr-only">Part of the value</span>
          <input
            type="search"
            placeholder="Part of the value"
            value={draft.q}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {state.error ? (
        <ErrorBox error={state.error} onRetry={() => void load(null)} />
      ) : state.loading && rows.length === 0 ? (
        <Loading what="Loading indicators" />
      ) : (
        <>
          <p className="muted small">
            {num(rows.length)} indicator{rows.length === 1 ? '' : 's'} shown. Matched against every
            stored event; a hit opens an alert of kind “indicator”.
          </p>
          <DataTable
            label="Indicators"
            className="indicators-table"
            data={rows}
            columns={columns}
            getRowId={(i) => i.id}
            empty={<Empty>No indicators{query.active === 'true' ? ' in force' : ''} match.</Empty>}
          />
          {cursor && (
            <button
              type="button"
              className="btn"
              disabled={state.loading}
              onClick={() => void load(cursor)}
            >
              Load more
            </button>
          )}
        </>
      )}
      {deleting && (
        <Dialog title="Delete the indicator" onClose={() => setDeleting(null)}>
          <div className="form">
            <p>
              Delete <code>{deleting.value}</code> ({deleting.type}, from {deleting.source})? It
              stops matching at once.
            </p>
            <div className="form-actions">
              <button type="button" className="btn btn-ghost" onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn-bad"
                onClick={() => {
                  const target = deleting;
                  setDeleting(null);
                  api.del(`/indicators/${encodeURIComponent(target.id)}`).then(
                    () => {
                      setRows((r) => r.filter((i) => i.id !== target.id));
                      setMessage({ tone: 'ok', text: `Deleted ${target.value}.` });
                    },
                    (err: unknown) => setMessage({ tone: 'bad', text: errorMessage(err) }),
                  );
                }}
              >
                Delete
              </button>
            </div>
          </div>
        </Dialog>
      )}
    </>
  );
}

function CommonFields({
  value,
  onChange,
}: {
  value: { source: string; tlp: Tlp | ''; expiresAt: string };
  onChange: (v: { source: string; tlp: Tlp | ''; expiresAt: string }) => void;
}) {
  return (
    <div className="form-row">
      <label>
        Source
        <input
          value={value.source}
          onChange={(e) => onChange({ ...value, source: e.target.value })}
          placeholder="e.g. cert-in"
        />
      </label>
      <label>
        TLP
        <select
          value={value.tlp}
          onChange={(e) => onChange({ ...value, tlp: e.target.value as Tlp | '' })}
        >
          <option value="">default</option>
          {TLPS.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Expires
        <input
          value={value.expiresAt}
          onChange={(e) => onChange({ ...value, expiresAt: e.target.value })}
          placeholder="30d, or 2027-03-31"
        />
      </label>
    </div>
  );
}

function AddIndicators() {
  const [values, setValues] = useState('');
  const [type, setType] = useState<IndicatorType | ''>('');
  const [common, setCommon] = useState<{ source: string; tlp: Tlp | ''; expiresAt: string }>({
    source: '',
    tlp: '',
    expiresAt: '',
  });
  const [description, setDescription] = useState('');
  const [result, setResult] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);

  const submit = async () => {
    const items = values
      .split(/[\s,]+/)
      .map((v) => v.trim())
      .filter(Boolean)
      .map((value) => ({
        value,
        ...(type && { type }),
        ...(common.source.trim() && { source: common.source.trim() }),
        ...(common.tlp && { tlp: common.tlp }),
        ...(common.expiresAt.trim() && { expiresAt: common.expiresAt.trim() }),
        ...(description.trim() && { description: description.trim() }),
      }));
    if (!items.length) return;
    try {
      const r = await api.post<{ added: number; updated: number }>('/indicators', items);
      setResult({
        tone: 'ok',
        text: `${num(r.added)} added, ${num(r.updated)} updated (already known).`,
      });
      setValues('');
    } catch (err) {
      setResult({ tone: 'bad', text: errorMessage(err) });
    }
  };

  return (
    <Panel title="Add indicators">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {result && <Notice tone={result.tone}>{result.text}</Notice>}
        <label>
          Values{' '}
          <span className="muted small">
            (one or more, separated by spaces or new lines; defanged ones like evil[.]example are
            fine)
          </span>
          <textarea
            className="mono"
            rows={5}
            required
            value={values}
            onChange={(e) => setValues(e.target.value)}
            placeholder={'203.0.113.7\nevil.example\nhxxp://bad[.]test/dl/'}
          />
        </label>
        <div className="form-row">
          <label>
            Type
            <select value={type} onChange={(e) => setType(e.target.value as IndicatorType | '')}>
              <option value="">recognise</option>
              {INDICATOR_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label className="grow">
            Description
            <input
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              placeholder="e.g. CERT-In advisory 42"
            />
          </label>
        </div>
        <CommonFields value={common} onChange={setCommon} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Add
          </button>
        </div>
      </form>
    </Panel>
  );
}

function ImportIndicators() {
  const [format, setFormat] = useState<'text' | 'csv'>('text');
  const [text, setText] = useState('');
  const [type, setType] = useState<IndicatorType | ''>('');
  const [common, setCommon] = useState<{ source: string; tlp: Tlp | ''; expiresAt: string }>({
    source: '',
    tlp: '',
    expiresAt: '',
  });
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(
        await api.post<ImportReport>('/indicators/import', {
          format,
          text,
          source: common.source.trim(),
          ...(common.tlp && { tlp: common.tlp }),
          ...(common.expiresAt.trim() && { expiresAt: common.expiresAt.trim() }),
          ...(type && { type }),
          dryRun,
        }),
      );
    } catch (err) {
      const details =
        err instanceof ApiError ? (err.details as Partial<ImportReport> | undefined) : undefined;
      if (details && Array.isArray(details.errors)) setReport(details as ImportReport);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="two-col">
      <Panel title="Import a list">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void send(false);
          }}
        >
          <div className="form-row">
            <label>
              Format
              <select value={format} onChange={(e) => setFormat(e.target.value as 'text' | 'csv')}>
                <option value="text">text: one value a line</option>
                <option value="csv">CSV with a header naming value</option>
              </select>
            </label>
            <label>
              Type
              <select value={type} onChange={(e) => setType(e.target.value as IndicatorType | '')}>
                <option value="">recognise each line</option>
                {INDICATOR_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <label>
              File
              <input
                type="file"
                accept=".txt,.csv,text/plain,text/csv"
                onChange={(e) => void e.target.files?.[0]?.text().then(setText)}
              />
            </label>
          </div>
          <CommonFields value={common} onChange={setCommon} />
          <label>
            List
            <textarea
              className="mono"
              rows={14}
              required
              spellCheck={false}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={
                format === 'csv'
                  ? 'value,type,tlp,expires,description\n203.0.113.7,ip,amber,30d,"dropper, stage 2"'
                  : '# blank lines and comments are skipped\n203.0.113.7\nevil[.]example'
              }
            />
          </label>
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              disabled={busy || !text.trim() || !common.source.trim()}
              onClick={() => void send(true)}
            >
              Check (dry run)
            </button>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy || !text.trim() || !common.source.trim()}
            >
              Import
            </button>
          </div>
          {!common.source.trim() && (
            <p className="muted small">Name the source of the list to import it.</p>
          )}
        </form>
      </Panel>
      <Panel title="Import report">
        {error && <Notice tone="bad">{error}</Notice>}
        {!report && !error && (
          <p className="muted">
            Check or import to see the report here. An import is all or nothing.
          </p>
        )}
        {report && (
          <div className="report">
            {report.imported ? (
              <Notice tone="ok">
                Imported: {num(report.added)} added, {num(report.updated)} updated.
              </Notice>
            ) : report.errorCount === 0 ? (
              <Notice tone="ok">
                Dry run: all {num(report.valid)} values are good. Nothing changed yet.
              </Notice>
            ) : (
              <Notice tone="bad">
                {num(report.errorCount)} bad line(s): nothing was imported.
              </Notice>
            )}
            <dl className="figures figures-row">
              <div>
                <dt>Lines</dt>
                <dd>{num(report.lines)}</dd>
              </div>
              <div>
                <dt>Valid</dt>
                <dd>{num(report.valid)}</dd>
              </div>
              <div>
                <dt>New</dt>
                <dd>{num(report.added)}</dd>
              </div>
              <div>
                <dt>Known</dt>
                <dd>{num(report.updated)}</dd>
              </div>
              <div>
                <dt>Repeated</dt>
                <dd>{num(report.duplicates)}</dd>
              </div>
            </dl>
            {Object.keys(report.byType ?? {}).length > 0 && (
              <p>
                {Object.entries(report.byType).map(([t, n]) => (
                  <Badge key={t}>{`${t}: ${num(n)}`}</Badge>
                ))}
              </p>
            )}
            {report.ignoredColumns?.length > 0 && (
              <Notice tone="warn">Columns ignored: {report.ignoredColumns.join(', ')}</Notice>
            )}
            {report.errors.length > 0 && (
              <table className="simple">
                <thead>
                  <tr>
                    <th className="right">Line</th>
                    <th>Field</th>
                    <th>Value</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {report.errors.map((e, i) => (
                    <tr key={i}>
                      <td className="right">{e.line}</td>
                      <td>{e.field}</td>
                      <td className="mono">{e.value ?? '—'}</td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </Panel>
    </div>
  );
}
