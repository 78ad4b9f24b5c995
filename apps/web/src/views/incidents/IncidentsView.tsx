// Incidents: the board by status (closed folded away), each card with its legal clocks counting
// down, filters kept in the address, and opening an incident by hand. /incidents/INC-… opens one.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type Classification,
  type IncidentDetail,
  type IncidentList,
  type IncidentSummary,
} from '../../api/incidents';
import { Badge, Dialog, Empty, ErrorBox, Loading, num } from '../../components/ui';
import {
  boardColumns,
  filterFromParams,
  filterToParams,
  filterToQueries,
  uniqueIncidents,
  type IncidentFilter,
} from '../../lib/incidents';
import { can } from '../../lib/roles';
import { Link, navigate, setParams, useLocation } from '../../lib/router';
import { formatAgo } from '../../lib/time';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';
import { useAlertUpdates } from '../../stream';
import { CritBadge } from '../assets/common';
import { Clocks } from './Clocks';
import { IncidentDetailView } from './IncidentDetail';
import './incidents.css';

const CLOCK_STATES = ['running', 'warning', 'overdue', 'met', 'met-late'];
const OPEN_STATUSES = INCIDENT_STATUSES.filter((s) => s !== 'closed');

export function IncidentsView() {
  const { path } = useLocation();
  const ref = decodeURIComponent(path.slice('/incidents/'.length));
  if (path.startsWith('/incidents/') && ref)
    return <IncidentDetailView key={ref} incidentRef={ref} />;
  return <IncidentBoard />;
}

export function useClassification() {
  return useResource('incident-classification', (signal) =>
    api.get<Classification>('/incidents/classification', undefined, signal),
  );
}

function useIncidents(filter: IncidentFilter, me: string, state: 'open' | 'closed' | null) {
  const key = state ? `incidents:${state}:${JSON.stringify(filter)}` : null;
  const list = useResource(key, async (signal) =>
    uniqueIncidents(
      await Promise.all(
        filterToQueries(filter, me).map(
          async (q) =>
            (
              await api.get<IncidentList>(
                '/incidents',
                { ...q, state: state ?? undefined, ...(state === 'closed' && { limit: 50 }) },
                signal,
              )
            ).incidents,
        ),
      ),
    ),
  );
  const { reload } = list;
  // Incidents change as alerts arrive (auto-attach, playbooks): refresh now and then.
  useEffect(() => {
    const timer = setInterval(reload, 20_000);
    return () => clearInterval(timer);
  }, [reload]);
  return list;
}

function IncidentBoard() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const { params } = useLocation();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const showClosed = params.get('closed') === '1';
  const open = useIncidents(filter, me.name, 'open');
  const closed = useIncidents(filter, me.name, showClosed ? 'closed' : null);
  const [creating, setCreating] = useState(false);
  const [text, setText] = useState(filter.q);
  useEffect(() => setText(filter.q), [filter.q]);
  const [fresh, setFresh] = useState(false);
  useAlertUpdates(() => setFresh(true));
  useEffect(() => {
    if (!fresh) return;
    const t = setTimeout(() => {
      setFresh(false);
      open.reload();
    }, 2000);
    return () => clearTimeout(t);
  }, [fresh, open]);

  const board = useMemo(
    () => boardColumns([...(open.data ?? []), ...(closed.data ?? [])]),
    [open.data, closed.data],
  );
  const update = (changes: Partial<IncidentFilter>) =>
    setParams(filterToParams({ ...filter, ...changes }), { replace: true });
  const toggle = (list: string[], item: string) =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

  return (
    <div className="page incidents-page">
      <div className="page-head">
        <h1 className="page-title">Incidents</h1>
        <span className="muted">{open.data ? `${num(open.data.length)} open` : 'loading…'}</span>
        {mayWork && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New incident
          </button>
        )}
      </div>

      <form
        className="filters"
        role="search"
        aria-label="Filter incidents"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: text });
        }}
      >
        <fieldset className="chips" aria-label="Severity">
          <legend>Severity</legend>
          {INCIDENT_SEVERITIES.map((s) => (
            <label
              key={s}
              className={`chip chip-level chip-${s} ${filter.severity.includes(s) ? 'on' : ''}`}
            >
              <input
                type="checkbox"
                checked={filter.severity.includes(s)}
                onChange={() => update({ severity: toggle(filter.severity, s) })}
              />
              {s}
            </label>
          ))}
        </fieldset>
        <label>
          Clock{' '}
          <select value={filter.clock} onChange={(e) => update({ clock: e.target.value })}>
            <option value="">any</option>
            {CLOCK_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="chip">
          <input
            type="checkbox"
            checked={filter.mine}
            onChange={() => update({ mine: !filter.mine })}
          />
          Mine (owner or assignee)
        </label>
        <label className="grow">
          <span className="sr-only">Number, title or description</span>
          <input
            type="search"
            placeholder="Number, title or description"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit" className="btn">
          Filter
        </button>
      </form>

      {open.error ? (
        <ErrorBox error={open.error} onRetry={open.reload} />
      ) : !open.data ? (
        <Loading what="Loading incidents" />
      ) : (
        <div className={`board ${showClosed ? 'board-with-closed' : ''}`}>
          {OPEN_STATUSES.map((status) => (
            <section key={status} className="board-column" aria-label={`${status} incidents`}>
              <h2>
                {status} <span className="muted">{board[status].length}</span>
              </h2>
              {board[status].length === 0 ? (
                <p className="muted small board-empty">None</p>
              ) : (
                board[status].map((i) => <IncidentCard key={i.id} incident={i} />)
              )}
            </section>
          ))}
          <section
            className={`board-column board-closed ${showClosed ? '' : 'folded'}`}
            aria-label="closed incidents"
          >
            <h2>
              <button
                type="button"
                className="btn-link"
                aria-expanded={showClosed}
                onClick={() =>
                  setParams({ closed: showClosed ? undefined : '1' }, { replace: true })
                }
              >
                {showClosed ? '▾' : '▸'} closed
              </button>
            </h2>
            {showClosed &&
              (closed.error ? (
                <ErrorBox error={closed.error} onRetry={closed.reload} />
              ) : !closed.data ? (
                <Loading />
              ) : board.closed.length === 0 ? (
                <p className="muted small board-empty">None</p>
              ) : (
                board.closed.map((i) => <IncidentCard key={i.id} incident={i} />)
              ))}
          </section>
        </div>
      )}
      {open.data && open.data.length === 0 && !filter.q && !filter.severity.length && (
        <Empty>
          No open incidents. Open one from an alert (Alerts → an alert → Create incident) or by
          hand.
        </Empty>
      )}
      {creating && <CreateIncident onClose={() => setCreating(false)} />}
    </div>
  );
}

