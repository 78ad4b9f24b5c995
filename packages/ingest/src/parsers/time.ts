/**
 * Timestamps as senders write them, turned into UTC milliseconds. Times without a zone are read
 * in the source's configured zone (default UTC) and reported as assumed, so an analyst can tell
 * a guessed offset from a stated one.
 */
import type { ParseContext } from './types.js';

export interface ResolvedTime {
  ms: number;
  /** the text carried no zone and the source's default was used */
  zoneAssumed: boolean;
  /** the configured default zone could not be understood; UTC was used */
  zoneInvalid?: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** Month index from a three-letter English abbreviation (any case), or -1. */
export function monthIndex(name: string): number {
  return MONTHS[name.slice(0, 3).toLowerCase()] ?? -1;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** UTC offset in ms for a zone at an instant, via Intl; cached per zone and hour. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();
const offsetCache = new Map<string, number>();

function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    if (formatters.size > 1000) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

function zoneOffsetAt(f: Intl.DateTimeFormat, zone: string, instant: number): number {
  const key = `${zone}@${Math.floor(instant / HOUR)}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const offset = asUtc - (instant - (instant % 1000));
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

const FIXED_OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * Zone abbreviations seen in device logs, in hours. Abbreviations are ambiguous in general; IST is
 * read as India Standard Time because Prahari's deployments are Indian city networks.
 */
export const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  UT: 0,
  Z: 0,
  IST: 5.5,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
  CET: 1,
  CEST: 2,
  EET: 2,
  EEST: 3,
  BST: 1,
  MSK: 3,
  HKT: 8,
  SGT: 8,
  JST: 9,
  KST: 9,
  AEST: 10,
  AEDT: 11,
};

/** Offset in ms of a fixed-offset zone text (`+05:30`, `-0800`, `UTC+1`, `CDT`), or undefined. */
export function fixedOffset(text: string): number | undefined {
  const abbrev = ZONE_ABBREVIATIONS[text];
  if (abbrev !== undefined) return abbrev * HOUR;
  const m = FIXED_OFFSET.exec(text);
  if (!m) return undefined;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * HOUR + min * 60_000);
}

/**
 * Whether times can be read in `zone`: an IANA name (`Asia/Kolkata`), a fixed offset (`+05:30`)
 * or an abbreviation Prahari knows (`IST`). Any other zone leaves times read as UTC and flagged
 * `timezone_invalid`, so settings are checked with this before they are used.
 */
export function isKnownTimezone(zone: string): boolean {
  return fixedOffset(zone) !== undefined || zoneFormatter(zone) !== null;
}

/** Wall-clock fields read in the source's default zone. */
export function localToUtc(
  ctx: ParseContext,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): ResolvedTime {
  const wall = Date.UTC(y, mo, d, h, mi, s, ms);
  const zone = ctx.defaultTimezone;
  if (zone === undefined || zone === '' || zone === 'UTC' || zone === 'Etc/UTC') {
    return { ms: wall, zoneAssumed: true };
  }
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return { ms: wall - fixed, zoneAssumed: true };
  const f = zoneFormatter(zone);
  if (f === null) return { ms: wall, zoneAssumed: true, zoneInvalid: true };
  // The offset at the wall time read as UTC is right except within hours of a DST change;
  // re-reading it at the corrected instant settles those.
  let utc = wall - zoneOffsetAt(f, zone, wall);
  const again = wall - zoneOffsetAt(f, zone, utc);
  if (again !== utc) utc = again;
  return { ms: utc, zoneAssumed: true };
}

/** Apply a zone designator found in the text, or the default zone when there is none. */
export function withZone(
  ctx: ParseContext,
  zoneText: string | undefined,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): ResolvedTime | undefined {
  if (zoneText === undefined || zoneText === '') return localToUtc(ctx, y, mo, d, h, mi, s, ms);
  const off = fixedOffset(zoneText);
  if (off !== undefined) return { ms: Date.UTC(y, mo, d, h, mi, s, ms) - off, zoneAssumed: false };
  // Unknown abbreviations fall back to the default zone and are flagged as assumed.
  if (zoneText.includes('/')) {
    const r = localToUtc({ ...ctx, defaultTimezone: zoneText }, y, mo, d, h, mi, s, ms);
    if (r.zoneInvalid !== true) return { ms: r.ms, zoneAssumed: false };
  }
  return localToUtc(ctx, y, mo, d, h, mi, s, ms);
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return (
    y >= 1970 &&
    y <= 9999 &&
    mo >= 0 &&
    mo <= 11 &&
    d >= 1 &&
    d <= daysInMonth(y, mo) &&
    h <= 23 &&
    mi <= 59 &&
    s <= 60
  );
}

function fractionMs(frac: string | undefined): number {
  if (frac === undefined || frac === '') return 0;
  return Math.floor(Number((frac + '00').slice(0, 3)));
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** RFC 3339 / ISO 8601 date-time (`T` or space separator, optional fraction and zone). */
export function parseIsoTime(text: string, ctx: ParseContext): ResolvedTime | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(y, mo, d, h, mi, s)) return undefined;
  return withZone(ctx, m[8], y, mo, d, h, mi, Math.min(s, 59), fractionMs(m[7]));
}

/**
 * BSD syslog time `Mmm dd hh:mm:ss` with no year: the year is the one that does not put the
 * event in the future relative to its arrival (a December line read in January belongs to last
 * year). A day of slack absorbs senders whose clocks run ahead. Feb 29 picks the nearest leap year.
 */
export function bsdTime(
  ctx: ParseContext,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  year?: number,
  zoneText?: string,
): ResolvedTime | undefined {
  if (year !== undefined) {
    if (!validDate(year, mo, d, h, mi, s)) return undefined;
    return withZone(ctx, zoneText, year, mo, d, h, mi, Math.min(s, 59), ms);
  }
  const received = ctx.receivedAt.getTime();
  let y = new Date(received + DAY).getUTCFullYear();
  for (let tries = 0; tries < 8; tries++, y--) {
    if (!validDate(y, mo, d, h, mi, s)) continue;
    const r = withZone(ctx, zoneText, y, mo, d, h, mi, Math.min(s, 59), ms);
    if (r !== undefined && r.ms <= received + DAY) return r;
  }
  return undefined;
}

/** Unix epoch seconds (optionally fractional) or milliseconds, told apart by magnitude. */
export function epochTime(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  // Seconds until the year 5138; anything larger is milliseconds.
  const ms = value < 1e11 ? value * 1000 : value;
  if (ms > 253402300799999) return undefined;
  return Math.floor(ms);
}

let isoDay = NaN;
let isoPrefix = '';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * ISO 8601 UTC text. Logs arrive in time order, so the date part is cached per day and only the
 * clock is formatted; Date#toISOString was a visible share of the parse profile.
 */
export function toIso(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== isoDay) {
    const full = new Date(ms).toISOString();
    if (full.length !== 24) return full; // years beyond 9999 or before 0: leave to Date
    isoDay = day;
    isoPrefix = full.slice(0, 11);
  }
  const t = ms - day * DAY;
  const h = Math.floor(t / HOUR);
  const mi = Math.floor((t % HOUR) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const milli = t % 1000;
  return `${isoPrefix}${pad2(h)}:${pad2(mi)}:${pad2(s)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

const APACHE_TIME =
  /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ?([+-]\d{4})?$/;
const SLASH_TIME =
  /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4})?$/;
const MONTH_FIRST =
  /^(?:[A-Za-z]{3},? )?([A-Za-z]{3}) {1,2}(\d{1,2}),? (?:(\d{4}) )?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: ([A-Z]{2,4}|[+-]\d{2}:?\d{2}))?(?: (\d{4}))?$/;
const DAY_FIRST =
  /^(\d{1,2})[- ]([A-Za-z]{3})[- ](\d{4})[ :](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * Date parts already read, plus hour, minute, second and fraction in groups 4–7 of `m` (the layout
 * every clock-time pattern here shares); a leap second is held at :59.
 */
function clockTime(
  ctx: ParseContext,
  y: number,
  mo: number,
  d: number,
  m: RegExpExecArray,
  zone: string | undefined,
): ResolvedTime | undefined {
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (mo < 0 || !validDate(y, mo, d, h, mi, s)) return undefined;
  return withZone(ctx, zone, y, mo, d, h, mi, Math.min(s, 59), fractionMs(m[7]));
}

/**
 * The time formats vendors put in CEF `rt`, LEEF `devTime`, JSON `time` and access logs: epoch
 * seconds or ms, ISO 8601, `yyyy/MM/dd HH:mm:ss`, `MMM dd yyyy HH:mm:ss zzz`, `dd/MMM/yyyy:HH:mm:ss Z`.
 */
export function parseLooseTime(value: unknown, ctx: ParseContext): ResolvedTime | undefined {
  if (typeof value === 'number') {
    const ms = epochTime(value);
    return ms === undefined ? undefined : { ms, zoneAssumed: false };
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.length < 6 || text.length > 64) return undefined;
  if (/^\d{9,13}(?:\.\d+)?$/.test(text)) {
    const ms = epochTime(Number(text));
    return ms === undefined ? undefined : { ms, zoneAssumed: false };
  }
  const iso = parseIsoTime(text, ctx);
  if (iso) return iso;
  let m = SLASH_TIME.exec(text);
  if (m) return clockTime(ctx, Number(m[1]), Number(m[2]) - 1, Number(m[3]), m, m[8]);
  m = APACHE_TIME.exec(text);
  if (m) return clockTime(ctx, Number(m[3]), monthIndex(m[2]!), Number(m[1]), m, m[8]);
  m = MONTH_FIRST.exec(text);
  if (m) {
    const mo = monthIndex(m[1]!);
    if (mo < 0) return undefined;
    const yearText = m[3] ?? m[9];
    const ms = fractionMs(m[7]);
    return bsdTime(
      ctx,
      mo,
      Number(m[2]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
      ms,
      yearText === undefined ? undefined : Number(yearText),
      m[8],
    );
  }
  m = DAY_FIRST.exec(text);
  if (m) return clockTime(ctx, Number(m[3]), monthIndex(m[2]!), Number(m[1]), m, undefined);
  return undefined;
}
