// The incident's entries in the hash-chained audit trail (GET /audit?target=incident:<id>): who
// changed what, from where, and whether it succeeded, newest first. Admins and auditors only, as
// the audit trail itself.
import { useCallback } from 'react';
import { api } from '../../api/client';
import type { AuditEntry } from '../../api/types';
import { Badge, Empty, ErrorBox, Loading, LoadOlder, Panel, Time } from '../../components/ui';
import { usePagesBefore } from '../../lib/usePagesBefore';
import type { Mutations } from './IncidentDetail';

const PAGE = 100;

/**
 * An entry's details for the table: the sentence the service wrote (`summary`) when there is one,
 * else its fields; the incident's number is on the page already.
 */
function summary(details: Record<string, unknown>): string {
  if (typeof details.summary === 'string') return details.summary;
  return Object.entries(details)
    .filter(([k]) => k !== 'number')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

export function AuditTab({ m }: { m: Mutations }) {
  const target = `incident:${m.detail.incident.id}`;
  // Changes made on this page add entries: load again whenever the incident changed.
  const changed = m.detail.incident.updatedAt;
  const fetchPage = useCallback(
    async (before: number | null) => {
      const page = await api.get<{ entries: AuditEntry[]; nextBefore: number | null }>('/audit', {
        target,
        limit: PAGE,
        before,
      });
      return { items: page.entries, nextBefore: page.nextBefore };
    },
    [target],
  );
  const pages = usePagesBefore(fetchPage, changed);
  const { items: entries, state, load } = pages;

  return (
    <Panel title="Audit entries of this incident">
      <p className="muted small">
        Every change to this incident as the hash-chained audit trail holds it, under the target{' '}
        <code>{target}</code>; check the chain in <em>Audit trail</em>.
      </p>
      {state.error ? (
        <ErrorBox error={state.error} onRetry={() => void load(null)} />
      ) : state.loading && entries.length === 0 ? (
        <Loading what="Reading the audit trail" />
      ) : entries.length === 0 ? (
        <Empty>Nothing recorded yet.</Empty>
      ) : (
        <>
          <table className="simple audit-entries">
            <thead>
              <tr>
                <th className="right">#</th>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Outcome</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td className="right muted">{e.seq}</td>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>
                    {e.actorName} <span className="muted small">{e.actorKind}</span>
                    {e.ip && <div className="muted small mono">{e.ip}</div>}
                  </td>
                  <td className="mono">{e.action}</td>
                  <td>
                    <Badge tone={e.outcome === 'success' ? 'ok' : 'bad'}>{e.outcome}</Badge>
                  </td>
                  <td className="small audit-details" title={JSON.stringify(e.details, null, 1)}>
                    {summary(e.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadOlder pages={pages}>Load older entries</LoadOlder>
        </>
      )}
    </Panel>
  );
}
