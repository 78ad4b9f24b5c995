/**
 * Reading indicator values: one canonical text per value (so `1.2.3.4` and `EVIL.example.` are
 * stored once), the type a bare value is, and the keys the matcher looks values up by. The service
 * uses these to validate what people add; the matcher uses the same functions on event values, so
 * an indicator and an event value meet in the same form.
 */
import { domainToASCII } from 'node:url';
import type { IndicatorType } from '@prahari/store';

export const INDICATOR_TYPES: readonly IndicatorType[] = ['ip', 'cidr', 'domain', 'url', 'hash'];

/** An IPv4 address as an unsigned 32-bit number; undefined when it is not one. */
export function parseIPv4(s: string): number | undefined {
  const len = s.length;
  if (len < 7 || len > 15) return undefined;
  let n = 0;
  let parts = 0;
  let cur = -1;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (cur < 0) return undefined;
      n = n * 256 + cur;
      parts++;
      cur = -1;
    } else if (c >= 48 && c <= 57) {
      cur = cur < 0 ? c - 48 : cur * 10 + (c - 48);
      if (cur > 255) return undefined;
    } else return undefined;
  }
  return parts === 4 ? n >>> 0 : undefined;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const HEX4 = /^[0-9a-fA-F]{1,4}$/;

/**
 * An IPv6 address as 32 lower-case hex digits (every group written out), the form the matcher
 * keys addresses and prefixes by. Accepts `[…]`, a zone (`%eth0`, dropped) and a dotted IPv4 tail.
 */
export function parseIPv6(input: string): string | undefined {
  let s = input;
  if (s.length > 60) return undefined;
  if (s.charCodeAt(0) === 91 /* [ */ && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    const items = h.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i]!;
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (HEX4.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  return all.map((g) => g.toString(16).padStart(4, '0')).join('');
}

/** RFC 5952 text of a 32-hex-digit address: lower case, longest zero run (of two or more) as `::`. */
export function formatIPv6(hex: string): string {
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** `::ffff:a.b.c.d` is an IPv4 address seen through an IPv6 socket: compare it as IPv4. */
export function mappedIPv4(hex: string): number | undefined {
  return hex.startsWith('00000000000000000000ffff') ? parseInt(hex.slice(24), 16) >>> 0 : undefined;
}

/** An address of either family, IPv4-mapped IPv6 folded to IPv4. */
export type Address = { v: 4; n: number } | { v: 6; hex: string };

export function parseAddress(s: string): Address | undefined {
  if (s.includes(':')) {
    const hex = parseIPv6(s);
    if (hex === undefined) return undefined;
    const v4 = mappedIPv4(hex);
    return v4 === undefined ? { v: 6, hex } : { v: 4, n: v4 };
  }
  const n = parseIPv4(s);
  return n === undefined ? undefined : { v: 4, n };
}

export function formatAddress(a: Address): string {
  return a.v === 4 ? formatIPv4(a.n) : formatIPv6(a.hex);
}

export function v4Mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** The first `bits` bits of a 32-hex-digit address, as the hex digits that hold them (the last masked). */
export function v6Prefix(hex: string, bits: number): string {
  const whole = bits >> 2;
  const rest = bits & 3;
  if (rest === 0) return hex.slice(0, whole);
  const nibble = parseInt(hex[whole]!, 16) & (0xf0 >> rest) & 0xf;
  return hex.slice(0, whole) + nibble.toString(16);
}

export type Cidr = { v: 4; net: number; bits: number } | { v: 6; prefix: string; bits: number };

/** Why a value is not of a type, or its canonical text. */
export type Checked = { ok: true; value: string } | { ok: false; reason: string };

const bad = (reason: string): Checked => ({ ok: false, reason });

function hasLeadingZeroOctet(s: string): boolean {
  return /(?:^|\.)0\d/.test(s);
}

function checkIp(value: string): Checked {
  if (!value.includes(':') && hasLeadingZeroOctet(value))
    return bad(`'${value}' has an octet with a leading zero, which some tools read as octal`);
  const a = parseAddress(value);
  if (!a) return bad(`'${value}' is not an IPv4 or IPv6 address`);
  return { ok: true, value: formatAddress(a) };
}

export function parseCidr(value: string): Cidr | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddress(value.slice(0, slash));
  const lenText = value.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(lenText)) return undefined;
  const bits = Number(lenText);
  // An IPv4-mapped network written in IPv6 keeps its IPv6 length: ::ffff:10.0.0.0/104 is 10/8.
  const v6Written = value.slice(0, slash).includes(':');
  if (addr.v === 4) {
    const b = v6Written ? bits - 96 : bits;
    if (b < 0 || b > 32) return undefined;
    return { v: 4, net: (addr.n & v4Mask(b)) >>> 0, bits: b };
  }
  if (bits > 128) return undefined;
  return { v: 6, prefix: v6Prefix(addr.hex, bits), bits };
}

export function formatCidr(c: Cidr): string {
  if (c.v === 4) return `${formatIPv4(c.net)}/${c.bits}`;
  return `${formatIPv6(c.prefix.padEnd(32, '0'))}/${c.bits}`;
}

function checkCidr(value: string): Checked {
  const slash = value.indexOf('/');
  if (slash < 0)
    return bad(`'${value}' is not a network: write it as address/length, e.g. 10.0.0.0/8`);
  const left = value.slice(0, slash);
  if (!left.includes(':') && hasLeadingZeroOctet(left))
    return bad(`'${value}' has an octet with a leading zero, which some tools read as octal`);
  if (!parseAddress(left)) return bad(`'${left}' in '${value}' is not an IPv4 or IPv6 address`);
  const c = parseCidr(value);
  if (!c) {
    const max = left.includes(':') ? 128 : 32;
    return bad(`the prefix length of '${value}' must be a whole number from 1 to ${max}`);
  }
  if (c.bits === 0) return bad(`'${value}' would match every address`);
  return { ok: true, value: formatCidr(c) };
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * A DNS name as the matcher compares it: lower case, no trailing dot, international names in
 * their ASCII (punycode) form. Undefined when it is not a name.
 */
export function normaliseDomain(raw: string): string | undefined {
  let d = raw.toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(d)) {
    d = domainToASCII(d);
    if (d === '') return undefined;
  }
  return d;
}

