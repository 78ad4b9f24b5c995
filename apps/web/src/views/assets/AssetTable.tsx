// The register as one long table: the server filters, every matching page is fetched in the
// background (1,000 assets a request), and the virtualised table keeps only the rows on screen in
// the page, so 50,000 assets scroll and sort smoothly.
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage, type Query } from '../../api/client';
import {
  ASSET_KINDS,
  ASSET_ZONES,
  CRITICALITY_MEANING,
  type Asset,
  type RiskEntry,
} from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Badge, Empty, ErrorBox, Loading, Notice, num } from '../../components/ui';
import {
  STATUS_CHOICES,
  assetFilterFromParams,
  assetFilterToParams,
  assetListQuery,
  assetRow,
  isFiltered,
  kindLabel,
  riskIndex,
  zoneLabel,
  type AssetFilter,
  type AssetRow,
  type RiskOf,
} from '../../lib/assets';
import { can } from '../../lib/roles';
import { Link, navigate, setParams, useLocation } from '../../lib/router';
import { formatAgo } from '../../lib/time';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';

const PAGE = 1000;
/** /impact/risk answers at most this many; assets below them show no score. */
const RISK_LIMIT = 10_000;

interface Pages {
  rows: AssetRow[];
  done: boolean;
  error: unknown;
}