function IncidentCard({ incident }: { incident: IncidentSummary }) {
  return (
    <Link
      to={`/incidents/${encodeURIComponent(incident.number)}`}
      className={`incident-card sev-${incident.severity}`}
      aria-label={`${incident.number} ${incident.title}`}
    >
      <span className="card-top">
        <span className="mono">{incident.number}</span>
        <span className={`badge level level-${incident.severity}`}>{incident.severity}</span>
        {incident.personalDataBreach && <Badge tone="warn">personal data</Badge>}
      </span>
      <strong className="card-title">{incident.title}</strong>
      <span className="muted small">
        {incident.ownerName ? `owner ${incident.ownerName}` : 'no owner'} · noticed{' '}
        {formatAgo(incident.noticedAt)}
        {incident.resolution ? ` · ${incident.resolution.replace('_', ' ')}` : ''}
      </span>
      <CardAssets assets={incident.assets} />
      <Clocks clocks={incident.clocks} />
    </Link>
  );
}

/** The most critical few of an incident's assets, and how many more. */
const CARD_ASSETS = 3;
function CardAssets({ assets }: { assets: IncidentSummary['assets'] }) {
  if (assets.length === 0) return null;
  const more = assets.length - CARD_ASSETS;
  return (
    <span className="card-assets" aria-label="Affected assets">
      {assets.slice(0, CARD_ASSETS).map((a) => (
        <span key={a.id} className="card-asset">
          {a.criticality !== null && <CritBadge value={a.criticality} />}
          <span className="mono">{a.name}</span>
        </span>
      ))}
      {more > 0 && <span className="muted small">+{more} more</span>}
    </span>
  );
}

function CreateIncident({ onClose }: { onClose: () => void }) {
  const classification = useClassification();
  const [form, setForm] = useState({
    title: '',
    severity: 'medium',
    description: '',
    certInType: '',
    personalDataBreach: false,
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<IncidentDetail>('/incidents', {
        title: form.title.trim(),
        severity: form.severity,
        ...(form.description.trim() && { description: form.description.trim() }),
        ...(form.certInType && { certInType: form.certInType }),
        personalDataBreach: form.personalDataBreach,
      });
      navigate(`/incidents/${encodeURIComponent(created.incident.number)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title="New incident" onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Title
          <input
            required
            autoFocus
            maxLength={200}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
            placeholder="e.g. Water SCADA HMI reached from the internet"
          />
        </label>
        <label>
          Severity
          <select
            value={form.severity}
            onChange={(e) => setForm({ ...form, severity: e.target.value })}
          >
            {INCIDENT_SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          CERT-In type <span className="muted small">(starts the 6-hour reporting clock)</span>
          <CertInTypeSelect
            value={form.certInType}
            types={classification.data?.certInTypes ?? []}
            onChange={(certInType) => setForm({ ...form, certInType })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.personalDataBreach}
            onChange={(e) => setForm({ ...form, personalDataBreach: e.target.checked })}
          />
          Personal data was breached (starts the DPDP clocks)
        </label>
        <label>
          Description
          <textarea
            rows={3}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </label>
        {error !== null && <ErrorBox error={error} />}
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Open incident
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function CertInTypeSelect({
  value,
  types,
  onChange,
  id,
}: {
  value: string;
  types: Classification['certInTypes'];
  onChange: (code: string) => void;
  id?: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">not a CERT-In reportable type</option>
      {types.map((t) => (
        <option key={t.code} value={t.code}>
          {t.number}. {t.title}
        </option>
      ))}
    </select>
  );
}
