import { api } from '../../api/client';
import type { RulePack } from '../../api/types';
import { Badge, Empty, ErrorBox, Loading, Panel, Time, num } from '../../components/ui';
import { Link } from '../../lib/router';
import { useResource } from '../../lib/useResource';

export function RulePacks() {
  const packs = useResource('packs', (signal) =>
    api.get<RulePack[]>('/rules/packs', undefined, signal),
  );
  return (
    <Panel title="Rule packs">
      {packs.error ? (
        <ErrorBox error={packs.error} onRetry={packs.reload} />
      ) : !packs.data ? (
        <Loading />
      ) : packs.data.length === 0 ? (
        <Empty>No rule packs.</Empty>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th>Pack</th>
              <th className="right">Rules</th>
              <th>Source</th>
              <th>Licence</th>
              <th>Imported</th>
            </tr>
          </thead>
          <tbody>
            {packs.data.map((p) => (
              <tr key={p.name}>
                <td>
                  <Link to={`/rules?pack=${encodeURIComponent(p.name)}`}>{p.name}</Link>{' '}
                  {p.builtIn && <Badge tone="ok">ships with Prahari</Badge>}
                </td>
                <td className="right">{num(p.rules)}</td>
                <td>
                  {p.origin?.source ??
                    (p.builtIn ? 'Prahari' : p.name === 'uploaded' ? 'uploaded by your team' : '—')}
                </td>
                <td>{p.origin?.licence ?? (p.builtIn ? 'Apache-2.0 (Prahari)' : '—')}</td>
                <td>{p.origin ? <Time iso={p.origin.importedAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Import SigmaHQ’s public rules with <code>npx prahari rules import DIR|ZIP</code>; their
        source and licence (the Detection Rule License) are kept and shown here.
      </p>
    </Panel>
  );
}
