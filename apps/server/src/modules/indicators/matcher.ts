/**
 * Indicators of compromise matched on every stored event. Pure: built once from the active
 * indicators, then `match(event)` looks each interesting field's value up in hash sets — never a
 * scan over the indicators — so 100,000 indicators cost what 10 do.
 *
 *   ip      exact address, IPv4 and IPv6 (IPv4-mapped IPv6 folded to IPv4)
 *   cidr    one map per prefix length in use, per family: an address costs one masked lookup
 *           per distinct length
 *   domain  the value and each parent domain (`a.b.evil.example` → `b.evil.example` →
 *           `evil.example`), case-insensitive, trailing dot ignored
 *   url     host[:port] + path (+ query): the full value and each path prefix at a `/`, so an
 *           indicator `http://evil.example/dl/` matches `https://EVIL.example:443/dl/x.exe?a=1`;
 *           the scheme is not compared (feeds and logs disagree on it)
 *   hash    MD5, SHA-1, SHA-256 as lower-case hex
 */
import type { IndicatorRecord, IndicatorType } from '@prahari/store';
import {
  HASH_LENGTHS,
  checkIndicator,
  normaliseDomain,
  parseCidr,
  parseIPv4,
  parseIPv6,
  mappedIPv4,
  urlKey,
  v4Mask,
  v6Prefix,
  type UrlKey,
} from './normalise.js';

/** What a field holds, and so which indicators are looked for in it. */
export type FieldKind =
  /** an IP address: ip and cidr indicators */
  | 'address'
  /** a DNS name (domain indicators), or an address (ip, cidr) when it is one; `:port` ignored */
  | 'host'
  /**
   * a URL: url indicators, and its host as for `host`. A path (`/dl/x.exe`) is read with the
   * host in the rule's `host` field, for logs that keep the two apart.
   */
  | 'url'
  /** one hash, hex */
  | 'hash'
  /** Sysmon's `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (IMPHASH is not a file hash and is skipped) */
  | 'hashes'
  /** free text: every address, name, URL and hash written in it */
  | 'text';

export interface IndicatorField {
  field: string;
  kind: FieldKind;
  /** for `url` fields that may hold only a path: the field with the request's host */
  host?: string;
}

/**
 * Where indicators are looked for: the field names the ingest parsers
 * (packages/ingest/src/parsers) produce, in the order a match reports its field. The normalised
 * names come first, so a hit names `source.ip` rather than its format-specific twin. A value may
 * also be an array (Zeek's `answers`); each string in it is checked. Besides these, the sending
 * address (`sender`, the event's `sourceIp`) is checked as an address and the message as text.
 */
