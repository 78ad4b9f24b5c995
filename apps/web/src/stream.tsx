// The live alert stream (Server-Sent Events on /api/v1/alerts/stream), opened once for the
// whole dashboard. The browser's EventSource reconnects by itself and sends Last-Event-ID, and
// the server replays every change missed meanwhile. If the server refused the stream (it
// restarted with an error, or the session ended), we check the session and open a new stream
// from the last revision seen (?since=), so nothing is missed either way.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { request } from './api/client';
import type { Alert, Me } from './api/types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'off';
type Listener = (alerts: Alert[]) => void;

interface StreamApi {
  status: StreamStatus;
  /** raised on every (re)connection: views reload their lists then, to be safe */
  generation: number;
  subscribe: (listener: Listener) => () => void;
}

const StreamContext = createContext<StreamApi>({
  status: 'off',
  generation: 0,
  subscribe: () => () => undefined,
});

export function AlertStreamProvider({
  enabled,
  children,
}: {
  enabled: boolean;
  children: ReactNode;
}) {
  const [status, setStatus] = useState<StreamStatus>(enabled ? 'connecting' : 'off');
  const [generation, setGeneration] = useState(0);
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let lastId: string | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let batch: Alert[] = [];
    let stopped = false;

    // A burst (a backfill, a brute force) arrives as many events; hand them over in batches.
    const flush = () => {
      flushTimer = undefined;
      const alerts = batch;
      batch = [];
      for (const listener of listeners.current) listener(alerts);
    };

    const open = () => {
      const url = lastId
        ? `/api/v1/alerts/stream?since=${encodeURIComponent(lastId)}`
        : '/api/v1/alerts/stream';
      source = new EventSource(url, { withCredentials: true });
      source.onopen = () => {
        setStatus('live');
        setGeneration((g) => g + 1);
      };
      source.addEventListener('alert', (event) => {
        const e = event as MessageEvent<string>;
        if (e.lastEventId) lastId = e.lastEventId;
        try {
          batch.push(JSON.parse(e.data) as Alert);
        } catch {
          return;
        }
        flushTimer ??= setTimeout(flush, 150);
      });
      source.onerror = () => {
        if (stopped || !source) return;
        if (source.readyState === EventSource.CONNECTING) {
          setStatus('reconnecting');
          return;
        }
        // Closed for good: the server answered with an error. If the session has ended, the
        // check below sends the dashboard back to the login page; otherwise try again shortly.
        setStatus('reconnecting');
        source.close();
        source = null;
        void request<Me>('GET', '/auth/me').then(
          () => {
            if (!stopped) retryTimer = setTimeout(open, 5000);
          },
          () => {
            if (!stopped) setStatus('off');
          },
        );
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(flushTimer);
      source?.close();
    };
  }, [enabled]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  return (
    <StreamContext.Provider value={{ status: enabled ? status : 'off', generation, subscribe }}>
      {children}
    </StreamContext.Provider>
  );
}

export function useAlertStream(): StreamApi {
  return useContext(StreamContext);
}

/** Calls `listener` with every batch of live alert changes while the component is shown. */
export function useAlertUpdates(listener: Listener): void {
  const { subscribe } = useAlertStream();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe((alerts) => ref.current(alerts)), [subscribe]);
}
