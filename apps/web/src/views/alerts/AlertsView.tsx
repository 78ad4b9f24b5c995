// Alerts: the live list, filters, grouping by rule, the alert opened beside the list, choosing
// many alerts to acknowledge, close or put in an incident at once, and the keyboard shortcuts
// analysts work with (press ? on the page).
import type { ColumnDef, Row } from '@tanstack/react-table';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { api, errorMessage } from '../../api/client';
import { LEVELS, type Alert, type AlertStatus, type Resolution } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Empty, ErrorBox, LevelBadge, Loading, Notice, num } from '../../components/ui';
import { levelRank } from '../../lib/alerts';
import { shownState, toggleRow, toggleShown } from '../../lib/selection';
import { can } from '../../lib/roles';
import { setParams, useLocation } from '../../lib/router';
import { formatAgo, formatTime } from '../../lib/time';
import { useMe } from '../../session';
import { useAlertStream } from '../../stream';
import { AlertDetail } from './AlertDetail';
import { StatusBadge, statusText } from './status';
import { CloseDialog, ShortcutHelp } from './dialogs';
import { IncidentDialog } from './IncidentDialog';
import { CritBadge } from '../assets/common';
import { filterFromParams, filterToParams } from './filter';
import { useAlertList } from './useAlertList';
import './alerts.css';

/** How the list may be grouped (`?group=`), and the column each groups by. */
const GROUPINGS = { rule: ['rule'], asset: ['asset'] } as const;
type Grouping = keyof typeof GROUPINGS;
const groupingOf = (value: string | null): Grouping | null =>
  value === 'rule' || value === 'asset' ? value : null;
/** `g` goes from no grouping to by rule, by asset, and back. */
const NEXT_GROUPING: Record<Grouping | 'none', Grouping | undefined> = {
  none: 'rule',
  rule: 'asset',
  asset: undefined,
};
/** columns left out while an alert is open beside the list */
const NARROW_HIDDEN = ['source', 'host', 'user'];

/** The alerts chosen for acting on many at once, for the check boxes in the table. */
interface Choice {
  has: (id: string) => boolean;
  toggle: (id: string, range: boolean) => void;
  shown: 'all' | 'some' | 'none';
  /** whether any alert row is shown (not with every rule group folded) */
  anyShown: boolean;
  toggleShown: () => void;
}
const ChoiceContext = createContext<Choice | null>(null);

function ChooseBox({ alert }: { alert: Alert }) {
  const choice = useContext(ChoiceContext)!;
  return (
    <input
      type="checkbox"
      className="choose"
      aria-label={`Choose ${alert.ruleTitle}${alert.hostName ? ` on ${alert.hostName}` : ''}`}
      checked={choice.has(alert.id)}
      // the row's own click opens the alert; the box only chooses it
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => choice.toggle(alert.id, (e.nativeEvent as MouseEvent).shiftKey === true)}
    />
  );
}

function ChooseShownBox() {
  const choice = useContext(ChoiceContext)!;
  return (
    <input
      type="checkbox"
      className="choose"
      aria-label="Choose every alert shown"
      disabled={!choice.anyShown}
      checked={choice.anyShown && choice.shown === 'all'}
      ref={(box) => {
        if (box) box.indeterminate = choice.shown === 'some';
      }}
      onChange={choice.toggleShown}
    />
  );
}

