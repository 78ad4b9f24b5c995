import type { AlertRecord, AlertRepository } from '@prahari/store';
import type { AlertStream } from '../detection/stream.js';

/**
 * Follows the alert stream for alerts that have just opened, leaving out updates (a repeat that
 * raised a count, a status change). Alert seqs only grow, so an alert is new exactly when its seq
 * is above every seq seen before — which also holds across a restart, from the stored alerts.
 * Returns the unsubscribe function.
 */
export async function watchOpenedAlerts(
  stream: AlertStream,
  alerts: AlertRepository,
  listener: (opened: AlertRecord[]) => void,
): Promise<() => void> {
  const [latest] = await alerts.list({ limit: 1 });
  let seen = latest?.seq ?? 0;
  const unsubscribe = stream.subscribe((changed) => {
    const opened = changed.filter((a) => a.seq > seen);
    if (opened.length === 0) return;
    seen = Math.max(seen, ...opened.map((a) => a.seq));
    listener(opened);
  });
  return () => void unsubscribe();
}
