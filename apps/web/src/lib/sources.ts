// What a source's clock offset (its newest event's time minus its arrival) tells an operator.

/** Within this, a clock is as good as transit allows: correlations take events this late. */
const ON_TIME_MS = 60_000;
/** How far from a whole time zone (a quarter hour) an offset may be and still look like one. */
const ZONE_SLACK_MS = 2 * 60_000;
const QUARTER_HOUR_MS = 15 * 60_000;

export interface SourceClock {
  /** `on time`, `5 h 30 min ahead`, `2 min 10 s behind`, or `—` before an event carried a time */
  text: string;
  /** off by more than correlations allow */
  off: boolean;
  /** what to do about it, when the offset looks like a time zone the source does not name */
  hint?: string;
}

/** `5 h 30 min` (to the minute from an hour on), `2 min 10 s`, `45 s`. */
function span(ms: number): string {
  if (ms >= 3_600_000) {
    const minutes = Math.round(ms / 60_000);
    const min = minutes % 60;
    return `${Math.floor(minutes / 60)} h${min ? ` ${min} min` : ''}`;
  }
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}` : `${s} s`;
}

/** `+05:30` for 330 minutes. */
function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function sourceClock(offsetMs: number | null, timezone: string | null): SourceClock {
  if (offsetMs === null) return { text: '—', off: false };
  if (Math.abs(offsetMs) <= ON_TIME_MS) return { text: 'on time', off: false };
  const clock: SourceClock = {
    text: `${span(Math.abs(offsetMs))} ${offsetMs > 0 ? 'ahead' : 'behind'}`,
    off: true,
  };
  const quarters = Math.round(offsetMs / QUARTER_HOUR_MS);
  const looksLikeAZone =
    quarters !== 0 &&
    Math.abs(quarters) <= 14 * 4 &&
    Math.abs(offsetMs - quarters * QUARTER_HOUR_MS) <= ZONE_SLACK_MS;
  const zone = utcOffset(quarters * 15);
  // Which zone the device writes in depends on the one its times were read in (the source's,
  // else the server's default), which only the India case, with the default left at UTC, tells.
  if (looksLikeAZone && timezone === null && zone === '+05:30') {
    clock.hint = 'Local time written without a zone? Set its time zone to Asia/Kolkata.';
  } else if (looksLikeAZone) {
    clock.hint = `Off by ${zone}, a whole time zone: if the device writes local time without a zone, set the source’s time zone to the device’s own.`;
  } else {
    clock.hint =
      offsetMs < 0
        ? 'Correlations leave its events out: set its clock by NTP.'
        : 'Set its clock by NTP.';
  }
  return clock;
}
