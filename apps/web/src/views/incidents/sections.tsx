// The incident's tabs: scope (alerts, assets, services, the cascade, proposals, similar
// incidents, merge and split), work (tasks, observables, notes) and the timeline.
import { useState } from 'react';
import { api } from '../../api/client';
import type { IncidentDetail, TimelineKind } from '../../api/incidents';
import { Badge, Empty, LevelBadge, Panel, Time, num } from '../../components/ui';
import { Link, navigate } from '../../lib/router';
import type { Mutations } from './IncidentDetail';

const path = (m: Mutations, rest = '') =>
  `/incidents/${encodeURIComponent(m.detail.incident.id)}${rest}`;

function minutes(n: number): string {
  if (n === 0) return 'at once';
  if (n < 60) return `after ${n} min`;
  const h = Math.floor(n / 60);
  return `after ${h} h${n % 60 ? ` ${n % 60} min` : ''}`;
}

export function ScopeTab({ m }: { m: Mutations }) {
  const { alerts, assets, services, cascade, proposals, similar, mergedFrom } = m.detail;
  const [splitting, setSplitting] = useState<string[]>([]);
  const [mergeFrom, setMergeFrom] = useState('');
  return (
    <div className="two-col">
      <Panel title={`Alerts (${alerts.length})`}>
        {alerts.length === 0 ? (
          <Empty>No alerts: this incident was opened by hand.</Empty>
        ) : (
          <table className="simple">
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id}>
                  {m.staff && alerts.length > 1 && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Choose ${a.ruleTitle} to split out`}
                        checked={splitting.includes(a.id)}
                        onChange={() =>
                          setSplitting((s) =>
                            s.includes(a.id) ? s.filter((x) => x !== a.id) : [...s, a.id],
                          )
                        }
                      />
                    </td>
                  )}
                  <td>
                    <LevelBadge level={a.level} />
                  </td>
                  <td>
                    <Link to={`/alerts?status=all&open=${encodeURIComponent(a.id)}`}>
                      {a.ruleTitle}
                    </Link>
                    <div className="muted small">
                      {num(a.count)} hits · {a.sourceIp ?? a.hostName ?? ''} · last{' '}
                      <Time iso={a.lastSeen} ago />
                      {a.asset ? ` · ${a.asset.name}` : ''}
                    </div>
                  </td>
                  {m.staff && (
                    <td className="right">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          void m.run(
                            () => api.del(path(m, `/alerts/${encodeURIComponent(a.id)}`)),
                            'Alert detached.',
                          )
                        }
                      >
                        Detach
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {splitting.length > 0 && (
          <button
            type="button"
            className="btn"
            onClick={() => {
              void (async () => {
                let created: string | undefined;
                const ok = await m.run(async () => {
                  const answer = await api.post<IncidentDetail>(path(m, '/split'), {
                    alertIds: splitting,
                  });
                  created = answer.incident.number;
                });
                if (ok && created) navigate(`/incidents/${encodeURIComponent(created)}`);
              })();
            }}
          >
            Split {splitting.length} alert{splitting.length === 1 ? '' : 's'} into a new incident
          </button>
        )}
      </Panel>

      <Panel title="Affected assets and services">
        {assets.length === 0 && services.length === 0 ? (
          <Empty>None recorded.</Empty>
        ) : (
          <ul className="plain-list">
            {assets.map((a) => (
              <li key={a.assetId}>
                <Link to={`/assets/${encodeURIComponent(a.assetId)}`}>{a.name ?? a.assetId}</Link>{' '}
                <span className="muted small">asset · {a.source}</span>
              </li>
            ))}
            {services.map((s) => (
              <li key={s.serviceId}>
                {s.name ?? s.serviceId} <span className="muted small">service · {s.source}</span>
              </li>
            ))}
          </ul>
        )}
        <h3>What else is at risk</h3>
        {!cascade || cascade.atRisk.length === 0 ? (
          <p className="muted small">Nothing depends on the affected assets in the register.</p>
        ) : (
          <>
            <p className="small">
              {cascade.assetsAtRisk} asset{cascade.assetsAtRisk === 1 ? '' : 's'} and{' '}
              {cascade.servicesAtRisk} service{cascade.servicesAtRisk === 1 ? '' : 's'} fail if the
              affected assets do.
            </p>
            <table className="simple cascade">
              <tbody>
                {cascade.atRisk.map((r) => (
                  <tr key={r.id} className={r.kind === 'service' ? 'cascade-service' : undefined}>
                    <td>
                      {r.name} <Badge>{r.kind}</Badge>
                    </td>
                    <td>{minutes(r.minutesToImpact)}</td>
                    <td className="muted small">{r.via ? `via ${r.via}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {cascade.survived.length > 0 && (
              <p className="muted small">
                Redundancy holds:{' '}
                {cascade.survived
                  .map((s) => `${s.name} (${s.working} of ${s.n} working, needs ${s.k})`)
                  .join('; ')}
              </p>
            )}
          </>
        )}
      </Panel>

      <Panel title={`Proposed alerts (${proposals.length})`}>
        {proposals.length === 0 ? (
          <p className="muted small">
            New alerts that share an asset, address or observable with this incident appear here.
          </p>
        ) : (
          <ul className="plain-list">
            {proposals.map((p) => (
              <li key={p.id}>
                <strong>{p.alert?.ruleTitle ?? p.alertId}</strong>{' '}
                <span className="muted small">{p.reasons.map((r) => r.label).join('; ')}</span>
                {m.staff && (
                  <span className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() =>
                        void m.run(
                          () => api.post(path(m, `/proposals/${p.id}/accept`)),
                          'Attached.',
                        )
                      }
                    >
                      Accept
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      onClick={() =>
                        void m.run(
                          () => api.post(path(m, `/proposals/${p.id}/dismiss`)),
                          'Dismissed.',
                        )
                      }
                    >
                      Dismiss
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Similar past incidents">
        {similar.length === 0 ? (
          <p className="muted small">No closed incident shares its rules, assets or observables.</p>
        ) : (
          <ul className="plain-list">
            {similar.map((s) => (
              <li key={s.id}>
                <Link to={`/incidents/${encodeURIComponent(s.number)}`}>
                  {s.number} {s.title}
                </Link>{' '}
                <span className="muted small">
                  {s.resolution ?? ''} · shares {s.shared.join(', ')}
                </span>
              </li>
            ))}
          </ul>
        )}
        {mergedFrom.length > 0 && (
          <p className="small">Merged here: {mergedFrom.map((x) => x.number).join(', ')}</p>
        )}
        {m.staff && m.detail.incident.status !== 'closed' && (
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              void m.run(
                () => api.post(path(m, '/merge'), { from: mergeFrom.trim() }),
                `${mergeFrom} merged in.`,
              );
            }}
          >
            <label>
              Merge in another incident{' '}
              <input
                value={mergeFrom}
                placeholder="INC-2026-0004"
                onChange={(e) => setMergeFrom(e.target.value)}
              />
            </label>
            <button type="submit" className="btn" disabled={!mergeFrom.trim()}>
              Merge
            </button>
          </form>
        )}
      </Panel>
    </div>
  );
}

export function WorkTab({ m }: { m: Mutations }) {
  const { tasks, observables, notes } = m.detail;
  const [task, setTask] = useState({ title: '', assignee: '', dueAt: '' });
  const [observable, setObservable] = useState({ type: 'ip', value: '' });
  const [note, setNote] = useState('');
  return (
    <div className="two-col">
      <Panel title={`Tasks (${tasks.length})`}>
        {tasks.length === 0 ? (
          <Empty>No tasks yet.</Empty>
        ) : (
          <ul className="plain-list tasks">
            {tasks.map((t) => (
              <li key={t.id} className={t.status === 'done' ? 'task-done' : undefined}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={t.status === 'done'}
                    disabled={!m.contribute}
                    onChange={() =>
                      void m.run(() =>
                        api.patch(path(m, `/tasks/${t.id}`), {
                          status: t.status === 'done' ? 'open' : 'done',
                        }),
                      )
                    }
                  />
                  {t.title}
                </label>
                <span className="muted small">
                  {t.assigneeName ? ` · ${t.assigneeName}` : ' · unassigned'}
                  {t.dueAt && (
                    <>
                      {' '}
                      · due <Time iso={t.dueAt} />
                    </>
                  )}
                  {t.doneBy && ` · done by ${t.doneBy}`}
                </span>
                {m.staff && (
                  <button
                    type="button"
                    className="btn-link small"
                    aria-label={`Delete task ${t.title}`}
                    onClick={() => void m.run(() => api.del(path(m, `/tasks/${t.id}`)))}
                  >
                    delete
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {m.staff && (
          <form
            className="form-inline"
            aria-label="Add a task"
            onSubmit={(e) => {
              void (async () => {
                e.preventDefault();
                const due = task.dueAt ? new Date(task.dueAt).toISOString() : undefined;
                const ok = await m.run(
                  () =>
                    api.post(path(m, '/tasks'), {
                      title: task.title.trim(),
                      ...(task.assignee.trim() && { assignee: task.assignee.trim() }),
                      ...(due && { dueAt: due }),
                    }),
                  'Task added.',
                );
                if (ok) setTask({ title: '', assignee: '', dueAt: '' });
              })();
            }}
          >
            <input
              aria-label="Task"
              required
              placeholder="New task"
              value={task.title}
              onChange={(e) => setTask({ ...task, title: e.target.value })}
            />
            <input
              aria-label="Assignee"
              placeholder="assignee (username)"
              value={task.assignee}
              onChange={(e) => setTask({ ...task, assignee: e.target.value })}
            />
            <input
              aria-label="Due"
              type="datetime-local"
              value={task.dueAt}
              onChange={(e) => setTask({ ...task, dueAt: e.target.value })}
            />
            <button type="submit" className="btn">
              Add task
            </button>
          </form>
        )}
      </Panel>

      <Panel title={`Notes (${notes.length})`}>
        {notes.length === 0 ? (
          <Empty>No notes yet.</Empty>
        ) : (
          <ul className="plain-list notes">
            {notes.map((n) => (
              <li key={n.id}>
                <div className="muted small">
                  {n.authorName}, <Time iso={n.createdAt} />
                </div>
                <p className="note-text">{n.text}</p>
              </li>
            ))}
          </ul>
        )}
        {m.contribute && (
          <form
            className="form"
            aria-label="Add a note"
            onSubmit={(e) => {
              void (async () => {
                e.preventDefault();
                const ok = await m.run(
                  () => api.post(path(m, '/notes'), { text: note.trim() }),
                  'Note added.',
                );
                if (ok) setNote('');
              })();
            }}
          >
            <textarea
              aria-label="Note"
              rows={3}
              required
              value={note}
              maxLength={20_000}
              onChange={(e) => setNote(e.target.value)}
            />
            <div className="form-actions">
              <button type="submit" className="btn">
                Add note
              </button>
            </div>
          </form>
        )}
      </Panel>

      <Panel title={`Observables (${observables.length})`}>
        {observables.length === 0 ? (
          <Empty>None.</Empty>
        ) : (
          <table className="simple">
            <tbody>
              {observables.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Badge>{o.type}</Badge>
                  </td>
                  <td className="mono">{o.value}</td>
                  <td className="muted small">
                    {o.source === 'manual'
                      ? `added by ${o.addedBy}`
                      : `${o.alertIds.length} alert(s)`}
                  </td>
                  {m.staff && (
                    <td className="right">
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Remove ${o.value}`}
                        onClick={() => void m.run(() => api.del(path(m, `/observables/${o.id}`)))}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {m.staff && (
          <form
            className="form-inline"
            aria-label="Add an observable"
            onSubmit={(e) => {
              void (async () => {
                e.preventDefault();
                const ok = await m.run(
                  () =>
                    api.post(path(m, '/observables'), {
                      type: observable.type,
                      value: observable.value.trim(),
                    }),
                  'Observable added.',
                );
                if (ok) setObservable({ ...observable, value: '' });
              })();
            }}
          >
            <select
              aria-label="Type"
              value={observable.type}
              onChange={(e) => setObservable({ ...observable, type: e.target.value })}
            >
              {['ip', 'domain', 'url', 'hash', 'user', 'host', 'email'].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <input
              aria-label="Value"
              required
              value={observable.value}
              onChange={(e) => setObservable({ ...observable, value: e.target.value })}
            />
            <button type="submit" className="btn">
              Add
            </button>
          </form>
        )}
      </Panel>
    </div>
  );
}

const KIND_LABEL: Record<TimelineKind, string> = {
  alert: 'alert',
  event: 'event',
  action: 'action',
  note: 'note',
  task: 'task',
  'task-done': 'task done',
  evidence: 'evidence',
  'duty-report': 'report sent',
};

export function TimelineTab({ m }: { m: Mutations }) {
  const [kinds, setKinds] = useState<TimelineKind[]>([]);
  const entries = m.detail.timeline.filter((t) => !kinds.length || kinds.includes(t.kind));
  const present = [...new Set(m.detail.timeline.map((t) => t.kind))];
  return (
    <Panel title="Timeline">
      <div className="chips" role="group" aria-label="Kinds">
        {present.map((k) => (
          <label key={k} className={`chip ${kinds.includes(k) ? 'on' : ''}`}>
            <input
              type="checkbox"
              checked={kinds.includes(k)}
              onChange={() =>
                setKinds((ks) => (ks.includes(k) ? ks.filter((x) => x !== k) : [...ks, k]))
              }
            />
            {KIND_LABEL[k]}
          </label>
        ))}
      </div>
      <ol className="incident-timeline">
        {entries.map((t, i) => (
          <li key={i} className={`tl-${t.kind}`}>
            <span className="tl-when">
              <Time iso={t.at} />
            </span>
            <span className={`tl-kind tl-kind-${t.kind}`}>{KIND_LABEL[t.kind]}</span>
            <span className="tl-text">
              {t.text}
              {t.by && <span className="muted small"> — {t.by}</span>}
            </span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
