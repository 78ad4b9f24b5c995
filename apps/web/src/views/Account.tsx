// Your own account: who you are, what your role may do, and changing your password.
import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { Notice, Panel } from '../components/ui';
import { useMe } from '../session';

const ROLE_TEXT: Record<string, string> = {
  admin: 'Everything, including users, API keys and settings.',
  analyst: 'Alerts, search, rules, indicators and sources; list users.',
  owner:
    'The assets assigned to you: their dependencies and alerts, and their description and location, which you may change.',
  auditor: 'Read everything, change nothing; the audit trail and its chain check.',
  ingest: 'Send events only: this account is for log senders, not for the dashboard.',
};

export function AccountView() {
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [result, setResult] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);

  const submit = async () => {
    if (next !== repeat) {
      setResult({ tone: 'bad', text: 'The two new passwords differ.' });
      return;
    }
    try {
      await api.put(`/users/${encodeURIComponent(me.name)}/password`, {
        password: next,
        currentPassword: current,
      });
      setResult({ tone: 'ok', text: 'Your password is changed.' });
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setResult({ tone: 'bad', text: errorMessage(err) });
    }
  };

  return (
    <div className="page account-page">
      <h1 className="page-title">My account</h1>
      <div className="two-col">
        <Panel title={me.name}>
          <p>
            Role: <strong>{me.role}</strong>
          </p>
          <p className="muted">{ROLE_TEXT[me.role]}</p>
        </Panel>
        {me.kind === 'user' && (
          <Panel title="Change my password">
            <form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                void submit();
              }}
            >
              {result && <Notice tone={result.tone}>{result.text}</Notice>}
              <input
                type="text"
                name="username"
                autoComplete="username"
                value={me.name}
                readOnly
                hidden
              />
              <label>
                Current password
                <input
                  type="password"
                  required
                  autoComplete="current-password"
                  value={current}
                  onChange={(e) => setCurrent(e.target.value)}
                />
              </label>
              <label>
                New password <span className="muted small">(at least 12 characters)</span>
                <input
                  type="password"
                  required
                  minLength={12}
                  autoComplete="new-password"
                  value={next}
                  onChange={(e) => setNext(e.target.value)}
                />
              </label>
              <label>
                New password again
                <input
                  type="password"
                  required
                  autoComplete="new-password"
                  value={repeat}
                  onChange={(e) => setRepeat(e.target.value)}
                />
              </label>
              <div className="form-actions">
                <button type="submit" className="btn btn-primary">
                  Change password
                </button>
              </div>
            </form>
          </Panel>
        )}
      </div>
    </div>
  );
}