const columns: ColumnDef<Alert>[] = [
  {
    id: 'level',
    header: 'Level',
    accessorFn: (a) => levelRank(a.level),
    meta: { width: '8rem' },
    cell: ({ row }) => <LevelBadge level={row.original.level} />,
  },
  {
    id: 'rule',
    header: 'Alert',
    accessorFn: (a) => a.ruleTitle,
    meta: { width: 'minmax(14rem, 3fr)' },
    cell: ({ row }) => (
      <span className="cell-title" title={row.original.ruleTitle}>
        {row.original.ruleTitle}
      </span>
    ),
  },
  {
    id: 'asset',
    header: 'Asset',
    accessorFn: (a) => a.asset?.name ?? '',
    meta: { width: 'minmax(8rem, 1fr)' },
    cell: ({ row }) =>
      row.original.asset ? (
        <span className="cell-title" title={row.original.asset.name}>
          {row.original.asset.name} <CritBadge value={row.original.asset.criticality} />
        </span>
      ) : null,
  },
  {
    id: 'status',
    header: 'Status',
    accessorFn: (a) => statusText(a),
    meta: { width: '12rem' },
    cell: ({ row }) => <StatusBadge alert={row.original} />,
  },
  {
    accessorKey: 'count',
    header: 'Hits',
    meta: { width: '5rem', align: 'right' },
    cell: ({ getValue }) => num(getValue<number>()),
  },
  {
    id: 'source',
    header: 'Source',
    accessorFn: (a) => a.sourceName ?? a.sourceIp ?? '',
    meta: { width: 'minmax(8rem, 1fr)' },
  },
  {
    id: 'host',
    header: 'Host',
    accessorFn: (a) => a.hostName ?? '',
    meta: { width: 'minmax(8rem, 1fr)' },
  },
  {
    id: 'user',
    header: 'User',
    accessorFn: (a) => a.userName ?? '',
    meta: { width: 'minmax(6rem, 0.8fr)' },
  },
  {
    id: 'lastSeen',
    header: 'Last hit',
    accessorFn: (a) => a.lastSeen,
    meta: { width: '11rem' },
    cell: ({ row }) => (
      <span title={formatTime(row.original.lastSeen)}>{formatAgo(row.original.lastSeen)}</span>
    ),
  },
];

/** For analysts and admins: a box per row to choose it, and one in the header for all shown. */
const WORK_COLUMNS: ColumnDef<Alert>[] = [
  {
    id: 'choose',
    header: () => <ChooseShownBox />,
    enableSorting: false,
    meta: { width: '2.5rem' },
    cell: ({ row }) => <ChooseBox alert={row.original} />,
  },
  ...columns,
];

function typingInField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  // a box just ticked (a filter, an alert chosen) keeps the focus but takes no typing
  if (el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type))
    return el.closest('dialog') !== null;
  return (
    el.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ||
    el.closest('dialog') !== null
  );
}

