// Rules: what detection runs, each rule's source and state, switching rules on and off with a
// reason, uploading and validating rules, false-positive filters, and the packs with licences.
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { api } from '../../api/client';
import { LEVELS, type Rule, type RulePack } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Badge, Empty, ErrorBox, LevelBadge, Loading, Tabs, num } from '../../components/ui';
import { levelRank } from '../../lib/alerts';
import { can } from '../../lib/roles';
import { setParams, useLocation } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';
import { RuleDetail } from './RuleDetail';
import { RuleFilters } from './RuleFilters';
import { RulePacks } from './RulePacks';
import { RuleTest } from './RuleTest';
import { RuleUpload } from './RuleUpload';

type Tab = 'rules' | 'upload' | 'test' | 'filters' | 'packs';

export function RulesView() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const { params } = useLocation();
  const requested = params.get('tab') as Tab | null;
  const tab: Tab =
    requested &&
    ['rules', 'filters', 'packs', ...(mayWork ? ['upload', 'test'] : [])].includes(requested)
      ? requested
      : 'rules';
  return (
    <div className="page rules-page">
      <div className="page-head">
        <h1 className="page-title">Rules</h1>
        <Tabs
          label="Rules"
          active={tab}
          onChange={(t) =>
            setParams({ tab: t === 'rules' ? undefined : t, open: undefined, rule: undefined })
          }
          tabs={[
            { key: 'rules', label: 'Rules' },
            ...(mayWork
              ? [
                  { key: 'upload' as const, label: 'Upload & validate' },
                  { key: 'test' as const, label: 'Test against events' },
                ]
              : []),
            { key: 'filters', label: 'False-positive filters' },
            { key: 'packs', label: 'Packs' },
          ]}
        />
      </div>
      {tab === 'rules' && <RuleList mayWork={mayWork} />}
      {tab === 'upload' && <RuleUpload />}
      {tab === 'test' && <RuleTest />}
      {tab === 'filters' && <RuleFilters mayWork={mayWork} />}
      {tab === 'packs' && <RulePacks />}
    </div>
  );
}

/** A rule as the list shows it: with its cost, when detection has timed it. */
type RuleRow = Rule & {
  /** mean time per evaluation, µs (one event in 64 is timed rule by rule) */
  meanMicros: number | null;
};

interface RuleCosts {
  sampleEvery: number;
  rules: { ruleId?: string; meanMicros: number }[];
}

const columns: ColumnDef<RuleRow>[] = [
  {
    id: 'enabled',
    header: 'State',
    accessorFn: (r) => (r.enabled ? 1 : 0),
    meta: { width: '6rem' },
    cell: ({ row }) =>
      row.original.enabled ? <Badge tone="ok">on</Badge> : <Badge tone="neutral">off</Badge>,
  },
  {
    accessorKey: 'title',
    header: 'Rule',
    meta: { width: 'minmax(16rem, 4fr)' },
    cell: ({ row }) => (
      <span className="cell-title" title={row.original.title}>
        {row.original.title}
        {row.original.problems.length > 0 && (
          <Badge tone="warn">
            {row.original.problems.length} problem{row.original.problems.length === 1 ? '' : 's'}
          </Badge>
        )}
      </span>
    ),
  },
  {
    id: 'level',
    header: 'Level',
    accessorFn: (r) => levelRank(r.level),
    meta: { width: '8rem' },
    cell: ({ row }) => <LevelBadge level={row.original.level} />,
  },
  { accessorKey: 'kind', header: 'Kind', meta: { width: '7rem' } },
  { accessorKey: 'pack', header: 'Pack', meta: { width: '7rem' } },
  {
    id: 'logsource',
    header: 'Log source',
    accessorFn: (r) => Object.values(r.logsource).join(' / '),
    meta: { width: 'minmax(8rem, 1.5fr)' },
  },
  {
    id: 'matches',
    header: 'Matches',
    accessorFn: (r) => r.matches ?? 0,
    meta: { width: '7rem', align: 'right' },
    cell: ({ getValue }) => num(getValue<number>()),
  },
  {
    id: 'cost',
    header: 'Cost',
    accessorFn: (r) => r.meanMicros ?? -1,
    meta: { width: '7rem', align: 'right' },
    cell: ({ row }) =>
      row.original.meanMicros === null ? (
        <span className="muted">—</span>
      ) : (
        <span title="mean time per evaluation">{row.original.meanMicros.toFixed(1)} µs</span>
      ),
  },
];