/** Every page of GET /assets for a query, fetched one after another; rows appear as they come. */
function useAllAssets(query: Query) {
  const key = JSON.stringify(query);
  const [state, setState] = useState<Pages>({ rows: [], done: false, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    const wanted = JSON.parse(key) as Query;
    setState({ rows: [], done: false, error: null });
    const rows: AssetRow[] = [];
    const load = async () => {
      let cursor: string | null = null;
      let shown = 0;
      do {
        const page: { assets: Asset[]; nextCursor: string | null } = await api.get(
          '/assets',
          { ...wanted, limit: PAGE, cursor },
          controller.signal,
        );
        for (const a of page.assets) rows.push(assetRow(a));
        cursor = page.nextCursor;
        if (controller.signal.aborted) return;
        // Each update rebuilds all the table's rows, so they are shown as their number doubles
        // (1,000, 2,000, 4,000 … then the rest): 50,000 assets cost about two rebuilds of
        // 50,000, where an update per page would cost twenty-five.
        if (cursor === null || rows.length >= 2 * shown) {
          setState({ rows: rows.slice(), done: cursor === null, error: null });
          shown = rows.length;
        }
      } while (cursor !== null);
    };
    load().catch((error: unknown) => {
      if (!controller.signal.aborted) setState({ rows: rows.slice(), done: true, error });
    });
    return () => controller.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const update = useCallback(
    (id: string, change: Partial<AssetRow>) =>
      setState((s) => ({ ...s, rows: s.rows.map((r) => (r.id === id ? { ...r, ...change } : r)) })),
    [],
  );
  return { ...state, reload, update };
}

function riskTone(score: number): string {
  return score >= 60 ? 'high' : score >= 35 ? 'medium' : 'low';
}

function columns(
  risk: Map<string, RiskOf> | null,
  confirm: ((row: AssetRow) => void) | null,
): ColumnDef<AssetRow>[] {
  return [
    {
      accessorKey: 'name',
      header: 'Name',
      meta: { width: 'minmax(11rem, 2.5fr)' },
      cell: ({ row }) => (
        <span className="cell-title">
          <Link to={`/assets/${encodeURIComponent(row.original.id)}`} className="asset-link">
            {row.original.name}
          </Link>
          {row.original.status !== 'active' && (
            <Badge tone={row.original.status === 'discovered' ? 'warn' : 'neutral'}>
              {row.original.status}
            </Badge>
          )}
        </span>
      ),
    },
    {
      accessorKey: 'kind',
      header: 'Kind',
      meta: { width: 'minmax(7rem, 1fr)' },
      cell: ({ getValue }) => kindLabel(getValue<string>()),
    },
    {
      id: 'zone',
      header: 'Zone',
      accessorFn: (r) => r.zone ?? '',
      meta: { width: '4.5rem' },
      cell: ({ row }) => (
        <span className={`zone-tag zone-${row.original.zone ?? 'none'}`}>
          {zoneLabel(row.original.zone)}
        </span>
      ),
    },
    {
      id: 'criticality',
      header: 'Criticality',
      accessorFn: (r) => r.criticality ?? 0,
      meta: { width: '6rem' },
      cell: ({ row }) => {
        const c = row.original.criticality;
        return c === null ? (
          <span className="muted" title="not rated yet">
            —
          </span>
        ) : (
          <span className={`crit crit-${c}`} title={CRITICALITY_MEANING[c]}>
            {c}
          </span>
        );
      },
    },
    ...(risk
      ? [
          {
            id: 'risk',
            header: 'Risk',
            accessorFn: (r: AssetRow) => risk.get(r.id)?.score ?? -1,
            meta: { width: '6.5rem' },
            cell: ({ row }: { row: { original: AssetRow } }) => {
              const r = risk.get(row.original.id);
              if (!r)
                return (
                  <span className="muted" title={`not among the ${num(RISK_LIMIT)} riskiest`}>
                    —
                  </span>
                );
              return (
                <span
                  className={`risk risk-${riskTone(r.score)}`}
                  title={`rank ${num(r.rank)} of the register`}
                >
                  <span className="risk-bar" style={{ width: `${r.score}%` }} aria-hidden="true" />
                  <span className="risk-score">{r.score.toFixed(0)}</span>
                </span>
              );
            },
          } satisfies ColumnDef<AssetRow>,
          {
            id: 'alerts',
            header: () => <span title="open alerts on the asset">Alerts</span>,
            accessorFn: (r: AssetRow) => risk.get(r.id)?.openAlerts ?? 0,
            meta: { width: '5rem', align: 'right' },
            cell: ({ row }: { row: { original: AssetRow } }) => {
              const r = risk.get(row.original.id);
              if (!r || r.openAlerts === 0) return <span className="muted">0</span>;
              return (
                <span
                  className={`badge level level-${r.maxLevel ?? 'none'}`}
                  title={`highest: ${r.maxLevel}`}
                >
                  {num(r.openAlerts)}
                </span>
              );
            },
          } satisfies ColumnDef<AssetRow>,
        ]
      : []),
    {
      id: 'department',
      header: 'Department',
      accessorFn: (r) => r.department ?? '',
      meta: { width: 'minmax(7rem, 1fr)' },
    },
    {
      id: 'owner',
      header: 'Owner',
      accessorFn: (r) => r.ownerName ?? '',
      meta: { width: 'minmax(5rem, 0.8fr)' },
    },
    {
      accessorKey: 'address',
      header: 'Address',
      meta: { width: 'minmax(6.5rem, 1fr)' },
      cell: ({ getValue }) => <span className="mono">{getValue<string>()}</span>,
    },
    { accessorKey: 'place', header: 'Where', meta: { width: 'minmax(6rem, 1.3fr)' } },
    {
      id: 'lastSeen',
      header: 'Last seen',
      accessorFn: (r) => r.lastSeen ?? '',
      meta: { width: '6rem' },
      cell: ({ row }) =>
        row.original.lastSeen ? (
          <span title={row.original.lastSeen}>{formatAgo(row.original.lastSeen)}</span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    ...(confirm
      ? [
          {
            id: 'actions',
            header: '',
            meta: { width: '6rem' },
            enableSorting: false,
            cell: ({ row }: { row: { original: AssetRow } }) =>
              row.original.status === 'discovered' ? (
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`Confirm ${row.original.name}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    confirm(row.original);
                  }}
                >
                  Confirm
                </button>
              ) : null,
          } satisfies ColumnDef<AssetRow>,
        ]
      : []),
  ];
}

export function AssetTable() {
  const me = useMe();
  const { params } = useLocation();
  const filter = assetFilterFromParams(params);
  const filterKey = JSON.stringify(filter);
  const [draft, setDraft] = useState<AssetFilter>(filter);
  useEffect(() => setDraft(JSON.parse(filterKey) as AssetFilter), [filterKey]);
  const query = useMemo(() => assetListQuery(JSON.parse(filterKey) as AssetFilter), [filterKey]);
  const assets = useAllAssets(query);
  const mayManage = can.manageAssets(me.role);
  // Risk is worked out over the whole register (seconds for 50,000 assets, with the server busy
  // meanwhile), so it is asked for once the table is first filled, and kept across filters.
  const [riskWanted, setRiskWanted] = useState(false);
  useEffect(() => {
    if (assets.done) setRiskWanted(true);
  }, [assets.done]);
  const risk = useResource(can.impact(me.role) && riskWanted ? 'risk' : null, (signal) =>
    api.get<RiskEntry[]>('/impact/risk', { limit: RISK_LIMIT }, signal),
  );
  const riskMap = useMemo(() => (risk.data ? riskIndex(risk.data) : null), [risk.data]);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const { update } = assets;

  const confirm = useCallback(
    (row: AssetRow) => {
      api.post<{ asset: Asset }>(`/assets/${encodeURIComponent(row.id)}/confirm`).then(
        (detail) => {
          update(row.id, { status: detail.asset.status });
          setMessage({ tone: 'ok', text: `${row.name} is confirmed: it is an active asset now.` });
        },
        (err: unknown) => setMessage({ tone: 'bad', text: errorMessage(err) }),
      );
    },
    [update],
  );
  const discovered = useMemo(
    () => assets.rows.reduce((n, r) => n + (r.status === 'discovered' ? 1 : 0), 0),
    [assets.rows],
  );
  // The Confirm column only while some shown asset awaits confirmation.
  const confirming = mayManage && discovered > 0;
  const cols = useMemo(
    () => columns(can.impact(me.role) ? riskMap : null, confirming ? confirm : null),
    [me.role, riskMap, confirming, confirm],
  );
  const apply = (f: AssetFilter) => setParams(assetFilterToParams(f));
  const set = (change: Partial<AssetFilter>) => setDraft((d) => ({ ...d, ...change }));

  return (
    <>
      <form
        className="filters"
        role="search"
        aria-label="Filter assets"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label className="grow">
          <span className="sr-only">Name, description, vendor, product or address</span>
          <input
            type="search"
            placeholder="Name, vendor, product, or the start of an address"
            value={draft.q}
            onChange={(e) => set({ q: e.target.value })}
          />
        </label>
        <label>
          Kind{' '}
          <select value={draft.kind} onChange={(e) => apply({ ...draft, kind: e.target.value })}>
            <option value="">all</option>
            {ASSET_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Zone{' '}
          <select value={draft.zone} onChange={(e) => apply({ ...draft, zone: e.target.value })}>
            <option value="">all</option>
            {ASSET_ZONES.map((z) => (
              <option key={z} value={z}>
                {zoneLabel(z)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Criticality{' '}
          <select
            value={draft.minCriticality}
            onChange={(e) => apply({ ...draft, minCriticality: e.target.value })}
          >
            <option value="">any</option>
            {[5, 4, 3, 2].map((c) => (
              <option key={c} value={c} title={CRITICALITY_MEANING[c]}>
                {c === 5 ? '5' : `${c} or more`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select
            value={draft.status}
            onChange={(e) => apply({ ...draft, status: e.target.value as AssetFilter['status'] })}
          >
            {STATUS_CHOICES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Department{' '}
          <input
            value={draft.department}
            size={10}
            onChange={(e) => set({ department: e.target.value })}
          />
        </label>
        {me.role !== 'owner' && (
          <label>
            Owner{' '}
            <input
              value={draft.owner}
              size={8}
              placeholder="username"
              onChange={(e) => set({ owner: e.target.value })}
            />
          </label>
        )}
        <button type="submit" className="btn">
          Filter
        </button>
        {isFiltered(filter) && (
          <button type="button" className="btn btn-ghost" onClick={() => navigate('/assets')}>
            Clear
          </button>
        )}
      </form>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {discovered > 0 && filter.status !== 'discovered' && (
        <Notice tone="warn">
          {num(discovered)} discovered asset{discovered === 1 ? '' : 's'} (seen in events or a scan)
          await{discovered === 1 ? 's' : ''} confirmation.{' '}
          <button
            type="button"
            className="btn-link"
            onClick={() => apply({ ...filter, status: 'discovered' })}
          >
            Show only them
          </button>
        </Notice>
      )}
      {assets.error ? <ErrorBox error={assets.error} onRetry={assets.reload} /> : null}
      {!assets.error && assets.rows.length === 0 && !assets.done ? (
        <Loading what="Loading the register" />
      ) : (
        <>
          <p className="muted small result-count" role="status">
            {num(assets.rows.length)} asset{assets.rows.length === 1 ? '' : 's'}
            {me.role === 'owner' && ' assigned to you'}
            {assets.done ? '.' : ' so far, loading more…'}
            {riskMap &&
              ' Risk (0–100) weighs criticality, internet exposure, personal data, open alerts and what its loss would take down.'}
            {risk.error ? ` Risk could not be loaded: ${errorMessage(risk.error)}` : ''}
          </p>
          <DataTable
            label="Assets"
            className="assets-table"
            data={assets.rows}
            columns={cols}
            getRowId={(r) => r.id}
            onSelect={(r) => navigate(`/assets/${encodeURIComponent(r.id)}`)}
            empty={
              <Empty>
                {isFiltered(filter)
                  ? 'No asset matches these filters.'
                  : me.role === 'owner'
                    ? 'No asset is assigned to you yet.'
                    : 'The register is empty. Import the city with prahari assets import or POST /api/v1/assets/import.'}
              </Empty>
            }
          />
        </>
      )}
    </>
  );
}
