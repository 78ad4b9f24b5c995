// Time helpers: ranges for searches, and how times are written on screen.

export type RangeKey = '15m' | '1h' | '24h' | '7d' | 'custom';

export const RANGE_LABELS: Record<RangeKey, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  custom: 'Custom',
};

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '15m' → 900000; undefined for anything else. */
export function durationMs(spec: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(spec.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export interface TimeRange {
  from?: string;
  to?: string;
}

/** The ISO bounds of a range, relative to `now`; custom takes local datetime-input values. */
export function resolveRange(
  key: RangeKey,
  custom: { from?: string; to?: string } = {},
  now: Date = new Date(),
): TimeRange {
  if (key === 'custom') {
    const from = custom.from ? new Date(custom.from) : undefined;
    const to = custom.to ? new Date(custom.to) : undefined;
    return {
      ...(from && !Number.isNaN(from.getTime()) && { from: from.toISOString() }),
      ...(to && !Number.isNaN(to.getTime()) && { to: to.toISOString() }),
    };
  }
  const ms = durationMs(key) ?? 0;
  return { from: new Date(now.getTime() - ms).toISOString() };
}

/** `2026-11-25 14:03:07` in the browser's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `in 4 d` for future times. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const diff = now - t;
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  const text =
    s < 60
      ? `${Math.floor(s)} s`
      : s < 3600
        ? `${Math.floor(s / 60)} min`
        : s < 86_400
          ? `${Math.floor(s / 3600)} h`
          : `${Math.floor(s / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** A value for <input type="datetime-local"> from an ISO time, in local time. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