interface RuleQuery {
  pack: string;
  kind: string;
  level: string;
  enabled: string;
  q: string;
}

function RuleList({ mayWork }: { mayWork: boolean }) {
  const { params } = useLocation();
  const openId = params.get('open');
  const query: RuleQuery = {
    pack: params.get('pack') ?? '',
    kind: params.get('kind') ?? '',
    level: params.get('level') ?? '',
    enabled: params.get('enabled') ?? '',
    q: params.get('q') ?? '',
  };
  const [text, setText] = useState(query.q);
  const packs = useResource('packs', (signal) =>
    api.get<RulePack[]>('/rules/packs', undefined, signal),
  );
  const list = useResource(`rules:${JSON.stringify(query)}`, (signal) =>
    api.get<{ total: number; rules: Rule[] }>('/rules', { ...query, limit: 5000 }, signal),
  );
  const costs = useResource('rule-costs', (signal) =>
    api.get<RuleCosts>('/rules/cost', { limit: 5000 }, signal),
  );
  const rules = useMemo((): RuleRow[] => {
    const cost = new Map((costs.data?.rules ?? []).map((c) => [c.ruleId, c.meanMicros]));
    return (list.data?.rules ?? []).map((r) => ({ ...r, meanMicros: cost.get(r.id) ?? null }));
  }, [list.data, costs.data]);
  const set = (changes: Partial<RuleQuery>) =>
    setParams({
      ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v || undefined])),
    });

  return (
    <>
      <form
        className="filters"
        role="search"
        aria-label="Filter rules"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text.trim() });
        }}
      >
        <label>
          Pack{' '}
          <select value={query.pack} onChange={(e) => set({ pack: e.target.value })}>
            <option value="">all</option>
            {(packs.data ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind{' '}
          <select value={query.kind} onChange={(e) => set({ kind: e.target.value })}>
            <option value="">all</option>
            <option value="rule">rule</option>
            <option value="correlation">correlation</option>
            <option value="filter">filter</option>
          </select>
        </label>
        <label>
          Level{' '}
          <select value={query.level} onChange={(e) => set({ level: e.target.value })}>
            <option value="">all</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          State{' '}
          <select value={query.enabled} onChange={(e) => set({ enabled: e.target.value })}>
            <option value="">on and off</option>
            <option value="true">on</option>
            <option value="false">off</option>
          </select>
        </label>
        <label className="grow">
          <span className="sr-only">Text in the title, id or description</span>
          <input
            type="search"
            placeholder="Text in the title, id or description"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading what="Loading rules" />
      ) : (
        <>
          <p className="muted small">
            {num(list.data.total)} rule{list.data.total === 1 ? '' : 's'}; matches are hits recorded
            in alerts; cost is the mean time a rule takes on an event, timed on one event in{' '}
            {costs.data?.sampleEvery ?? 64} since the rules were loaded (sort by it to find the slow
            ones).
          </p>
          <div className={openId ? 'split with-detail' : 'split'}>
            <div className="split-main">
              <DataTable
                label="Rules"
                className="rules-table"
                data={rules}
                columns={columns}
                getRowId={(r) => r.id}
                hidden={openId ? ['kind', 'pack', 'logsource'] : undefined}
                selectedId={openId}
                onSelect={(r) => setParams({ open: r.id }, { replace: true })}
                empty={<Empty>No rules match these filters.</Empty>}
              />
            </div>
            {openId && (
              <RuleDetail
                id={openId}
                mayWork={mayWork}
                onClose={() => setParams({ open: undefined }, { replace: true })}
                onChanged={(rule) => {
                  if (rule)
                    list.setData(
                      (d) =>
                        d && { ...d, rules: d.rules.map((r) => (r.id === rule.id ? rule : r)) },
                    );
                  else list.reload();
                }}
              />
            )}
          </div>
        </>
      )}
    </>
  );
}
