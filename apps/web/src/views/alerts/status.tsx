import type { Alert } from '../../api/types';
import { Badge } from '../../components/ui';

export function statusText(alert: Pick<Alert, 'status' | 'resolution'>): string {
  if (alert.status !== 'closed') return alert.status;
  return alert.resolution === 'false_positive'
    ? 'closed: false positive'
    : alert.resolution === 'true_positive'
      ? 'closed: true positive'
      : 'closed';
}

export function StatusBadge({ alert }: { alert: Pick<Alert, 'status' | 'resolution'> }) {
  const tone = alert.status === 'new' ? 'bad' : alert.status === 'acknowledged' ? 'warn' : 'ok';
  return <Badge tone={tone}>{statusText(alert)}</Badge>;
}