export const INDICATOR_FIELDS: readonly IndicatorField[] = [
  // Addresses. Normalised by every parser:
  { field: 'source.ip', kind: 'address' },
  { field: 'destination.ip', kind: 'address' },
  // Suricata EVE; src_ip/dst_ip are also the firewall names (CEF, key=value, Cisco ASA):
  { field: 'src_ip', kind: 'address' },
  { field: 'dest_ip', kind: 'address' },
  { field: 'dst_ip', kind: 'address' },
  // Zeek (conn, dns, http, ssl, files …):
  { field: 'id.orig_h', kind: 'address' },
  { field: 'id.resp_h', kind: 'address' },
  // CEF / LEEF extension keys, FortiGate key=value:
  { field: 'src', kind: 'address' },
  { field: 'dst', kind: 'address' },
  { field: 'srcip', kind: 'address' },
  { field: 'dstip', kind: 'address' },
  // web server and proxy client (W3C names):
  { field: 'c-ip', kind: 'address' },
  // Windows (Sysmon 3, Security 4624/4625); flat JSON and Wazuh (win.eventdata) give the
  // Event Log's own names, evtx_dump-style JSON keeps them under Event.EventData:
  { field: 'SourceIp', kind: 'address' },
  { field: 'DestinationIp', kind: 'address' },
  { field: 'IpAddress', kind: 'address' },
  { field: 'Event.EventData.SourceIp', kind: 'address' },
  { field: 'Event.EventData.DestinationIp', kind: 'address' },
  { field: 'Event.EventData.IpAddress', kind: 'address' },

  // DNS names. Queries: Suricata dns (dns.rrname, and query/dns.question.name it adds), Zeek
  // dns (query), Sysmon 22 (QueryName); answers: Zeek (answers), Suricata EVE v1 (dns.rdata):
  { field: 'dns.question.name', kind: 'host' },
  { field: 'dns.rrname', kind: 'host' },
  { field: 'query', kind: 'host' },
  { field: 'QueryName', kind: 'host' },
  { field: 'Event.EventData.QueryName', kind: 'host' },
  { field: 'answers', kind: 'host' },
  { field: 'dns.rdata', kind: 'host' },
  // HTTP hosts: Suricata (http.hostname, url.domain), Zeek http (host), web server vhost and
  // proxy (cs-host, r-dns), FortiGate web filter (hostname), CEF destination host (dhost),
  // Sysmon 3 (DestinationHostname):
  { field: 'http.hostname', kind: 'host' },
  { field: 'url.domain', kind: 'host' },
  { field: 'host', kind: 'host' },
  { field: 'cs-host', kind: 'host' },
  { field: 'r-dns', kind: 'host' },
  { field: 'hostname', kind: 'host' },
  { field: 'dhost', kind: 'host' },
  { field: 'DestinationHostname', kind: 'host' },
  { field: 'Event.EventData.DestinationHostname', kind: 'host' },
  // TLS server names: Suricata (tls.sni, tls.client.server_name), Zeek ssl (server_name):
  { field: 'tls.sni', kind: 'host' },
  { field: 'tls.client.server_name', kind: 'host' },
  { field: 'server_name', kind: 'host' },
  // certificate names: Zeek x509 (san.dns, a list):
  { field: 'san.dns', kind: 'host' },

  // URLs. Whole URLs: CEF request (also as url.original), referrers. Paths with their host:
  // Suricata http.url, Zeek uri, web/proxy c-uri, FortiGate url:
  { field: 'url.original', kind: 'url', host: 'url.domain' },
  { field: 'request', kind: 'url' },
  { field: 'http.url', kind: 'url', host: 'http.hostname' },
  { field: 'uri', kind: 'url', host: 'host' },
  { field: 'c-uri', kind: 'url', host: 'cs-host' },
  { field: 'url', kind: 'url', host: 'hostname' },
  { field: 'cs-referer', kind: 'url' },
  { field: 'http.request.referrer', kind: 'url' },
  { field: 'http.http_refer', kind: 'url' },
  { field: 'referrer', kind: 'url' },
  // a query string often carries a URL or a name (redirect=…, callback=…):
  { field: 'cs-uri-query', kind: 'text' },

  // File hashes: Suricata fileinfo, Zeek files, ECS file.hash.*, CEF fileHash, Sysmon Hashes:
  { field: 'fileinfo.md5', kind: 'hash' },
  { field: 'fileinfo.sha1', kind: 'hash' },
  { field: 'fileinfo.sha256', kind: 'hash' },
  { field: 'md5', kind: 'hash' },
  { field: 'sha1', kind: 'hash' },
  { field: 'sha256', kind: 'hash' },
  { field: 'file.hash.md5', kind: 'hash' },
  { field: 'file.hash.sha1', kind: 'hash' },
  { field: 'file.hash.sha256', kind: 'hash' },
  { field: 'fileHash', kind: 'hash' },
  { field: 'Hashes', kind: 'hashes' },
  { field: 'Hash', kind: 'hashes' },
  { field: 'Event.EventData.Hashes', kind: 'hashes' },
  { field: 'Event.EventData.Hash', kind: 'hashes' },
  // certificate fingerprints (SHA-1/SHA-256; Suricata writes hex pairs with colons):
  { field: 'tls.fingerprint', kind: 'hash' },
  { field: 'fingerprint', kind: 'hash' },
];

/** The event as the matcher reads it: a stored event has all three. */
export interface MatchableEvent {
  fields: Record<string, unknown>;
  /** the address the event was received from */
  sourceIp: string | null;
  message?: string;
}

export interface IndicatorMatch {
  indicator: IndicatorRecord;
  /** the field it was found in; `sender` for the sending address, `message` for the text */
  field: string;
  /**
   * the field's value; for fields holding several values (an array, a Sysmon `Hashes` list, a
   * message) the one that matched
   */
  value: string;
}

