// One incident: its header (status, severity, owner, classification), its legal clocks, and tabs
// for what it touches, the work on it, evidence, reports, the timeline and its audit entries.
// Buttons appear only for what the role may do: analysts and admins work everything, a system
// owner adds notes, evidence and finishes their tasks, an auditor reads.
import { useCallback, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import {
  INCIDENT_RESOLUTIONS,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type IncidentDetail,
  type LegalClock,
} from '../../api/incidents';
import { Badge, Dialog, ErrorBox, Loading, Notice, Tabs, Time } from '../../components/ui';
import { can } from '../../lib/roles';
import { Link, setParams, useLocation } from '../../lib/router';
import { toLocalInput } from '../../lib/time';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';
import { ClockChip } from './Clocks';
import { CertInTypeSelect, useClassification } from './IncidentsView';
import { EvidenceTab } from './EvidenceTab';
import { ReportsTab } from './ReportsTab';
import { AuditTab } from './AuditTab';
import { ScopeTab, TimelineTab, WorkTab } from './sections';

export interface Mutations {
  /** runs a change; an IncidentDetail answer replaces the page, anything else reloads it */
  run: (change: () => Promise<unknown>, done?: string) => Promise<boolean>;
  detail: IncidentDetail;
  staff: boolean;
  contribute: boolean;
}

type TabKey = 'scope' | 'work' | 'evidence' | 'reports' | 'timeline' | 'audit';

export function IncidentDetailView({ incidentRef }: { incidentRef: string }) {
  const me = useMe();
  const staff = can.work(me.role);
  const contribute = staff || me.role === 'owner';
  const { params } = useLocation();
  const requested = params.get('tab') as TabKey | null;
  // The audit trail is for admins and auditors, as the API has it.
  const tab = requested === 'audit' && !can.audit(me.role) ? 'scope' : (requested ?? 'scope');
  const resource = useResource(`incident:${incidentRef}`, (signal) =>
    api.get<IncidentDetail>(`/incidents/${encodeURIComponent(incidentRef)}`, undefined, signal),
  );
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const { setData, reload } = resource;

  const run = useCallback(
    async (change: () => Promise<unknown>, done?: string) => {
      try {
        const answer = await change();
        if (answer && typeof answer === 'object' && 'incident' in answer && 'clocks' in answer)
          setData(() => answer as IncidentDetail);
        else reload();
        setMessage(done ? { tone: 'ok', text: done } : null);
        return true;
      } catch (err) {
        setMessage({ tone: 'bad', text: errorMessage(err) });
        return false;
      }
    },
    [setData, reload],
  );

  if (resource.error && !resource.data)
    return (
      <div className="page">
        <p>
          <Link to="/incidents">← Incidents</Link>
        </p>
        <ErrorBox error={resource.error} onRetry={reload} />
      </div>
    );
  if (!resource.data) return <Loading what="Loading the incident" />;
  const detail = resource.data;
  const m: Mutations = { run, detail, staff, contribute };
  const tabs: { key: TabKey; label: string }[] = [
    {
      key: 'scope',
      label: `Scope (${detail.alerts.length} alerts, ${detail.assets.length} assets)`,
    },
    {
      key: 'work',
      label: `Work (${detail.tasks.filter((t) => t.status === 'open').length} open tasks)`,
    },
    { key: 'evidence', label: `Evidence (${detail.evidence.length})` },
    { key: 'reports', label: 'Reports' },
    { key: 'timeline', label: 'Timeline' },
    ...(can.audit(me.role) ? [{ key: 'audit' as const, label: 'Audit' }] : []),
  ];

  return (
    <div className="page incident-page">
      <p className="crumbs">
        <Link to="/incidents">← Incidents</Link>
      </p>
      <Header m={m} />
      {message && (
        <div className="toast-line">
          <Notice tone={message.tone}>{message.text}</Notice>
        </div>
      )}
      <ClocksPanel m={m} />
      <Tabs
        label="Incident sections"
        tabs={tabs}
        active={tab}
        onChange={(key) => setParams({ tab: key === 'scope' ? undefined : key }, { replace: true })}
      />
      <div className="incident-tab">
        {tab === 'scope' && <ScopeTab m={m} />}
        {tab === 'work' && <WorkTab m={m} />}
        {tab === 'evidence' && <EvidenceTab m={m} />}
        {tab === 'reports' && <ReportsTab m={m} />}
        {tab === 'timeline' && <TimelineTab m={m} />}
        {tab === 'audit' && <AuditTab m={m} />}
      </div>
    </div>
  );
}

function Header({ m }: { m: Mutations }) {
  const { incident, assignees } = m.detail;
  const id = encodeURIComponent(incident.id);
  const classification = useClassification();
  const [closing, setClosing] = useState(false);
  const [editing, setEditing] = useState(false);
  const typeTitle =
    classification.data?.certInTypes.find((t) => t.code === incident.certInType)?.title ??
    incident.certInType;
  const patch = (body: Record<string, unknown>, done: string) =>
    m.run(() => api.patch(`/incidents/${id}`, body), done);

  return (
    <header className="incident-head">
      <div className="incident-title">
        <span className="mono">{incident.number}</span>
        <span className={`badge level level-${incident.severity}`}>{incident.severity}</span>
        <Badge tone={incident.status === 'closed' ? 'ok' : 'warn'}>
          {incident.status}
          {incident.resolution ? `: ${incident.resolution.replace('_', ' ')}` : ''}
        </Badge>
        <h1>{incident.title}</h1>
      </div>
      {incident.mergedIntoId && (
        <Notice>
          Merged into <Link to={`/incidents/${incident.mergedIntoId}`}>another incident</Link>.
        </Notice>
      )}
      {incident.description && <p className="description">{incident.description}</p>}
      <dl className="facts incident-facts">
        <div>
          <dt>Status</dt>
          <dd>
            {m.staff ? (
              <select
                aria-label="Status"
                value={incident.status}
                onChange={(e) => {
                  const status = e.target.value;
                  if (status === 'closed') setClosing(true);
                  else
                    void m.run(
                      () => api.post(`/incidents/${id}/status`, { status }),
                      `Now ${status}.`,
                    );
                }}
              >
                {INCIDENT_STATUSES.map((s) => (
                  <option key={s} value={s} disabled={s === 'new' && incident.status !== 'new'}>
                    {s}
                  </option>
                ))}
              </select>
            ) : (
              incident.status
            )}
          </dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>
            {m.staff ? (
              <select
                aria-label="Severity"
                value={incident.severity}
                onChange={(e) => void patch({ severity: e.target.value }, 'Severity changed.')}
              >
                {INCIDENT_SEVERITIES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            ) : (
              incident.severity
            )}
          </dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{incident.ownerName ?? <span className="muted">nobody</span>}</dd>
        </div>
        <div>
          <dt>Assignees</dt>
          <dd>
            {assignees.length ? (
              assignees.map((a) => a.displayName || a.username).join(', ')
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
        </div>
        <div className="wide">
          <dt>CERT-In type</dt>
          <dd>{typeTitle ?? <span className="muted">not classified</span>}</dd>
        </div>
        <div>
          <dt>Personal data</dt>
          <dd>{incident.personalDataBreach ? 'breached (DPDP)' : 'not breached'}</dd>
        </div>
        <div>
          <dt>Noticed</dt>
          <dd>
            <Time iso={incident.noticedAt} />
          </dd>
        </div>
      </dl>
      {m.staff && (
        <div className="actions">
          <button type="button" className="btn" onClick={() => setEditing(true)}>
            Classify and assign…
          </button>
          {m.detail.assets.length > 0 && (
            <button
              type="button"
              className="btn"
              onClick={() =>
                void m.run(
                  () => api.post(`/incidents/${id}/assign-asset-owners`),
                  'The owners of the affected assets are assigned.',
                )
              }
            >
              Assign the asset owners
            </button>
          )}
        </div>
      )}
      {closing && (
        <CloseIncident
          onCancel={() => setClosing(false)}
          onClose={async (resolution, note) => {
            const ok = await m.run(
              () =>
                api.post(`/incidents/${id}/status`, {
                  status: 'closed',
                  resolution,
                  ...(note && { note }),
                }),
              'Closed.',
            );
            if (ok) setClosing(false);
          }}
        />
      )}
      {editing && (
        <Dialog title="Classify and assign" onClose={() => setEditing(false)}>
          <ClassifyForm
            m={m}
            types={classification.data?.certInTypes ?? []}
            onDone={() => setEditing(false)}
          />
        </Dialog>
      )}
    </header>
  );
}

function CloseIncident({
  onCancel,
  onClose,
}: {
  onCancel: () => void;
  onClose: (resolution: string, note: string) => Promise<void>;
}) {
  const [resolution, setResolution] = useState<string>('resolved');
  const [note, setNote] = useState('');
  return (
    <Dialog title="Close the incident" onClose={onCancel}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void onClose(resolution, note.trim());
        }}
      >
        <label>
          Resolution
          <select value={resolution} onChange={(e) => setResolution(e.target.value)}>
            {INCIDENT_RESOLUTIONS.map((r) => (
              <option key={r} value={r}>
                {r.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note <span className="muted small">(kept in the audit trail)</span>
          <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Close incident
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ClassifyForm({
  m,
  types,
  onDone,
}: {
  m: Mutations;
  types: { code: string; number: string; title: string }[];
  onDone: () => void;
}) {
  const { incident, assignees } = m.detail;
  const [form, setForm] = useState({
    title: incident.title,
    certInType: incident.certInType ?? '',
    personalDataBreach: incident.personalDataBreach,
    noticedAt: toLocalInput(incident.noticedAt),
    owner: incident.ownerName ?? '',
    assignees: assignees.map((a) => a.username).join(', '),
  });
  const submit = async () => {
    const initial = {
      title: incident.title,
      certInType: incident.certInType ?? '',
      personalDataBreach: incident.personalDataBreach,
      noticedAt: toLocalInput(incident.noticedAt),
      owner: incident.ownerName ?? '',
      assignees: assignees.map((a) => a.username).join(', '),
    };
    // Only what changed is sent: a noticed time re-sent from the minute-precise input would
    // move the legal clocks.
    const changed = <K extends keyof typeof form>(key: K) => form[key] !== initial[key];
    const noticed = new Date(form.noticedAt);
    const ok = await m.run(
      () =>
        api.patch(`/incidents/${encodeURIComponent(incident.id)}`, {
          ...(changed('title') && { title: form.title.trim() }),
          ...(changed('certInType') && { certInType: form.certInType || null }),
          ...(changed('personalDataBreach') && { personalDataBreach: form.personalDataBreach }),
          ...(changed('noticedAt') &&
            !Number.isNaN(noticed.getTime()) && { noticedAt: noticed.toISOString() }),
          ...(changed('owner') && { owner: form.owner.trim() || null }),
          ...(changed('assignees') && {
            assignees: form.assignees
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }),
        }),
      'Saved.',
    );
    if (ok) onDone();
  };
  return (
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
          maxLength={200}
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
        />
      </label>
      <label htmlFor="cert-in-type">
        CERT-In type <span className="muted small">(Annexure I: starts the 6-hour clock)</span>
      </label>
      <CertInTypeSelect
        id="cert-in-type"
        value={form.certInType}
        types={types}
        onChange={(certInType) => setForm({ ...form, certInType })}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={form.personalDataBreach}
          onChange={(e) => setForm({ ...form, personalDataBreach: e.target.checked })}
        />
        Personal data was breached (starts the DPDP clocks)
      </label>
      <label>
        Noticed at <span className="muted small">(the legal clocks start here)</span>
        <input
          type="datetime-local"
          value={form.noticedAt}
          onChange={(e) => setForm({ ...form, noticedAt: e.target.value })}
        />
      </label>
      <label>
        Owner <span className="muted small">(username)</span>
        <input value={form.owner} onChange={(e) => setForm({ ...form, owner: e.target.value })} />
      </label>
      <label>
        Assignees <span className="muted small">(usernames, separated by commas)</span>
        <input
          value={form.assignees}
          onChange={(e) => setForm({ ...form, assignees: e.target.value })}
        />
      </label>
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary">
          Save
        </button>
      </div>
    </form>
  );
}

function ClocksPanel({ m }: { m: Mutations }) {
  const { clocks, incident } = m.detail;
  const [reporting, setReporting] = useState<LegalClock | null>(null);
  if (!clocks.length)
    return (
      <p className="muted small">
        No legal clock runs: classify the incident with a CERT-In type or mark a personal-data
        breach to start one.
      </p>
    );
  return (
    <section className="clock-panel" aria-label="Legal clocks">
      {clocks.map((c) => (
        <div key={c.duty} className="clock-row">
          <ClockChip clock={c} wide />
          <span className="muted small">
            {c.authority}
            {c.reportedAt && (
              <>
                {' '}
                · sent <Time iso={c.reportedAt} /> by {c.reportedBy}
                {c.reference ? ` (ref. ${c.reference})` : ''}
              </>
            )}
          </span>
          {m.staff && !c.reportedAt && (
            <button type="button" className="btn btn-small" onClick={() => setReporting(c)}>
              Record report sent
            </button>
          )}
        </div>
      ))}
      {reporting && (
        <ReportSent
          clock={reporting}
          onCancel={() => setReporting(null)}
          onSave={async (reportedAt, reference) => {
            const ok = await m.run(
              () =>
                api.post(
                  `/incidents/${encodeURIComponent(incident.id)}/duties/${reporting.duty}/report`,
                  { reportedAt, ...(reference && { reference }) },
                ),
              `${reporting.title}: recorded as sent.`,
            );
            if (ok) setReporting(null);
          }}
        />
      )}
    </section>
  );
}

function ReportSent({
  clock,
  onCancel,
  onSave,
}: {
  clock: LegalClock;
  onCancel: () => void;
  onSave: (reportedAt: string, reference: string) => Promise<void>;
}) {
  const [at, setAt] = useState(toLocalInput(new Date().toISOString()));
  const [reference, setReference] = useState('');
  return (
    <Dialog title={`Record: ${clock.title}`} onClose={onCancel}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void onSave(new Date(at).toISOString(), reference.trim());
        }}
      >
        <label>
          Sent at
          <input
            type="datetime-local"
            required
            value={at}
            onChange={(e) => setAt(e.target.value)}
          />
        </label>
        <label>
          Reference{' '}
          <span className="muted small">(the authority&apos;s acknowledgement number)</span>
          <input value={reference} maxLength={200} onChange={(e) => setReference(e.target.value)} />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Record
          </button>
        </div>
      </form>
    </Dialog>
  );
}
