/** Assembling a ParsedEvent: time fallback, flags, and the normalised common fields. */
import type { LogSource, ParseContext, ParsedEvent } from './types.js';
import { toIso, type ResolvedTime } from './time.js';

export type Fields = Record<string, unknown>;

/**
 * Keys come from the input (JSON members, CEF/LEEF/kv keys, Zeek headers). Assigning `__proto__`
 * on a plain object would replace its prototype and let a sender plant values behind every
 * missing field, so that one key is dropped wherever input names a field.
 */
export function isSafeKey(key: string): boolean {
  return key !== '__proto__';
}

/** Set a field unless the value is absent or a logging placeholder for "no value". */
export function put(fields: Fields, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '' || value === '-') return;
  fields[key] = value;
}

/** A port or pid from text or number; undefined when it is not a plausible integer. */
export function toInt(value: unknown, max = 2 ** 31): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

export function putPort(fields: Fields, key: string, value: unknown): void {
  const n = toInt(value, 65535);
  if (n !== undefined) fields[key] = n;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:%[\w.]+)?$/;

export function isIp(text: string): boolean {
  return IPV4.test(text) || (text.includes(':') && text.length <= 45 && IPV6.test(text));
}

/** Only put an IP-shaped value under an `.ip` key: rules and enrichment compare them as addresses. */
export function putIp(fields: Fields, key: string, value: unknown): void {
  if (typeof value === 'string' && isIp(value)) fields[key] = value;
}

export interface EventParts {
  time?: ResolvedTime | undefined;
  logsource: LogSource;
  message: string;
  fields: Fields;
  flags?: string[];
}

export function buildEvent(ctx: ParseContext, parts: EventParts): ParsedEvent {
  const flags = parts.flags ?? [];
  let ms = parts.time?.ms;
  if (ms === undefined || !Number.isFinite(ms)) {
    ms = ctx.receivedAt.getTime();
    addFlag(flags, 'time_missing');
  } else {
    if (parts.time?.zoneAssumed === true) addFlag(flags, 'timezone_assumed');
    if (parts.time?.zoneInvalid === true) addFlag(flags, 'timezone_invalid');
  }
  return {
    eventTime: toIso(ms),
    logsource: parts.logsource,
    message: parts.message,
    fields: parts.fields,
    flags,
  };
}

export function addFlag(flags: string[], flag: string): void {
  if (!flags.includes(flag)) flags.push(flag);
}

/**
 * Copy a parsed object into flat dotted keys (`alert.signature`), the shape Sigma rules and the
 * store index use. Arrays stay values; nesting is capped so hostile JSON cannot recurse deeply.
 */
export function flatten(value: unknown, prefix: string, out: Fields, depth = 0): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 8) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!isSafeKey(k)) continue;
      flatten(v, prefix === '' ? k : `${prefix}.${k}`, out, depth + 1);
    }
    return;
  }
  if (prefix !== '' && isSafeKey(prefix)) out[prefix] = value;
}