type Bucket = IndicatorRecord[];
const ARRAY_CAP = 64;
const PATH_SEGMENT_CAP = 32;
const TEXT_CAP = 16 * 1024;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

/** Characters of a word in text: letters, digits, `_ . : -`. */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[0-9A-Za-z_.:-]/.test(ch)) WORD_CHAR[c] = 1;
}
/** Characters that end a URL written in text. */
const URL_END = new Uint8Array(128);
for (const ch of ' \t\r\n"\'<>\\^`{|}') URL_END[ch.charCodeAt(0)] = 1;

const byNumber = (a: number, b: number) => a - b;
const isHexCode = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

function percentDecoded(v: string): string {
  try {
    return decodeURIComponent(v.replaceAll('+', ' '));
  } catch {
    return v;
  }
}

/** Is text[start, eq) `IMPHASH` (any case, blanks around)? */
function isImphash(text: string, start: number, eq: number): boolean {
  let a = start;
  let b = eq;
  while (a < b && text.charCodeAt(a) === 32) a++;
  while (b > a && text.charCodeAt(b - 1) === 32) b--;
  if (b - a !== 7) return false;
  for (let i = 0; i < 7; i++)
    if ((text.charCodeAt(a + i) | 0x20) !== 'imphash'.charCodeAt(i)) return false;
  return true;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: '80',
  https: '443',
  ftp: '21',
  ws: '80',
  wss: '443',
};

/**
 * The host of `scheme://[user@]host[:port]/…`, read by hand and lower-cased, the scheme's default
 * port dropped (as the WHATWG parser writes it). Undefined for anything unusual — a `%`, `\`,
 * non-ASCII or IPv6 host, or one that ends in a digit but is not a dotted IPv4 address — which
 * the full parser then reads.
 */
