import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { ROLES, type Role, type User } from '../../api/types';
import { Badge, Empty, ErrorBox, Loading, Notice, Panel, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';

export function Users({ mayChange, myName }: { mayChange: boolean; myName: string }) {
  const users = useResource('users', (signal) => api.get<User[]>('/users', undefined, signal));
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);

  const change = async (user: User, changes: { role?: Role; disabled?: boolean }, done: string) => {
    try {
      const updated = await api.patch<User>(`/users/${encodeURIComponent(user.username)}`, changes);
      users.setData((list) => list?.map((u) => (u.id === updated.id ? updated : u)));
      setMessage({ tone: 'ok', text: done });
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };

  return (
    <div className={mayChange ? 'two-col wide-first' : ''}>
      <Panel title="Users">
        {message && <Notice tone={message.tone}>{message.text}</Notice>}
        {users.error ? (
          <ErrorBox error={users.error} onRetry={users.reload} />
        ) : !users.data ? (
          <Loading />
        ) : users.data.length === 0 ? (
          <Empty>No users.</Empty>
        ) : (
          <table className="simple">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>Department</th>
                <th>State</th>
                <th>Last login</th>
                {mayChange && <th />}
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <td>
                    <strong>{u.username}</strong>
                    {u.displayName && u.displayName !== u.username && (
                      <span className="muted"> · {u.displayName}</span>
                    )}
                  </td>
                  <td>
                    {mayChange && u.username !== myName ? (
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role}
                        onChange={(e) =>
                          void change(
                            u,
                            { role: e.target.value as Role },
                            `${u.username} is now ${e.target.value}.`,
                          )
                        }
                      >
                        {ROLES.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    ) : (
                      u.role
                    )}
                  </td>
                  <td>{u.department ?? '—'}</td>
                  <td>
                    {u.disabled ? (
                      <Badge tone="bad">disabled</Badge>
                    ) : u.locked ? (
                      <Badge tone="warn">locked</Badge>
                    ) : (
                      <Badge tone="ok">active</Badge>
                    )}
                  </td>
                  <td>
                    <Time iso={u.lastLoginAt} />
                  </td>
                  {mayChange && (
                    <td>
                      {u.username !== myName && (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            void change(
                              u,
                              { disabled: !(u.disabled || u.locked) },
                              u.disabled || u.locked
                                ? `${u.username} can log in again.`
                                : `${u.username} is disabled; their sessions ended.`,
                            )
                          }
                        >
                          {u.disabled || u.locked ? 'Enable' : 'Disable'}
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
        <CreateUser
          onCreated={(u) => {
            users.reload();
            setMessage({ tone: 'ok', text: `Created ${u.username} (${u.role}).` });
          }}
        />
      )}
    </div>
  );
}

function CreateUser({ onCreated }: { onCreated: (u: User) => void }) {
  const empty = {
    username: '',
    displayName: '',
    role: 'analyst' as Role,
    department: '',
    password: '',
  };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    try {
      const u = await api.post<User>('/users', {
        username: form.username.trim(),
        role: form.role,
        password: form.password,
        ...(form.displayName.trim() && { displayName: form.displayName.trim() }),
        ...(form.department.trim() && { department: form.department.trim() }),
      });
      setForm(empty);
      onCreated(u);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Panel title="Add a user">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Username
          <input
            required
            autoComplete="off"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </label>
        <label>
          Full name{' '}
          <input
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </label>
        <label>
          Role
          <select
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Department{' '}
          <input
            value={form.department}
            onChange={(e) => setForm({ ...form, department: e.target.value })}
            placeholder="e.g. Water supply"
          />
        </label>
        <label>
          First password{' '}
          <span className="muted small">(at least 12 characters; tell it to them privately)</span>
          <input
            required
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Add user
          </button>
        </div>
      </form>
    </Panel>
  );
}
