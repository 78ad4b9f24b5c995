// From alerts to an incident: open a new one with them (for one alert, and if wished the other
// open alerts of its rule), or add them to an open incident — for one alert, those it is
// proposed for first.
import { useState } from 'react';
import { api } from '../../api/client';
import type { Alert } from '../../api/types';
import type { AlertIncidents, IncidentDetail, IncidentList } from '../../api/incidents';
import { Dialog, ErrorBox, LevelBadge, Loading } from '../../components/ui';
import { Link, navigate } from '../../lib/router';
import { useResource } from '../../lib/useResource';

export function IncidentDialog({
  alerts,
  siblings,
  onClose,
}: {
  /** the alert, or the alerts chosen in the list */
  alerts: Alert[];
  /** the other open alerts of the same rule, offered to go along with a single alert */
  siblings: Alert[];
  onClose: () => void;
}) {
  const alert = alerts[0]!;
  const single = alerts.length === 1;
  const [withSiblings, setWithSiblings] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const links = useResource(single ? `alert-incidents:${alert.id}` : null, (signal) =>
    api.get<AlertIncidents>(
      `/alerts/${encodeURIComponent(alert.id)}/incident-proposals`,
      undefined,
      signal,
    ),
  );
  const open = useResource('incidents:open-for-alert', (signal) =>
    api.get<IncidentList>('/incidents', { state: 'open', limit: 100 }, signal),
  );
  const alertIds = [
    ...alerts.map((a) => a.id),
    ...(single && withSiblings ? siblings.map((a) => a.id) : []),
  ];

  const go = async (change: () => Promise<IncidentDetail>) => {
    setBusy(true);
    setError(null);
    try {
      const detail = await change();
      navigate(`/incidents/${encodeURIComponent(detail.incident.number)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const create = () => go(() => api.post<IncidentDetail>('/incidents', { alertIds }));
  const addTo = (incidentId: string) =>
    go(() =>
      api.post<IncidentDetail>(`/incidents/${encodeURIComponent(incidentId)}/alerts`, { alertIds }),
    );

  const proposed = new Set(links.data?.proposals.map((p) => p.incidentId));
  const others = (open.data?.incidents ?? []).filter((i) => !proposed.has(i.id));

  return (
    <Dialog
      title={single ? 'Incident for this alert' : `Incident for these ${alerts.length} alerts`}
      onClose={onClose}
    >
      <div className="form">
        {single ? (
          <p>
            <strong>{alert.ruleTitle}</strong>
          </p>
        ) : (
          <ul className="plain-list chosen-alerts">
            {alerts.map((a) => (
              <li key={a.id}>
                <LevelBadge level={a.level} /> {a.ruleTitle}
                {a.hostName && <span className="muted small"> · {a.hostName}</span>}
              </li>
            ))}
          </ul>
        )}
        {!single ? null : links.error ? (
          <ErrorBox error={links.error} onRetry={links.reload} />
        ) : !links.data ? (
          <Loading />
        ) : (
          links.data.incidents.length > 0 && (
            <p>
              Already in{' '}
              {links.data.incidents.map((i) => (
                <Link key={i.id} to={`/incidents/${encodeURIComponent(i.number)}`}>
                  {i.number} ({i.status}){' '}
                </Link>
              ))}
            </p>
          )
        )}
        {single && siblings.length > 0 && (
          <label className="check">
            <input
              type="checkbox"
              checked={withSiblings}
              onChange={(e) => setWithSiblings(e.target.checked)}
            />
            With the {siblings.length} other open alert{siblings.length === 1 ? '' : 's'} of this
            rule
          </label>
        )}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            autoFocus
            onClick={() => void create()}
          >
            Create incident
          </button>
        </div>
        <h3>Add to an open incident</h3>
        {links.data?.proposals.length ? (
          <ul className="plain-list">
            {links.data.proposals.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() => void addTo(p.incidentId)}
                >
                  Add to {p.incidentNumber}
                </button>{' '}
                {p.incidentTitle}{' '}
                <span className="muted small">
                  suggested: {p.reasons.map((r) => r.label).join('; ')}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {open.data && others.length === 0 && !links.data?.proposals.length ? (
          <p className="muted small">No incident is open.</p>
        ) : (
          <ul className="plain-list">
            {others.map((i) => (
              <li key={i.id}>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  onClick={() => void addTo(i.id)}
                >
                  Add to {i.number}
                </button>{' '}
                {i.title}
              </li>
            ))}
          </ul>
        )}
        {error !== null && <ErrorBox error={error} />}
      </div>
    </Dialog>
  );
}
