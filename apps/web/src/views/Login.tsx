import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import { Notice } from '../components/ui';
import { useSession } from '../session';

export function Login() {
  const { state, login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const message = state.status === 'anonymous' ? state.message : undefined;
  const tone = state.status === 'anonymous' ? (state.tone ?? 'info') : 'info';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-label="Log in">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="48" height="48" />
          <div>
            <h1>Prahari</h1>
            <p className="muted">Security operations for the city</p>
          </div>
        </div>
        {message && !error && <Notice tone={tone}>{message}</Notice>}
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="muted small">
          First start? The administrator’s password was printed once by <code>npm start</code>.
        </p>
      </form>
    </main>
  );
}
