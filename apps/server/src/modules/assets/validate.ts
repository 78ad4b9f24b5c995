/**
 * Checking and normalising what people give for assets, city services and edges: one canonical
 * form per value (so `10.0.0.5`, `AA-BB-…` and `VMS-01.` are stored once and found by lookups),
 * and a reason naming what is wrong otherwise. Values may come typed (JSON) or as text (CSV
 * cells); both are read the same way.
 */
import {
  ASSET_KINDS,
  ASSET_ZONES,
  EDGE_TYPES,
  type AssetKind,
  type AssetZone,
  type EdgeType,
} from '@prahari/store';
import { formatAddress, parseAddress } from '../indicators/normalise.js';

/** What each criticality means; shown in the API document, the CLI help and the README. */
export const CRITICALITY_MEANING: Readonly<Record<number, string>> = {
  5: 'life/safety or a city-wide service (water SCADA, ICCC core, emergency dispatch)',
  4: 'an essential service for many citizens, or much personal data (payment gateway, citizen database)',
  3: 'an important departmental system with a workaround (property-tax portal, a camera)',
  2: 'limited impact: one office, one kiosk, one workstation',
  1: 'test or lab, no production role',
};

/** What each citizen-impact level of a city service means. */
export const CITIZEN_IMPACT_MEANING: Readonly<Record<number, string>> = {
  5: 'life/safety or the whole city (water supply, emergency response)',
  4: 'an essential service to a large population (traffic control, street lighting, power)',
  3: 'an important service with workarounds (property tax, certificates, grievances)',
  2: 'a convenience (public Wi-Fi, information kiosks)',
  1: 'negligible or internal only',
};

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = <T>(reason: string): Checked<T> => ({ ok: false, reason });

/** `Network Device`, `network-device` → `network_device`. */
export function token(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

const KIND_ALIASES: Record<string, AssetKind> = {
  nvr: 'nvr_vms',
  vms: 'nvr_vms',
  plc: 'plc_rtu',
  rtu: 'plc_rtu',
  scada: 'scada_server',
  switch: 'network_device',
  router: 'network_device',
  ap: 'wifi_ap',
  access_point: 'wifi_ap',
  db: 'database',
  web_app: 'web_application',
  webapp: 'web_application',
};

export function checkKind(raw: unknown): Checked<AssetKind> {
  if (typeof raw !== 'string' || raw.trim() === '') return bad('the kind is empty');
  const t = token(raw);
  if ((ASSET_KINDS as readonly string[]).includes(t)) return ok(t as AssetKind);
  const alias = KIND_ALIASES[t];
  if (alias) return ok(alias);
  return bad(`'${raw}' is not a kind; use one of ${ASSET_KINDS.join(', ')}`);
}

export function checkZone(raw: unknown): Checked<AssetZone> {
  if (typeof raw !== 'string') return bad('the zone must be text');
  const t = token(raw);
  if ((ASSET_ZONES as readonly string[]).includes(t)) return ok(t as AssetZone);
  return bad(`'${raw}' is not a zone; use one of ${ASSET_ZONES.join(', ')}`);
}

export function checkEdgeType(raw: unknown): Checked<EdgeType> {
  if (typeof raw !== 'string' || raw.trim() === '') return bad('the edge type is empty');
  const t = token(raw);
  if ((EDGE_TYPES as readonly string[]).includes(t)) return ok(t as EdgeType);
  return bad(`'${raw}' is not an edge type; use one of ${EDGE_TYPES.join(', ')}`);
}

/** A whole number from a number or its text. */
export function checkInteger(
  raw: unknown,
  min: number,
  max: number,
  what: string,
): Checked<number> {
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && raw.trim() !== ''
        ? Number(raw.trim())
        : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    return bad(`${what} must be a whole number from ${min} to ${max}, not '${String(raw)}'`);
  return ok(n);
}

export function checkCriticality(raw: unknown): Checked<number> {
  const c = checkInteger(raw, 1, 5, 'the criticality');
  if (!c.ok)
    return bad(
      `${c.reason}: 5 = life/safety or city-wide service, 4 = essential, 3 = important, 2 = limited, 1 = test/lab`,
    );
  return c;
}

export function checkCitizenImpact(raw: unknown): Checked<number> {
  const c = checkInteger(raw, 1, 5, 'the citizen impact');
  if (!c.ok)
    return bad(
      `${c.reason}: 5 = life/safety or the whole city, 4 = essential to many, 3 = important with workarounds, 2 = convenience, 1 = negligible`,
    );
  return c;
}

const TRUE = new Set(['yes', 'y', 'true', '1', 'on']);
const FALSE = new Set(['no', 'n', 'false', '0', 'off']);

export function checkBoolean(raw: unknown): Checked<boolean> {
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'number' && (raw === 0 || raw === 1)) return ok(raw === 1);
  if (typeof raw === 'string') {
    const t = raw.trim().toLowerCase();
    if (TRUE.has(t)) return ok(true);
    if (FALSE.has(t)) return ok(false);
  }
  return bad(`'${String(raw)}' is not yes or no`);
}

