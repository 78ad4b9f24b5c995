import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { ROLES, type ApiKey, type CreatedApiKey, type Role } from '../../api/types';
import { Badge, Empty, ErrorBox, Loading, Notice, Panel, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { SecretOnce } from './SecretOnce';

export function ApiKeys({ mayChange }: { mayChange: boolean }) {
  const keys = useResource('apikeys', (signal) => api.get<ApiKey[]>('/apikeys', undefined, signal));
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);

  const revoke = async (k: ApiKey) => {
    try {
      await api.del(`/apikeys/${encodeURIComponent(k.id)}`);
      setMessage({ tone: 'ok', text: `Revoked ${k.name}: it stopped working at once.` });
      keys.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };

  return (
    <div className={mayChange ? 'two-col wide-first' : ''}>
      <Panel title="API keys">
        {message && <Notice tone={message.tone}>{message.text}</Notice>}
        {keys.error ? (
          <ErrorBox error={keys.error} onRetry={keys.reload} />
        ) : !keys.data ? (
          <Loading />
        ) : keys.data.length === 0 ? (
          <Empty>No API keys. Log senders and scripts use them (role ingest for senders).</Empty>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>State</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                {mayChange && <th />}
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td>
                    <strong>{k.name}</strong> <span className="muted mono small">{k.id}</span>
                  </td>
                  <td>{k.role}</td>
                  <td>
                    <Badge tone={k.status === 'active' ? 'ok' : 'neutral'}>{k.status}</Badge>
                  </td>
                  <td>
                    {k.createdBy}, <Time iso={k.createdAt} />
                  </td>
                  <td>{k.expiresAt ? <Time iso={k.expiresAt} /> : 'never'}</td>
                  <td>
                    <Time iso={k.lastUsedAt} ago />
                  </td>
                  {mayChange && (
                    <td>
                      {k.status === 'active' && (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => void revoke(k)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {mayChange && (
        <div>
          {created && (
            <SecretOnce
              title={`Key “${created.name}” created`}
              secret={created.secret}
              label="API key secret"
              keeps="Copy it into the sender or script now; Prahari keeps only its hash."
              onDone={() => setCreated(null)}
            >
              Use it as <code>Authorization: Bearer …</code>.
            </SecretOnce>
          )}
          <CreateKey
            onCreated={(k) => {
              setCreated(k);
              keys.reload();
            }}
          />
        </div>
      )}
    </div>
  );
}

function CreateKey({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('ingest');
  const [expiresAt, setExpiresAt] = useState('');
  const [forUser, setForUser] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Panel title="Create a key">
      <form
        className="form"
        aria-label="Create a key"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api
            .post<CreatedApiKey>('/apikeys', {
              name: name.trim(),
              role,
              ...(expiresAt && { expiresAt: new Date(expiresAt).toISOString() }),
              ...(role === 'owner' && { forUser: forUser.trim() }),
            })
            .then(
              (k) => {
                setName('');
                onCreated(k);
              },
              (err: unknown) => setError(errorMessage(err)),
            );
        }}
      >
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Name{' '}
          <input
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. suricata-sensor-1"
          />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {role === 'owner' && (
          <label>
            Acts for{' '}
            <span className="muted small">(the asset owner whose assets and alerts it sees)</span>
            <input
              required
              value={forUser}
              onChange={(e) => setForUser(e.target.value)}
              placeholder="their username"
            />
          </label>
        )}
        <label>
          Expires <span className="muted small">(optional)</span>
          <input type="date" value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Create key
          </button>
        </div>
      </form>
    </Panel>
  );
}
