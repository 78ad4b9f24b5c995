// One stored event: parsed fields, the raw line as received, or the whole record as JSON.
import { useState } from 'react';
import type { StoredEvent } from '../api/types';
import { Badge, Tabs, Time } from './ui';

type Mode = 'parsed' | 'raw' | 'json';

export function EventView({
  event,
  onFieldClick,
}: {
  event: StoredEvent;
  /** offered beside each parsed field: filter the search by this value */
  onFieldClick?: (field: string, value: string) => void;
}) {
  const [mode, setMode] = useState<Mode>('parsed');
  const fields = Object.entries(event.fields).sort(([a], [b]) => a.localeCompare(b));
  return (
    <article className="event-view" aria-label={`Event ${event.seq}`}>
      <header className="event-meta">
        <span>
          <strong>#{event.seq}</strong> <Time iso={event.eventTime} />
        </span>
        <span className="muted small">
          received <Time iso={event.receivedAt} /> over {event.listener} from{' '}
          {event.sourceName ?? event.sourceIp ?? 'unknown'} · parser {event.parser}
        </span>
        {event.asset && (
          <span className="small" title="The registered asset this event concerns">
            asset <strong>{event.asset.name}</strong> ({event.asset.kind}
            {event.asset.criticality !== null && `, criticality ${event.asset.criticality}`}
            {event.asset.zone && `, zone ${event.asset.zone}`}
            {event.asset.ownerName && `, owner ${event.asset.ownerName}`})
          </span>
        )}
        {event.flags.map((f) => (
          <Badge key={f} tone="warn">
            {f}
          </Badge>
        ))}
      </header>
      <Tabs
        label="Event view"
        active={mode}
        onChange={setMode}
        tabs={[
          { key: 'parsed', label: 'Parsed' },
          { key: 'raw', label: 'Raw' },
          { key: 'json', label: 'JSON' },
        ]}
      />
      {mode === 'parsed' && (
        <dl className="kv event-fields">
          <div className="kv-row">
            <dt>message</dt>
            <dd>{event.message}</dd>
          </div>
          {Object.entries(event.logsource).map(([k, v]) => (
            <div className="kv-row" key={`ls-${k}`}>
              <dt>{k}</dt>
              <dd>{String(v)}</dd>
            </div>
          ))}
          {fields.map(([k, v]) => {
            const text = typeof v === 'string' ? v : JSON.stringify(v);
            return (
              <div className="kv-row" key={k}>
                <dt>{k}</dt>
                <dd>
                  {text}
                  {onFieldClick && (typeof v === 'string' || typeof v === 'number') && (
                    <button
                      type="button"
                      className="btn-link small"
                      title={`Search for ${k} = ${text}`}
                      onClick={() => onFieldClick(k, String(v))}
                    >
                      filter
                    </button>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      {mode === 'raw' && <pre className="raw">{event.raw}</pre>}
      {mode === 'json' && <pre className="raw">{JSON.stringify(event, null, 2)}</pre>}
    </article>
  );
}