export function AlertsView() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const { params } = useLocation();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const grouping = groupingOf(params.get('group'));
  const openId = params.get('open');
  const list = useAlertList(filter);
  const { status: streamStatus } = useAlertStream();

  const [selectedId, setSelectedId] = useState<string | null>(openId);
  const [scrollTo, setScrollTo] = useState<number | null>(null);
  const [closing, setClosing] = useState<{ alerts: Alert[]; resolution: Resolution } | null>(null);
  const [help, setHelp] = useState(false);
  const [toIncident, setToIncident] = useState<Alert[] | null>(null);
  const [chosenIds, setChosenIds] = useState<ReadonlySet<string>>(new Set());
  /** the row chosen last: a shift-click sets the range from it */
  const anchor = useRef<string | null>(null);
  /** the alert rows as shown (sorted, in expanded groups), for ranges and "all shown" */
  const [shownIds, setShownIds] = useState<string[]>([]);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const rows = useRef<Row<Alert>[]>([]);
  const textInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(filter.text);
  useEffect(() => setText(filter.text), [filter.text]);

  const byId = useMemo(() => new Map(list.alerts.map((a) => [a.id, a])), [list.alerts]);
  // Chosen alerts the list no longer holds (another filter) are not acted on.
  const chosen = useMemo(
    () => list.alerts.filter((a) => chosenIds.has(a.id)),
    [list.alerts, chosenIds],
  );
  const selected = selectedId ? byId.get(selectedId) : undefined;
  const opened = openId ? byId.get(openId) : undefined;

  const updateFilter = (changes: Partial<typeof filter>) => {
    setChosenIds(new Set());
    setParams({ ...filterToParams({ ...filter, ...changes }), open: undefined });
  };
  const choice = useMemo<Choice>(
    () => ({
      has: (id) => chosenIds.has(id),
      toggle: (id, range) => {
        const from = anchor.current;
        anchor.current = id;
        setChosenIds((c) => toggleRow(c, shownIds, id, from, range));
      },
      shown: shownState(chosenIds, shownIds),
      anyShown: shownIds.length > 0,
      toggleShown: () => setChosenIds((c) => toggleShown(c, shownIds)),
    }),
    [chosenIds, shownIds],
  );
  const open = useCallback(
    (id: string | undefined) => setParams({ open: id }, { replace: true }),
    [],
  );

  const act = useCallback(
    async (alert: Alert, status: AlertStatus, resolution?: Resolution, note?: string) => {
      try {
        const updated = await api.post<Alert>(`/alerts/${encodeURIComponent(alert.id)}/status`, {
          status,
          ...(resolution && { resolution }),
          ...(note && { note }),
        });
        // Keep the cursor on a neighbour if the alert leaves the filtered list.
        const index = rows.current.findIndex((r) => r.id === alert.id);
        list.apply(updated);
        setMessage({ tone: 'ok', text: `“${alert.ruleTitle}”: ${statusText(updated)}.` });
        if (!filter.status.includes(updated.status) && filter.status.length) {
          const next = rows.current[index + 1] ?? rows.current[index - 1];
          setSelectedId(next && !next.getIsGrouped() ? next.id : null);
          if (openId === alert.id) open(next && !next.getIsGrouped() ? next.id : undefined);
        }
      } catch (err) {
        setMessage({ tone: 'bad', text: errorMessage(err) });
      }
    },
    [list, filter.status, openId, open],
  );

  /** One change to several alerts: one request, each alert audited as alone. */
  const actOnChosen = useCallback(
    async (alerts: Alert[], status: AlertStatus, resolution?: Resolution, note?: string) => {
      if (alerts.length === 1) return act(alerts[0]!, status, resolution, note);
      try {
        const { updated, missing } = await api.post<{ updated: Alert[]; missing: string[] }>(
          '/alerts/status',
          {
            ids: alerts.map((a) => a.id),
            status,
            ...(resolution && { resolution }),
            ...(note && { note }),
          },
        );
        for (const a of updated) list.apply(a);
        setChosenIds(new Set());
        const done = updated[0] ? statusText(updated[0]) : status;
        setMessage({
          tone: missing.length ? 'bad' : 'ok',
          text: `${num(updated.length)} alerts: ${done}.${missing.length ? ` ${num(missing.length)} no longer exist.` : ''}`,
        });
      } catch (err) {
        setMessage({ tone: 'bad', text: errorMessage(err) });
      }
    },
    [act, list],
  );

  // Keyboard shortcuts, while no field has the focus.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (typingInField(event.target)) return;
      const current = rows.current;
      const index = current.findIndex((r) => r.id === selectedId);
      const move = (delta: number) => {
        if (!current.length) return;
        const next = Math.min(current.length - 1, Math.max(0, index < 0 ? 0 : index + delta));
        const row = current[next]!;
        setSelectedId(row.id);
        setScrollTo(next);
        if (openId && !row.getIsGrouped()) open(row.id);
      };
      const row = index >= 0 ? current[index] : undefined;
      const alert = row && !row.getIsGrouped() ? row.original : undefined;
      // with alerts chosen, a t f i act on them; otherwise on the alert under the cursor
      const many = chosen.length > 0;
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          move(-1);
          break;
        case 'Enter':
          if (row?.getIsGrouped()) row.toggleExpanded();
          else if (alert) open(alert.id);
          break;
        case 'Escape':
          if (help) setHelp(false);
          else if (openId) open(undefined);
          else if (many) setChosenIds(new Set());
          break;
        case 'x':
          if (mayWork && alert) choice.toggle(alert.id, false);
          break;
        case '/':
          textInput.current?.focus();
          break;
        case '?':
          setHelp((h) => !h);
          break;
        case 'g':
          setParams({ group: NEXT_GROUPING[grouping ?? 'none'] }, { replace: true });
          break;
        case 'a':
          if (mayWork && many) void actOnChosen(chosen, 'acknowledged');
          else if (mayWork && alert && alert.status === 'new') void act(alert, 'acknowledged');
          break;
        case 't':
        case 'f': {
          const resolution = event.key === 't' ? 'true_positive' : 'false_positive';
          if (mayWork && many) setClosing({ alerts: chosen, resolution });
          else if (mayWork && alert && alert.status !== 'closed')
            setClosing({ alerts: [alert], resolution });
          break;
        }
        case 'i':
          if (mayWork && many) setToIncident(chosen);
          else if (mayWork && alert) setToIncident([alert]);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectedId, openId, help, grouping, mayWork, act, actOnChosen, chosen, choice, open]);

  const onRowsChange = useCallback((r: Row<Alert>[]) => {
    rows.current = r;
    const ids = r.filter((row) => !row.getIsGrouped()).map((row) => row.id);
    setShownIds((before) => (before.join('\n') === ids.join('\n') ? before : ids));
  }, []);

  const renderGroup = (row: Row<Alert>) => {
    const alerts = row.subRows.map((r) => r.original);
    const top = alerts.reduce((a, b) => (levelRank(b.level) > levelRank(a.level) ? b : a));
    const hits = alerts.reduce((n, a) => n + a.count, 0);
    const latest = alerts.reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
    return (
      <span className="group-row">
        <span aria-hidden="true">{row.getIsExpanded() ? '▾' : '▸'}</span>
        <LevelBadge level={top.level} />
        <strong>
          {grouping === 'asset' ? (top.asset?.name ?? 'No registered asset') : top.ruleTitle}
        </strong>
        <span className="muted">
          {alerts.length} alert{alerts.length === 1 ? '' : 's'} · {num(hits)} hits · last{' '}
          {formatAgo(latest.lastSeen)}
        </span>
      </span>
    );
  };

  const toggleIn = <T,>(items: T[], item: T) =>
    items.includes(item) ? items.filter((x) => x !== item) : [...items, item];

  return (
    <div className={`page alerts-page ${opened ? 'with-detail' : ''}`}>
      <div className="page-head">
        <h1 className="page-title">Alerts</h1>
        <span className="muted">
          {list.loading ? 'loading…' : `${num(list.alerts.length)} shown`}
          {streamStatus === 'live' ? ' · new alerts appear as they fire' : ''}
        </span>
        <button type="button" className="btn btn-ghost" onClick={() => setHelp(true)}>
          Shortcuts <kbd>?</kbd>
        </button>
      </div>

      <form
        className="filters"
        role="search"
        aria-label="Filter alerts"
        onSubmit={(e) => {
          e.preventDefault();
          updateFilter({ text });
          textInput.current?.blur();
        }}
      >
        <fieldset className="chips" aria-label="Status">
          <legend>Status</legend>
          {(['new', 'acknowledged', 'closed'] as const).map((s) => (
            <label key={s} className={`chip ${filter.status.includes(s) ? 'on' : ''}`}>
              <input
                type="checkbox"
                checked={filter.status.includes(s)}
                onChange={() => updateFilter({ status: toggleIn(filter.status, s) })}
              />
              {s}
            </label>
          ))}
        </fieldset>
        <fieldset className="chips" aria-label="Level">
          <legend>Level</legend>
          {LEVELS.map((l) => (
            <label
              key={l}
              className={`chip chip-level chip-${l} ${filter.level.includes(l) ? 'on' : ''}`}
            >
              <input
                type="checkbox"
                checked={filter.level.includes(l)}
                onChange={() => updateFilter({ level: toggleIn(filter.level, l) })}
              />
              {l}
            </label>
          ))}
        </fieldset>
        <label className="grow">
          <span className="sr-only">Words in the rule title</span>
          <input
            ref={textInput}
            type="search"
            placeholder="Filter by rule title  ( / )"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                setText(filter.text);
                e.currentTarget.blur();
              }
            }}
          />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
        {(['rule', 'asset'] as const).map((g) => (
          <label key={g} className="chip">
            <input
              type="checkbox"
              checked={grouping === g}
              onChange={() =>
                setParams({ group: grouping === g ? undefined : g }, { replace: true })
              }
            />
            Group by {g}
          </label>
        ))}
        {filter.rule && (
          <span className="chip on">
            Rule: {list.alerts[0]?.ruleTitle ?? filter.rule}
            <button
              type="button"
              className="btn-link"
              aria-label="Show all rules"
              onClick={() => updateFilter({ rule: '' })}
            >
              ×
            </button>
          </span>
        )}
      </form>

      {message && (
        <div className="toast-line">
          <Notice tone={message.tone}>{message.text}</Notice>
        </div>
      )}

      {mayWork && chosen.length > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label="Chosen alerts">
          <strong>{num(chosen.length)} chosen</strong>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void actOnChosen(chosen, 'acknowledged')}
          >
            Acknowledge <kbd>a</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setClosing({ alerts: chosen, resolution: 'true_positive' })}
          >
            Close as true positive <kbd>t</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setClosing({ alerts: chosen, resolution: 'false_positive' })}
          >
            Close as false positive <kbd>f</kbd>
          </button>
          <button type="button" className="btn btn-small" onClick={() => setToIncident(chosen)}>
            Incident… <kbd>i</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => setChosenIds(new Set())}
          >
            Clear <kbd>Esc</kbd>
          </button>
        </div>
      )}

      <div className="split">
        <section className="split-main" aria-label="Alert list">
          {list.error ? (
            <ErrorBox error={list.error} onRetry={list.reload} />
          ) : list.loading && list.alerts.length === 0 ? (
            <Loading what="Loading alerts" />
          ) : (
            <>
              <ChoiceContext value={choice}>
                <DataTable
                  label="Alerts"
                  className="alerts-table"
                  data={list.alerts}
                  columns={mayWork ? WORK_COLUMNS : columns}
                  getRowId={(a) => a.id}
                  selectedId={selectedId}
                  onSelect={(a) => {
                    setSelectedId(a.id);
                    open(a.id);
                  }}
                  grouping={grouping ? [...GROUPINGS[grouping]] : undefined}
                  hidden={opened ? NARROW_HIDDEN : undefined}
                  renderGroup={renderGroup}
                  scrollToIndex={scrollTo}
                  onRowsChange={onRowsChange}
                  empty={
                    <Empty>
                      No alerts match.{' '}
                      {filter.status.length && !filter.status.includes('closed')
                        ? 'Closed alerts are hidden; tick “closed” to see them.'
                        : ''}
                    </Empty>
                  }
                />
              </ChoiceContext>
              {list.hasMore && (
                <button type="button" className="btn" onClick={() => void list.loadOlder()}>
                  Load older alerts
                </button>
              )}
            </>
          )}
          {!selected && !opened && list.alerts.length > 0 && (
            <p className="muted small hint">
              Click an alert or press <kbd>j</kbd> and <kbd>Enter</kbd> to open it.
            </p>
          )}
        </section>
        {opened && (
          <AlertDetail
            alert={opened}
            mayWork={mayWork}
            onClose={() => open(undefined)}
            onAct={(status, resolution) => {
              if (status === 'closed' && resolution) setClosing({ alerts: [opened], resolution });
              else void act(opened, status);
            }}
            onRule={(ruleId) => updateFilter({ rule: ruleId })}
            onIncident={() => setToIncident([opened])}
          />
        )}
        {openId && !opened && !list.loading && (
          <AlertDetailById id={openId} onClose={() => open(undefined)} />
        )}
      </div>

      {closing && (
        <CloseDialog
          subject={
            closing.alerts.length === 1
              ? closing.alerts[0]!.ruleTitle
              : `${num(closing.alerts.length)} alerts`
          }
          resolution={closing.resolution}
          onCancel={() => setClosing(null)}
          onConfirm={async (note) => {
            const { alerts, resolution } = closing;
            setClosing(null);
            await actOnChosen(alerts, 'closed', resolution, note);
          }}
        />
      )}
      {toIncident && (
        <IncidentDialog
          alerts={toIncident}
          siblings={list.alerts.filter(
            (a) =>
              a.ruleId === toIncident[0]!.ruleId &&
              a.id !== toIncident[0]!.id &&
              a.status !== 'closed',
          )}
          onClose={() => setToIncident(null)}
        />
      )}
      {help && <ShortcutHelp mayWork={mayWork} onClose={() => setHelp(false)} />}
    </div>
  );
}

/** An alert opened by address that the current filter hides: shown read-only with a note. */
function AlertDetailById({ id, onClose }: { id: string; onClose: () => void }) {
  return (
    <aside className="split-side detail" aria-label="Alert">
      <header className="detail-head">
        <h2>Alert</h2>
        <button type="button" className="btn btn-ghost" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <Notice>
        Alert <code>{id}</code> is not in this list (the filter hides it, or it does not exist).{' '}
        <button
          type="button"
          className="btn-link"
          onClick={() =>
            setParams({ status: 'all', level: undefined, rule: undefined, q: undefined })
          }
        >
          Show all alerts
        </button>
      </Notice>
    </aside>
  );
}
