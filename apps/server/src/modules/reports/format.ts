/** Wording shared by the reports: times in IST and UTC, durations, what a number means. */
import { CITIZEN_IMPACT_MEANING, CRITICALITY_MEANING } from '../assets/validate.js';
import type { AffectedSystem } from './facts.js';

/** India Standard Time has no daylight saving: UTC+05:30 all year. */
const IST_OFFSET_MS = 330 * 60_000;

export const NOT_SET = 'not set';
export const NOT_KNOWN = 'not known';

/** A time as both readings: ISO UTC, and ISO with the +05:30 offset (the same instant in IST). */
export interface BothTimes {
  utc: string;
  ist: string;
}

function parts(ms: number): { date: string; time: string } {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

export function bothTimes(iso: string): BothTimes {
  const ms = Date.parse(iso);
  const ist = parts(ms + IST_OFFSET_MS);
  return { utc: new Date(ms).toISOString(), ist: `${ist.date}T${ist.time}+05:30` };
}

/** `2026-03-14 09:42:05 IST (04:12:05 UTC)`; the UTC date is added when it differs. */
export function istAndUtc(iso: string | null, missing = NOT_KNOWN): string {
  if (iso === null) return missing;
  const ms = Date.parse(iso);
  const ist = parts(ms + IST_OFFSET_MS);
  const utc = parts(ms);
  return `${ist.date} ${ist.time} IST (${utc.date === ist.date ? '' : `${utc.date} `}${utc.time} UTC)`;
}

/** `2026-03-14 09:42 IST`, for tables. */
export function ist(iso: string | null, missing = NOT_KNOWN): string {
  if (iso === null) return missing;
  const p = parts(Date.parse(iso) + IST_OFFSET_MS);
  return `${p.date} ${p.time.slice(0, 5)} IST`;
}

/** `3 h 05 min`, `2 d 4 h`, `45 s`; negative durations are written as their size. */
export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d${h % 24 === 0 ? '' : ` ${h % 24} h`}`;
}

export function minutesText(minutes: number | null, missing = NOT_SET): string {
  return minutes === null ? missing : minutes === 0 ? 'at once' : duration(minutes * 60_000);
}

/** `5 — life/safety or a city-wide service (…)` */
export function criticalityText(criticality: number | null): string {
  if (criticality === null) return 'not rated';
  return `${criticality} — ${CRITICALITY_MEANING[criticality] ?? 'unknown level'}`;
}

export function citizenImpactText(impact: number | null): string {
  if (impact === null) return NOT_SET;
  return `${impact} — ${CITIZEN_IMPACT_MEANING[impact] ?? 'unknown level'}`;
}

/** Site, ward and coordinates in one line, or null when none is known. */
export function locationText(system: AffectedSystem): string | null {
  const bits: string[] = [];
  if (system.site) bits.push(system.site);
  if (system.ward) bits.push(`ward ${system.ward}`);
  if (system.latitude !== null && system.longitude !== null)
    bits.push(`${system.latitude.toFixed(5)}, ${system.longitude.toFixed(5)}`);
  return bits.length > 0 ? bits.join('; ') : null;
}

/** Vendor, product and version in one line. */
export function productText(system: AffectedSystem): string | null {
  const text = [system.vendor, system.product, system.version].filter(Boolean).join(' ');
  return text === '' ? null : text;
}

export function listText(items: readonly string[], missing = 'none'): string {
  return items.length > 0 ? items.join(', ') : missing;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2 April 2026 at 04:10 IST`, for citizens. */
export function istLong(iso: string): string {
  const d = new Date(Date.parse(iso) + IST_OFFSET_MS);
  const time = d.toISOString().slice(11, 16);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} at ${time} IST`;
}