/** A line of text: trimmed, no control characters, at most `max` characters. */
export function checkText(raw: unknown, max: number, what: string): Checked<string> {
  if (typeof raw !== 'string') return bad(`${what} must be text`);
  const t = raw.trim();
  if (t === '') return bad(`${what} is empty`);
  if (t.length > max) return bad(`${what} is longer than ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(t)) return bad(`${what} holds control characters`);
  return ok(t);
}

export function checkLatitude(raw: unknown): Checked<number> {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n) || n < -90 || n > 90 || (typeof raw === 'string' && raw.trim() === ''))
    return bad(`the latitude must be a number from -90 to 90, not '${String(raw)}'`);
  return ok(n);
}

export function checkLongitude(raw: unknown): Checked<number> {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n) || n < -180 || n > 180 || (typeof raw === 'string' && raw.trim() === ''))
    return bad(`the longitude must be a number from -180 to 180, not '${String(raw)}'`);
  return ok(n);
}

/** An IPv4 or IPv6 address in its canonical text; IPv4-mapped IPv6 becomes IPv4. */
export function checkIp(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return bad('an IP address must be text');
  const t = raw.trim();
  if (!t.includes(':') && /(?:^|\.)0\d/.test(t))
    return bad(`'${t}' has an octet with a leading zero, which some tools read as octal`);
  const a = parseAddress(t);
  if (!a) return bad(`'${t}' is not an IPv4 or IPv6 address`);
  return ok(formatAddress(a));
}

/** The canonical text of an address, or undefined (for lookups: no error text needed). */
export function canonicalIp(raw: string): string | undefined {
  const a = parseAddress(raw.trim());
  return a ? formatAddress(a) : undefined;
}

/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `AABBCCDDEEFF` → `aa:bb:cc:dd:ee:ff`. */
export function checkMac(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return bad('a MAC address must be text');
  const t = raw.trim().toLowerCase();
  const hex = /^[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$/.test(t)
    ? t.replace(/[:-]/g, '')
    : /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(t)
      ? t.replace(/\./g, '')
      : /^[0-9a-f]{12}$/.test(t)
        ? t
        : undefined;
  if (hex === undefined)
    return bad(`'${raw.trim()}' is not a MAC address (write it as aa:bb:cc:dd:ee:ff)`);
  return ok(hex.match(/../g)!.join(':'));
}

const HOST_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A hostname as lookups compare it: lower case, no trailing dot; one label (`vms-01`) is fine. */
export function checkHostname(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return bad('a hostname must be text');
  let h = raw.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === '') return bad('the hostname is empty');
  if (h.length > 253) return bad(`'${raw.trim()}' is longer than a hostname can be (253)`);
  for (const label of h.split('.'))
    if (!HOST_LABEL.test(label))
      return bad(
        `'${raw.trim()}' is not a hostname: label '${label}' must be 1–63 letters, digits, '-' or '_', not starting or ending with '-'`,
      );
  if (parseAddress(h)) return bad(`'${raw.trim()}' is an IP address; give it as an IP`);
  return ok(h);
}

const TAG = /^[a-z0-9][a-z0-9._:/+-]{0,49}$/;

export function checkTag(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return bad('a tag must be text');
  const t = raw.trim().toLowerCase();
  if (!TAG.test(t))
    return bad(
      `'${raw.trim()}' is not a tag: 1–50 letters, digits and . _ : / + -, starting with a letter or digit`,
    );
  return ok(t);
}

/**
 * A list given as an array or as text separated by `;`, `|`, `,` or spaces; each item checked.
 * Duplicates are dropped.
 */
export function checkList<T>(
  raw: unknown,
  check: (item: unknown) => Checked<T>,
  max: number,
  what: string,
): Checked<T[]> {
  const items =
    typeof raw === 'string'
      ? raw.split(/[;|,\s]+/).filter((s) => s !== '')
      : Array.isArray(raw)
        ? (raw as unknown[])
        : undefined;
  if (items === undefined) return bad(`${what} must be a list`);
  if (items.length > max) return bad(`at most ${max} ${what}`);
  const out: T[] = [];
  for (const item of items) {
    const c = check(item);
    if (!c.ok) return c;
    if (!out.includes(c.value)) out.push(c.value);
  }
  return ok(out);
}

const CPE_PARTS = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'sw_edition',
  'target_sw',
  'target_hw',
  'other',
] as const;

// NISTIR 7695 (CPE 2.3 naming), formatted string binding: each attribute is `*`, `-`, or a value
// of letters, digits, `-`, `.`, `_` and backslash-escaped punctuation, with `?`/`*` wildcards only
// at its ends.
const CPE_VALUE =
  /^(?:[*-]|(?:\?+|\*)?(?:[a-zA-Z0-9\-._]|\\[\\*?!"#$%&'()+,/:;<=>@[\]^`{|}~])+(?:\?+|\*)?)$/;
