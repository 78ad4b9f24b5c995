// Who is logged in. The session itself is the server's HttpOnly cookie; the dashboard only asks
// who it belongs to (GET /auth/me) and returns to the login page when the server forgets it.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { SESSION_LOST, request } from './api/client';
import type { Me } from './api/types';

export type SessionState =
  | { status: 'checking' }
  | { status: 'anonymous'; message?: string; tone?: 'info' | 'warn' }
  | { status: 'in'; me: Me };

interface SessionApi {
  state: SessionState;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  useEffect(() => {
    let cancelled = false;
    request<Me>('GET', '/auth/me', { expectUnauthenticated: true }).then(
      (me) => !cancelled && setState({ status: 'in', me }),
      () => !cancelled && setState({ status: 'anonymous' }),
    );
    const lost = (event: Event) => {
      const message = (event as CustomEvent<string>).detail;
      setState((s) =>
        s.status === 'in'
          ? {
              status: 'anonymous',
              tone: 'warn',
              message: message || 'Your session has ended; log in again.',
            }
          : s,
      );
    };
    window.addEventListener(SESSION_LOST, lost);
    return () => {
      cancelled = true;
      window.removeEventListener(SESSION_LOST, lost);
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const res = await request<{ user: Me }>('POST', '/auth/login', {
      body: { username, password },
      expectUnauthenticated: true,
    });
    setState({ status: 'in', me: res.user });
  }, []);

  const logout = useCallback(async () => {
    try {
      await request('POST', '/auth/logout', { body: {}, expectUnauthenticated: true });
    } finally {
      setState({ status: 'anonymous', tone: 'info', message: 'You have logged out.' });
    }
  }, []);

  return (
    <SessionContext.Provider value={{ state, login, logout }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The logged-in person; only for components rendered inside the logged-in shell. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'in') throw new Error('useMe without a session');
  return state.me;
}
