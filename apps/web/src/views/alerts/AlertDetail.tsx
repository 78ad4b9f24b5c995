// One alert beside the list: what matched, who did what with it, and its events (raw and parsed).
import { api } from '../../api/client';
import type { Alert, AlertStatus, Resolution, StoredEvent } from '../../api/types';
import { EventView } from '../../components/EventView';
import {
  Badge,
  Empty,
  ErrorBox,
  KeyValues,
  LevelBadge,
  Loading,
  Time,
  num,
} from '../../components/ui';
import { Link } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { CritBadge } from '../assets/common';
import { StatusBadge } from './status';

export function AlertDetail({
  alert,
  mayWork,
  onClose,
  onAct,
  onRule,
  onIncident,
}: {
  alert: Alert;
  mayWork: boolean;
  onClose: () => void;
  onAct: (status: AlertStatus, resolution?: Resolution) => void;
  onRule: (ruleId: string) => void;
  onIncident: () => void;
}) {
  // Reloaded when the alert changes (a new hit adds events), not on every list refresh.
  const full = useResource(`alert:${alert.id}:${alert.revision}`, (signal) =>
    api.get<{ alert: Alert; events: StoredEvent[] }>(
      `/alerts/${encodeURIComponent(alert.id)}`,
      undefined,
      signal,
    ),
  );
  const events = full.data?.events ?? [];

  return (
    <aside className="split-side detail" aria-label="Alert detail">
      <header className="detail-head">
        <div>
          <div className="detail-badges">
            <LevelBadge level={alert.level} /> <StatusBadge alert={alert} />{' '}
            <Badge>{alert.kind}</Badge>
          </div>
          <h2>{alert.ruleTitle}</h2>
        </div>
        <button
          type="button"
          className="btn btn-ghost"
          aria-label="Close the alert"
          onClick={onClose}
        >
          ×
        </button>
      </header>

      {mayWork && (
        <div className="actions" role="group" aria-label="Work this alert">
          {alert.status === 'new' && (
            <button type="button" className="btn" onClick={() => onAct('acknowledged')}>
              Acknowledge <kbd>a</kbd>
            </button>
          )}
          {alert.status !== 'closed' ? (
            <>
              <button
                type="button"
                className="btn btn-bad"
                onClick={() => onAct('closed', 'true_positive')}
              >
                Close: true positive <kbd>t</kbd>
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => onAct('closed', 'false_positive')}
              >
                Close: false positive <kbd>f</kbd>
              </button>
            </>
          ) : (
            <button type="button" className="btn" onClick={() => onAct('new')}>
              Reopen
            </button>
          )}
          <button type="button" className="btn" onClick={onIncident}>
            Create incident or add to one… <kbd>i</kbd>
          </button>
        </div>
      )}

      <dl className="facts">
        <div>
          <dt>Rule</dt>
          <dd>
            <Link to={`/rules?open=${encodeURIComponent(alert.ruleId)}`}>{alert.ruleId}</Link>{' '}
            <button type="button" className="btn-link small" onClick={() => onRule(alert.ruleId)}>
              only this rule
            </button>
          </dd>
        </div>
        <div>
          <dt>Hits</dt>
          <dd>{num(alert.count)}</dd>
        </div>
        <div>
          <dt>First hit</dt>
          <dd>
            <Time iso={alert.firstSeen} />
          </dd>
        </div>
        <div>
          <dt>Last hit</dt>
          <dd>
            <Time iso={alert.lastSeen} />
          </dd>
        </div>
        <div>
          <dt>Asset</dt>
          <dd>
            {alert.asset ? (
              <>
                <Link to={`/assets/${encodeURIComponent(alert.asset.id)}`}>{alert.asset.name}</Link>{' '}
                <CritBadge value={alert.asset.criticality} />
                {alert.asset.ownerName && (
                  <span className="muted small"> · {alert.asset.ownerName}</span>
                )}
              </>
            ) : (
              <span className="muted">no registered asset</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>
            <LevelBadge level={alert.severity} />
            {alert.severity !== alert.level && (
              <span className="muted small"> rule level {alert.level}, weighed by criticality</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Source address</dt>
          <dd>{alert.sourceIp ?? '—'}</dd>
        </div>
        <div>
          <dt>Sent by</dt>
          <dd>{alert.sourceName ?? '—'}</dd>
        </div>
        <div>
          <dt>Host</dt>
          <dd>{alert.hostName ?? '—'}</dd>
        </div>
        <div>
          <dt>User</dt>
          <dd>{alert.userName ?? '—'}</dd>
        </div>
        <div>
          <dt>Log source</dt>
          <dd>{Object.values(alert.logsource).join(' / ') || '—'}</dd>
        </div>
        {alert.statusBy && (
          <div className="wide">
            <dt>Last change</dt>
            <dd>
              {alert.statusBy}, <Time iso={alert.statusAt} />
              {alert.statusNote && <q className="note">{alert.statusNote}</q>}
            </dd>
          </div>
        )}
        {alert.tags.length > 0 && (
          <div className="wide">
            <dt>Tags</dt>
            <dd className="tags">
              {alert.tags.map((t) => (
                <Badge key={t}>{t}</Badge>
              ))}
            </dd>
          </div>
        )}
      </dl>

      <h3>Matched</h3>
      {Object.keys(alert.matched).length ? (
        <KeyValues entries={Object.entries(alert.matched)} />
      ) : (
        <p className="muted small">
          The rule matched on keywords or a condition without named field values.
        </p>
      )}
      {Object.keys(alert.groupFields).length > 0 && (
        <>
          <h3>Grouped by</h3>
          <KeyValues entries={Object.entries(alert.groupFields)} />
        </>
      )}

      <h3>
        Events{' '}
        <span className="muted small">
          (kept: the first and the latest; {num(alert.count)} hit{alert.count === 1 ? '' : 's'} in
          all)
        </span>
      </h3>
      {full.error ? (
        <ErrorBox error={full.error} onRetry={full.reload} />
      ) : !full.data ? (
        <Loading what="Loading its events" />
      ) : events.length === 0 ? (
        <Empty>No events are kept for this alert (they may have passed hot-store retention).</Empty>
      ) : (
        events.map((e) => <EventView key={e.seq} event={e} />)
      )}
    </aside>
  );
}