function checkDomain(value: string): Checked {
  const d = normaliseDomain(value);
  if (d === undefined || d.length === 0) return bad(`'${value}' is not a domain name`);
  if (d.length > 253) return bad(`'${value}' is longer than a DNS name can be (253 characters)`);
  const labels = d.split('.');
  if (labels.length < 2)
    return bad(
      `'${value}' is a single label; name a registered domain or host (e.g. evil.example), not a top-level domain`,
    );
  for (const label of labels) {
    if (!LABEL.test(label))
      return bad(
        `'${value}' is not a domain name: label '${label}' must be 1–63 letters, digits, '-' or '_', not starting or ending with '-'`,
      );
  }
  if (/^\d+$/.test(labels.at(-1)!))
    return bad(`'${value}' looks like an address, not a domain name; use type ip`);
  return { ok: true, value: d };
}

export interface UrlKey {
  /** scheme://host[:port]/path?query, fragment and credentials dropped */
  href: string;
  /** host[:port]/path?query: what the matcher compares, whatever the scheme */
  hostPath: string;
  /** the host without port; IPv6 without brackets */
  hostname: string;
  pathname: string;
  /** host[:port] */
  host: string;
  search: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Reads an absolute URL through the WHATWG parser: scheme and host lower-cased, default port
 * dropped, dot segments resolved, international hosts in punycode. Undefined when it is not one.
 */
export function urlKey(raw: string): UrlKey | undefined {
  if (!SCHEME.test(raw)) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  if (u.host === '') return undefined;
  const hostPath = `${u.host}${u.pathname}${u.search}`;
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return {
    href: `${u.protocol}//${hostPath}`,
    hostPath,
    hostname,
    host: u.host,
    pathname: u.pathname,
    search: u.search,
  };
}

function checkUrl(value: string): Checked {
  const withScheme = SCHEME.test(value) ? value : `http://${value}`;
  const k = urlKey(withScheme);
  if (!k) return bad(`'${value}' is not a URL`);
  if (!parseAddress(k.hostname)) {
    const d = checkDomain(k.hostname);
    if (!d.ok) return bad(`the host of '${value}' is not valid: ${d.reason}`);
  }
  return { ok: true, value: k.href };
}

const HEX = /^[0-9a-f]+$/;
export const HASH_LENGTHS: Readonly<Record<number, string>> = {
  32: 'MD5',
  40: 'SHA-1',
  64: 'SHA-256',
};

function checkHash(value: string): Checked {
  const h = value.toLowerCase();
  if (!HEX.test(h)) return bad(`'${value}' is not a hash: only hexadecimal digits are allowed`);
  if (!HASH_LENGTHS[h.length])
    return bad(
      `'${value}' has ${h.length} hex digits; a hash has 32 (MD5), 40 (SHA-1) or 64 (SHA-256)`,
    );
  return { ok: true, value: h };
}

/**
 * Undoes the usual "defanging" of shared indicators: `hxxp://`, `[.]`, `(.)`, `[dot]`, `[:]`, so
 * a value copied from a report works as written.
 */
export function refang(value: string): string {
  return value
    .trim()
    .replace(/^hxxp(s?):\/\//i, 'http$1://')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[\/\]/g, '/');
}

/** The type a bare value most likely is; undefined when it fits none. */
export function detectType(raw: string): IndicatorType | undefined {
  const value = refang(raw);
  if (value === '') return undefined;
  if (parseAddress(value)) return 'ip';
  if (value.includes('/') && !value.includes('://') && parseAddress(value.split('/')[0]!))
    return 'cidr';
  if (HEX.test(value.toLowerCase()) && HASH_LENGTHS[value.length]) return 'hash';
  if (SCHEME.test(value)) return 'url';
  if (value.includes('/')) {
    // `evil.example/dl/x.exe` as feeds often list URLs, without a scheme
    const host = value.slice(0, value.indexOf('/'));
    return checkDomain(host.replace(/:\d+$/, '')).ok ? 'url' : undefined;
  }
  return checkDomain(value).ok ? 'domain' : undefined;
}

/**
 * For a value `detectType` cannot place: the type it looks most like, so the error can say what
 * is wrong with it as that (`1.2.3.4.5`, `a..b.example`). Undefined for a bare word.
 */
export function likelyType(raw: string): IndicatorType | undefined {
  const v = refang(raw);
  if (/^[0-9.]+$/.test(v)) return 'ip';
  if (/^[0-9a-f]{16,}$/i.test(v)) return 'hash';
  if (v.includes('/')) return 'url';
  if (v.includes(':')) return 'ip';
  if (v.includes('.') && !/\s/.test(v)) return 'domain';
  return undefined;
}

/** The canonical text of `raw` as an indicator of `type`, or why it is not one. */
export function checkIndicator(type: IndicatorType, raw: string): Checked {
  const value = refang(raw);
  if (value === '') return bad('the value is empty');
  if (value.length > 2048) return bad('the value is longer than 2048 characters');
  switch (type) {
    case 'ip':
      return checkIp(value);
    case 'cidr':
      return checkCidr(value);
    case 'domain':
      return checkDomain(value);
    case 'url':
      return checkUrl(value);
    case 'hash':
      return checkHash(value);
  }
}
