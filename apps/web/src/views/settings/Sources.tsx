// Log sources: named ones, and those discovered from their traffic that still need a name, a
// parser or a time zone.
import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { PARSERS, type Source } from '../../api/types';
import { Badge, Dialog, Empty, ErrorBox, Loading, Notice, Panel, num } from '../../components/ui';
import { sourceClock } from '../../lib/sources';
import { formatAgo } from '../../lib/time';
import { useResource } from '../../lib/useResource';

export function Sources({ mayChange }: { mayChange: boolean }) {
  const sources = useResource('sources', (signal) =>
    api.get<Source[]>('/sources', undefined, signal),
  );
  const [editing, setEditing] = useState<Source | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <Panel title="Sources">
      <p className="muted">
        Every sender is listed: those nobody named yet are <em>discovered</em> from their traffic.
        Naming one lets searches and alerts say “fw-core-1” instead of an address, and sets the
        parser and time zone for logs written without one. <em>Clock</em> compares a source’s newest
        event time with its arrival: a device that is behind is left out of correlations.
      </p>
      {message && <Notice tone="ok">{message}</Notice>}
      {sources.error ? (
        <ErrorBox error={sources.error} onRetry={sources.reload} />
      ) : !sources.data ? (
        <Loading />
      ) : sources.data.length === 0 ? (
        <Empty>No source has sent anything yet.</Empty>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th>Name</th>
              <th>Matched by</th>
              <th>Parser</th>
              <th>Time zone</th>
              <th>Clock</th>
              <th>Last event</th>
              <th className="right">Events</th>
              {mayChange && <th />}
            </tr>
          </thead>
          <tbody>
            {sources.data.map((s) => (
              <tr key={s.id}>
                <td>
                  <strong>{s.name}</strong> {s.discovered && <Badge tone="warn">discovered</Badge>}
                  {s.description && <div className="muted small">{s.description}</div>}
                </td>
                <td className="mono small">
                  {[
                    s.matchIp && `ip ${s.matchIp}`,
                    s.matchHostname && `host ${s.matchHostname}`,
                    s.matchApiKeyId && `key ${s.matchApiKeyId}`,
                  ]
                    .filter(Boolean)
                    .join(', ') || '—'}
                </td>
                <td>{s.defaultParser ?? 'detected'}</td>
                <td>{s.timezone ?? 'default'}</td>
                <td>
                  <ClockCell source={s} />
                </td>
                <td>
                  <span title={s.lastSeen ?? ''}>{formatAgo(s.lastSeen)}</span>
                </td>
                <td className="right">{num(s.eventCount)}</td>
                {mayChange && (
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => setEditing(s)}>
                      {s.discovered ? 'Name it' : 'Edit'}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <EditSource
          source={editing}
          onCancel={() => setEditing(null)}
          onSaved={(s) => {
            setEditing(null);
            setMessage(`Saved ${s.name}.`);
            sources.reload();
          }}
        />
      )}
    </Panel>
  );
}

function ClockCell({ source }: { source: Source }) {
  const clock = sourceClock(source.clockOffsetMs, source.timezone);
  return (
    <>
      {clock.off ? <Badge tone="warn">{clock.text}</Badge> : clock.text}
      {clock.hint && <div className="muted small">{clock.hint}</div>}
    </>
  );
}

function EditSource({
  source,
  onCancel,
  onSaved,
}: {
  source: Source;
  onCancel: () => void;
  onSaved: (s: Source) => void;
}) {
  const [name, setName] = useState(source.discovered ? '' : source.name);
  const [parser, setParser] = useState(source.defaultParser ?? '');
  const [timezone, setTimezone] = useState(source.timezone ?? '');
  const [description, setDescription] = useState(source.description ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={source.discovered ? `Name the source ${source.name}` : `Edit ${source.name}`}
      onClose={onCancel}
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api
            .patch<Source>(`/sources/${encodeURIComponent(source.id)}`, {
              name: name.trim(),
              defaultParser: parser || null,
              timezone: timezone.trim() || null,
              description: description.trim() || null,
            })
            .then(onSaved, (err: unknown) => setError(errorMessage(err)));
        }}
      >
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Name{' '}
          <input
            required
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. fw-core-1"
          />
        </label>
        <label>
          Parser
          <select value={parser} onChange={(e) => setParser(e.target.value)}>
            <option value="">detect per message</option>
            {PARSERS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Time zone for times written without one{' '}
          <input
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
            placeholder="e.g. Asia/Kolkata"
          />
        </label>
        <label>
          Description <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