const CPE_LANGUAGE = /^(?:[*-]|[a-zA-Z]{2,3}(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?)$/;

/** Splits on `:` not escaped by a backslash. */
function cpeComponents(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[i + 1]!;
      i++;
    } else if (c === ':') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * A CPE 2.3 formatted string (`cpe:2.3:a:hikvision:ds-2cd2143g0-i_firmware:5.5.0:*:*:*:*:*:*:*`):
 * thirteen colon-separated components, the part `a`, `o`, `h` (or `*`/`-`), each value well formed.
 */
export function checkCpe(raw: unknown): Checked<string> {
  if (typeof raw !== 'string') return bad('the CPE must be text');
  const t = raw.trim();
  if (t.startsWith('cpe:/'))
    return bad(
      `'${t}' is a CPE 2.2 URI; give the CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other)`,
    );
  if (t.length > 500) return bad('the CPE is longer than 500 characters');
  const parts = cpeComponents(t);
  if (parts[0] !== 'cpe' || parts[1] !== '2.3') return bad(`'${t}' does not start with cpe:2.3:`);
  const values = parts.slice(2);
  if (values.length !== 11)
    return bad(
      `'${t}' has ${values.length} attributes after cpe:2.3; a CPE 2.3 name has 11 (part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other; use * for any)`,
    );
  if (!/^[aho*-]$/.test(values[0]!))
    return bad(
      `the CPE part '${values[0]}' must be a (application), o (operating system) or h (hardware)`,
    );
  for (let i = 1; i < 11; i++) {
    const v = values[i]!;
    const re = CPE_PARTS[i] === 'language' ? CPE_LANGUAGE : CPE_VALUE;
    if (!re.test(v))
      return bad(
        `the CPE ${CPE_PARTS[i]} '${v}' is not well formed: letters, digits, - . _, other punctuation escaped with \\, * for any`,
      );
  }
  return ok(t);
}

/** `feeders:1` → group `feeders`, k 1 (the dependent works while at least k of the group are up). */
export function checkRedundancy(raw: unknown): Checked<{ group: string; k: number }> {
  if (typeof raw !== 'string') return bad('redundancy must be GROUP:K, e.g. feeders:1');
  const m = /^\s*([^:]+?)\s*:\s*(\d+)\s*$/.exec(raw);
  if (!m) return bad(`'${raw}' is not GROUP:K (e.g. feeders:1: works while 1 of the group is up)`);
  const group = checkText(m[1], 100, 'the redundancy group');
  if (!group.ok) return group;
  const k = checkInteger(m[2], 1, 1000, 'k');
  if (!k.ok) return k;
  return ok({ group: group.value, k: k.value });
}