function quickHost(url: string): { host: string; hostname: string } | undefined {
  const s = url.indexOf('://');
  let end = url.length;
  for (let i = s + 3; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
    if (c === 92 || c === 37 || c === 91 || c > 126 || c <= 32) return undefined;
  }
  let authority = url.slice(s + 3, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority.toLowerCase();
  let hostname = host;
  const colon = host.indexOf(':');
  if (colon >= 0) {
    hostname = host.slice(0, colon);
    const port = host.slice(colon + 1);
    if (port === '' || port === DEFAULT_PORTS[url.slice(0, s).toLowerCase()]) host = hostname;
  }
  if (hostname === '') return undefined;
  const last = hostname.charCodeAt(hostname.length - 1);
  if (last >= 48 && last <= 57 && parseIPv4(hostname) === undefined) return undefined;
  return { host, hostname };
}

/** `b.evil.example` → `evil.example`; a name of one label is itself. */
function lastTwoLabels(d: string): string {
  const last = d.lastIndexOf('.');
  if (last <= 0) return d;
  const before = d.lastIndexOf('.', last - 1);
  return before < 0 ? d : d.slice(before + 1);
}

function add<K>(map: Map<K, Bucket>, key: K, ind: IndicatorRecord): void {
  const b = map.get(key);
  if (b) b.push(ind);
  else map.set(key, [ind]);
}

/** Per-event state: what was found, and which strings were already looked up as addresses/hosts. */
interface Scan {
  out: IndicatorMatch[];
  seen: string[];
}

export class IndicatorMatcher {
  /** IPv4 keys are signed 32-bit (`n | 0`): small integers to V8, so lookups allocate nothing */
  readonly #v4 = new Map<number, Bucket>();
  readonly #v6 = new Map<string, Bucket>();
  /** most specific first */
  readonly #v4Nets: { mask: number; nets: Map<number, Bucket> }[] = [];
  readonly #v6Nets: { bits: number; nets: Map<string, Bucket> }[] = [];
  /**
   * One bit per IPv4 /24 block holding any listed address or network (2 MB): most addresses in
   * events are dismissed by one array read, before any map lookup.
   */
  #v4Blocks: Uint8Array | undefined;
  readonly #domains = new Map<string, Bucket>();
  /** the last two labels of every domain indicator: a name whose own are not here matches none */
  readonly #domainTails = new Set<string>();
  readonly #urls = new Map<string, Bucket>();
  /** host[:port] of every URL indicator: most URLs are dismissed by this one lookup */
  readonly #urlHosts = new Set<string>();
  readonly #hashes = new Map<string, Bucket>();
  /** field name → its position in INDICATOR_FIELDS, for the fields that can match something */
  readonly #ruleAt = new Map<string, number>();
  /** scratch space of `match` (which runs to completion before it is called again) */
  readonly #scan: Scan = { out: [], seen: [] };
  readonly #present: number[] = [];
  readonly #addresses: boolean;
  readonly #names: boolean;
  readonly #anything: boolean;
  /** how many indicators it holds, by type */
  readonly counts: Record<IndicatorType, number> = { ip: 0, cidr: 0, domain: 0, url: 0, hash: 0 };
  /** records whose value could not be read (none when they came through the service) */
  readonly skipped: IndicatorRecord[] = [];

  /** `indicators`: kept as given, so a thread of its own can build the same matcher */
  constructor(readonly indicators: readonly IndicatorRecord[]) {
    const v4Nets = new Map<number, Map<number, Bucket>>();
    const v6Nets = new Map<number, Map<string, Bucket>>();
    for (const ind of indicators) {
      const checked = checkIndicator(ind.type, ind.value);
      if (!checked.ok) {
        this.skipped.push(ind);
        continue;
      }
      const value = checked.value;
      this.counts[ind.type]++;
      switch (ind.type) {
        case 'ip': {
          if (value.includes(':')) add(this.#v6, parseIPv6(value)!, ind);
          else {
            const n = parseIPv4(value)!;
            add(this.#v4, n | 0, ind);
            this.#markBlocks(n, 32);
          }
          break;
        }
        case 'cidr': {
          const c = parseCidr(value)!;
          if (c.v === 4) {
            let nets = v4Nets.get(c.bits);
            if (!nets) v4Nets.set(c.bits, (nets = new Map<number, Bucket>()));
            add(nets, c.net | 0, ind);
            this.#markBlocks(c.net, c.bits);
          } else {
            let nets = v6Nets.get(c.bits);
            if (!nets) v6Nets.set(c.bits, (nets = new Map<string, Bucket>()));
            add(nets, c.prefix, ind);
          }
          break;
        }
        case 'domain':
          add(this.#domains, value, ind);
          this.#domainTails.add(lastTwoLabels(value));
          break;
        case 'url': {
          const k = urlKey(value)!;
          add(this.#urls, k.hostPath, ind);
          this.#urlHosts.add(k.host);
          break;
        }
        case 'hash':
          add(this.#hashes, value, ind);
          add(this.#hashes, value.toUpperCase(), ind);
          break;
      }
    }
    for (const bits of [...v4Nets.keys()].sort((a, b) => b - a))
      this.#v4Nets.push({ mask: v4Mask(bits) | 0, nets: v4Nets.get(bits)! });
    for (const bits of [...v6Nets.keys()].sort((a, b) => b - a))
      this.#v6Nets.push({ bits, nets: v6Nets.get(bits)! });

    this.#addresses = this.#v4.size + this.#v6.size + this.#v4Nets.length + this.#v6Nets.length > 0;
    this.#names = this.#domains.size > 0;
    const hashes = this.#hashes.size > 0;
    this.#anything = this.#addresses || this.#names || this.#urls.size > 0 || hashes;
    // Only the fields that can match something are read for each event.
    INDICATOR_FIELDS.forEach((r, i) => {
      const useful =
        r.kind === 'address'
          ? this.#addresses
          : r.kind === 'host'
            ? this.#addresses || this.#names
            : r.kind === 'hash' || r.kind === 'hashes'
              ? hashes
              : this.#anything;
      if (useful) this.#ruleAt.set(r.field, i);
    });
  }

  #markBlocks(net: number, bits: number): void {
    const blocks = (this.#v4Blocks ??= new Uint8Array(1 << 21));
    const first = net >>> 8;
    const count = bits >= 24 ? 1 : 2 ** (24 - bits);
    for (let b = first; b < first + count; b++) blocks[b >>> 3]! |= 1 << (b & 7);
  }

  /** How many indicators it matches on. */
  get size(): number {
    const c = this.counts;
    return c.ip + c.cidr + c.domain + c.url + c.hash;
  }

  /** Every indicator found in the event, each once, with the first field it was found in. */
  match(event: MatchableEvent): IndicatorMatch[] {
    if (!this.#anything) return [];
    const scan = this.#scan;
    scan.out = [];
    scan.seen.length = 0;
    const fields = event.fields;
    // An event has a few dozen keys and the table some eighty rows: walk the keys, then read the
    // fields found in the table's order (that order decides which field a match names).
    const present = this.#present;
    present.length = 0;
    for (const k in fields) {
      const at = this.#ruleAt.get(k);
      if (at !== undefined) present.push(at);
    }
    if (present.length > 0) {
      if (present.length > 1) present.sort(byNumber);
      for (const at of present) {
        const rule = INDICATOR_FIELDS[at]!;
        const v = fields[rule.field];
        if (typeof v === 'string') {
          if (v !== '') this.#check(rule, v, fields, scan);
        } else if (Array.isArray(v)) {
          const n = Math.min(v.length, ARRAY_CAP);
          for (let i = 0; i < n; i++) {
            const item: unknown = v[i];
            if (typeof item === 'string' && item !== '') this.#check(rule, item, fields, scan);
          }
        }
      }
    }
    if (event.sourceIp && this.#addresses)
      this.#address('sender', event.sourceIp, event.sourceIp, scan);
    // A JSON record's message is the record itself: its values are fields, read above by what
    // they mean (an IMPHASH is not a file hash), so only other messages are read as text.
    const message = event.message;
    if (message && message.charCodeAt(0) !== 123 /* { */) this.#text('message', message, scan);
    return scan.out;
  }

  #check(rule: IndicatorField, v: string, fields: Record<string, unknown>, scan: Scan): void {
    switch (rule.kind) {
      case 'address':
        return this.#address(rule.field, v, v, scan);
      case 'host':
        return this.#host(rule.field, v, v, scan);
      case 'url':
        return this.#url(rule, v, fields, scan);
      case 'hash':
        return this.#hash(rule.field, v, v, scan);
      case 'hashes':
        return this.#hashList(rule.field, v, scan);
      case 'text':
        return this.#text(rule.field, v.includes('%') ? percentDecoded(v) : v, scan);
    }
  }

  #found(scan: Scan, bucket: Bucket | undefined, field: string, value: string): void {
    if (bucket === undefined) return;
    const out = scan.out;
    for (const indicator of bucket) {
      let seen = false;
      for (const m of out) {
        if (m.indicator === indicator) {
          seen = true;
          break;
        }
      }
      if (!seen) out.push({ indicator, field, value });
    }
  }

  /**
   * True the first time a string is looked up as an address or host in this event: the parsers
   * write the same value under several names (source.ip, src_ip, src), and a value found once is
   * reported under the first.
   */
  #first(scan: Scan, text: string): boolean {
    const seen = scan.seen;
    for (let i = 0; i < seen.length; i++) if (seen[i] === text) return false;
    seen.push(text);
    return true;
  }

  /** `text` is the address as written; `value` what the match reports. */
  #address(field: string, text: string, value: string, scan: Scan): void {
    if (!this.#first(scan, text)) return;
    let n: number | undefined;
    if (text.includes(':')) {
      const hex = parseIPv6(text);
      if (hex === undefined) return;
      n = mappedIPv4(hex);
      if (n === undefined) {
        this.#found(scan, this.#v6.get(hex), field, value);
        for (const { bits, nets } of this.#v6Nets)
          this.#found(scan, nets.get(v6Prefix(hex, bits)), field, value);
        return;
      }
    } else {
      n = parseIPv4(text);
      if (n === undefined) return;
    }
    const blocks = this.#v4Blocks;
    const b = n >>> 8;
    if (blocks === undefined || (blocks[b >>> 3]! & (1 << (b & 7))) === 0) return;
    const k = n | 0;
    if (this.#v4.size > 0) this.#found(scan, this.#v4.get(k), field, value);
    for (const { mask, nets } of this.#v4Nets) this.#found(scan, nets.get(k & mask), field, value);
  }

  /** A DNS name or an address; a `:port` after a name or IPv4 address is ignored. */
  #host(field: string, text: string, value: string, scan: Scan): void {
    let h = text;
    const colon = h.indexOf(':');
    if (colon >= 0) {
      if (h.indexOf(':', colon + 1) >= 0 || h.charCodeAt(0) === 91 /* [ */) {
        if (this.#addresses) this.#address(field, h, value, scan);
        return;
      }
      h = h.slice(0, colon);
    }
    const c = h.charCodeAt(h.length - 1);
    if (c >= 48 && c <= 57) {
      // ends in a digit: an IPv4 address, or a name like host1 that no domain indicator is
      if (this.#addresses && parseIPv4(h) !== undefined) {
        this.#address(field, h, value, scan);
        return;
      }
    }
    if (this.#names && this.#first(scan, h)) this.#domain(field, h, value, scan);
  }

  /** The name and each parent domain, while at least two labels are left. */
  #domain(field: string, text: string, value: string, scan: Scan): void {
    let d = text;
    for (let i = 0; i < d.length; i++) {
      const c = d.charCodeAt(i);
      if ((c >= 65 && c <= 90) || c > 127) {
        const n = normaliseDomain(d);
        if (n === undefined) return;
        d = n;
        break;
      }
    }
    if (d.endsWith('.')) d = d.slice(0, -1);
    if (!this.#domainTails.has(lastTwoLabels(d))) return;
    let dot = d.indexOf('.');
    while (dot > 0) {
      this.#found(scan, this.#domains.get(d), field, value);
      d = d.slice(dot + 1);
      dot = d.indexOf('.');
    }
  }

  #url(rule: IndicatorField, v: string, fields: Record<string, unknown>, scan: Scan): void {
    if (SCHEME.test(v)) return this.#absoluteUrl(rule.field, v, v, scan);
    // a path, with the request's host in another field (itself checked as a host)
    if (v.charCodeAt(0) !== 47 /* / */ || rule.host === undefined || this.#urlHosts.size === 0)
      return;
    const host = fields[rule.host];
    if (typeof host !== 'string' || host === '') return;
    const h = host.toLowerCase();
    const colon = h.indexOf(':');
    if (!this.#urlHosts.has(h) && (colon < 0 || !this.#urlHosts.has(h.slice(0, colon)))) return;
    const scheme = h.endsWith(':443') ? 'https' : 'http';
    const k = urlKey(`${scheme}://${host}${v}`);
    if (k) this.#urlKey(rule.field, k, v, scan);
  }

  /** A whole URL: its host as a host, and the URL against URL indicators on that host. */
  #absoluteUrl(field: string, url: string, value: string, scan: Scan): void {
    const q = quickHost(url);
    if (q === undefined) {
      // unusual (percent-encoded or international host, IPv6, backslashes): the WHATWG parser
      const k = urlKey(url);
      if (!k) return;
      this.#urlKey(field, k, value, scan);
      this.#hostname(field, k.hostname, value, scan);
      return;
    }
    if (this.#urlHosts.has(q.host)) {
      const k = urlKey(url);
      if (k) this.#urlKey(field, k, value, scan);
    }
    this.#hostname(field, q.hostname, value, scan);
  }

  #hostname(field: string, h: string, value: string, scan: Scan): void {
    if (h.includes(':')) {
      if (this.#addresses) this.#address(field, h, value, scan);
    } else this.#host(field, h, value, scan);
  }

  #urlKey(field: string, k: UrlKey, value: string, scan: Scan): void {
    if (!this.#urlHosts.has(k.host)) return;
    const urls = this.#urls;
    const base = k.host;
    const p = k.pathname;
    if (k.search !== '') this.#found(scan, urls.get(base + p + k.search), field, value);
    this.#found(scan, urls.get(base + p), field, value);
    let segments = 0;
    for (let i = p.length - 2; i >= 0 && segments < PATH_SEGMENT_CAP; i--) {
      if (p.charCodeAt(i) !== 47) continue;
      segments++;
      this.#found(scan, urls.get(base + p.slice(0, i + 1)), field, value);
      if (i > 0) this.#found(scan, urls.get(base + p.slice(0, i)), field, value);
    }
  }

  #hash(field: string, text: string, value: string, scan: Scan): void {
    let h = text;
    if (HASH_LENGTHS[h.length] === undefined) {
      h = h.trim();
      // aa:bb:… as certificate fingerprints are written (MD5, SHA-1, SHA-256)
      if (h.length === 47 || h.length === 59 || h.length === 95) h = h.replaceAll(':', '');
      if (HASH_LENGTHS[h.length] === undefined) return;
    }
    this.#found(scan, this.#hashBucket(h), field, value);
  }

  /** Hashes are kept in lower and upper case, so only mixed case needs converting. */
  #hashBucket(h: string): Bucket | undefined {
    const b = this.#hashes.get(h);
    if (b !== undefined) return b;
    let upper = false;
    let lower = false;
    for (let i = 0; i < h.length; i++) {
      const c = h.charCodeAt(i);
      if (c >= 65 && c <= 70) upper = true;
      else if (c >= 97 && c <= 102) lower = true;
    }
    return upper && lower ? this.#hashes.get(h.toLowerCase()) : undefined;
  }

  /** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (or bare hashes), read in place. */
  #hashList(field: string, text: string, scan: Scan): void {
    const n = text.length;
    let start = 0;
    while (start < n) {
      let end = text.indexOf(',', start);
      if (end < 0) end = n;
      let from = start;
      const eq = text.indexOf('=', start);
      if (eq >= 0 && eq < end) {
        if (isImphash(text, start, eq)) {
          start = end + 1;
          continue;
        }
        from = eq + 1;
      }
      while (from < end && text.charCodeAt(from) === 32) from++;
      let to = end;
      while (to > from && text.charCodeAt(to - 1) === 32) to--;
      if (HASH_LENGTHS[to - from] !== undefined) {
        const b = this.#hashBucket(text.slice(from, to));
        if (b !== undefined) this.#found(scan, b, field, text.slice(start, end).trim());
      }
      start = end + 1;
    }
  }

  /**
   * Free text (the first 16 KiB): URLs, addresses, names and hashes, each word looked up as what
   * it looks like. Only words that could be one of these are cut out of the text.
   */
  #text(field: string, text: string, scan: Scan): void {
    const n = Math.min(text.length, TEXT_CAP);
    const hashes = this.#hashes.size > 0;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c >= 128 || WORD_CHAR[c] === 0) {
        i++;
        continue;
      }
      const start = i;
      let dots = 0;
      let colons = 0;
      let hex = true;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c >= 128 || WORD_CHAR[c] === 0) break;
        if (c === 46) dots++;
        else if (c === 58) colons++;
        else if (hex && !isHexCode(c)) hex = false;
        i++;
      }
      const len = i - start;
      // scheme:// — a URL runs to the next blank or quote
      if (
        c === 47 &&
        colons > 0 &&
        text.charCodeAt(i - 1) === 58 &&
        text.charCodeAt(i + 1) === 47
      ) {
        while (i < n && (text.charCodeAt(i) >= 128 || URL_END[text.charCodeAt(i)] === 0)) i++;
        const url = text.slice(start, i).replace(TRAILING_PUNCTUATION, '');
        this.#absoluteUrl(field, url, url, scan);
        continue;
      }
      if (len < 4) continue;
      if (dots === 0 && colons === 0) {
        if (hashes && hex && HASH_LENGTHS[len] !== undefined) {
          if (start >= 8 && text.slice(start - 8, start).toUpperCase() === 'IMPHASH=') continue;
          const w = text.slice(start, i);
          this.#hash(field, w, w, scan);
        }
        continue;
      }
      const token = text.slice(start, i);
      if (colons > 0) {
        if (this.#addresses && colons >= 2 && parseIPv6(token) !== undefined) {
          this.#address(field, token, token, scan);
          continue;
        }
        // `src:1.2.3.4`, `evil.example:443`, `12:30:45`
        for (const part of token.split(':')) this.#word(field, part, scan);
        continue;
      }
      this.#word(field, token, scan);
    }
  }

  #word(field: string, raw: string, scan: Scan): void {
    let w = raw;
    while (w.endsWith('.') || w.endsWith('-')) w = w.slice(0, -1);
    while (w.startsWith('.')) w = w.slice(1);
    if (w.length < 4) return;
    if (!w.includes('.')) {
      if (this.#hashes.size > 0) this.#hash(field, w, w, scan);
      return;
    }
    const c = w.charCodeAt(w.length - 1);
    if (c >= 48 && c <= 57) {
      if (this.#addresses) this.#address(field, w, w, scan);
    } else if (this.#names && this.#first(scan, w)) this.#domain(field, w, w, scan);
  }
}
