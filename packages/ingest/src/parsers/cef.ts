/**
 * ArcSight Common Event Format and IBM QRadar LEEF (1.0 and 2.0). Both are a pipe-delimited
 * header followed by key=value attributes; the mapping of their well-known keys to the common
 * fields lives here so the two stay consistent.
 */
import { fail, type LogSource, type ParseContext, type ParseOutcome } from './types.js';
import { buildEvent, isSafeKey, put, putIp, putPort, toInt, type Fields } from './event.js';
import { parseLooseTime, type ResolvedTime } from './time.js';

/** Split the header on unescaped pipes, undoing `\|` and `\\`; `count` fields, then the rest. */
function splitHeader(text: string, count: number): { parts: string[]; rest: string } | undefined {
  const parts: string[] = [];
  let cur = '';
  let i = 0;
  while (i < text.length && parts.length < count) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      cur += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '|') {
      parts.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  if (parts.length < count) return undefined;
  return { parts, rest: text.slice(i) };
}

function unescapeCefValue(v: string): string {
  if (!v.includes('\\')) return v;
  return v.replace(/\\([\\=nr|])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * CEF extension: `key=value` pairs separated by spaces, where values may themselves contain
 * spaces; a value runs until the next ` key=` whose `=` is not escaped.
 */
export function parseCefExtension(ext: string): Record<string, string> {
  const out: Record<string, string> = {};
  readCefExtension(ext, out);
  return out;
}

const isKeyChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || // a-z
  (c >= 0x41 && c <= 0x5a) || // A-Z
  (c >= 0x30 && c <= 0x39) || // 0-9
  c === 0x5f || // _
  c === 0x2e || // .
  c === 0x2d || // -
  c === 0x5b || // [
  c === 0x5d; // ]

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/**
 * Writes the pairs into `out`, returning the keys in order. A scan from each unescaped `=` back
 * over key characters to a blank: linear, and without a regex iterator per message.
 */
function readCefExtension(ext: string, out: Record<string, unknown>): string[] {
  const keys: string[] = [];
  let prevKey: string | undefined;
  let valueStart = 0;
  let e = ext.indexOf('=');
  while (e !== -1) {
    if (e > 0 && ext.charCodeAt(e - 1) !== 0x5c) {
      let k = e;
      while (k > 0 && e - k < 64 && isKeyChar(ext.charCodeAt(k - 1))) k--;
      if (k < e && (k === 0 || isBlank(ext.charCodeAt(k - 1)))) {
        if (prevKey !== undefined && isSafeKey(prevKey))
          out[prevKey] = unescapeCefValue(ext.slice(valueStart, k).trim());
        prevKey = ext.slice(k, e);
        keys.push(prevKey);
        valueStart = e + 1;
      }
    }
    e = ext.indexOf('=', e + 1);
  }
  if (prevKey !== undefined && isSafeKey(prevKey))
    out[prevKey] = unescapeCefValue(ext.slice(valueStart).trim());
  return keys;
}

const FIREWALL_VENDORS =
  /firewall|fortigate|fortinet|palo ?alto|pan-os|check ?point|\basa\b|sonicwall|\bsrx\b|junos|pfsense|opnsense|sophos|netscreen|barracuda|watchguard|forcepoint|iptables|cyberoam|hillstone|huawei usg|zscaler/i;

const BLOCK_ACTIONS = /^(deny|denied|drop|dropped|block|blocked|reject|rejected|reset|discard)/i;
const ALLOW_ACTIONS = /^(allow|allowed|accept|accepted|permit|permitted|pass|forward|close)/i;

/** Firewall fields under the names Sigma's `category: firewall` rules use. */
function firewallFields(fields: Fields): void {
  if (fields['source.ip'] !== undefined) fields.src_ip = fields['source.ip'];
  if (fields['destination.ip'] !== undefined) fields.dst_ip = fields['destination.ip'];
  if (fields['source.port'] !== undefined) fields.src_port = fields['source.port'];
  if (fields['destination.port'] !== undefined) fields.dst_port = fields['destination.port'];
  const action = fields['event.action'];
  if (typeof action === 'string') {
    fields.action = action.toLowerCase();
    if (BLOCK_ACTIONS.test(action)) fields.blocked = 'true';
    else if (ALLOW_ACTIONS.test(action)) fields.blocked = 'false';
  }
}

function normaliseOutcome(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (/^(success|succeeded|successful|ok|allowed?|pass(ed)?)$/.test(v)) return 'success';
  if (/^(fail|failed|failure|denied|blocked|error)$/.test(v)) return 'failure';
  return undefined;
}

interface Common {
  srcIp?: string | undefined;
  srcPort?: string | undefined;
  dstIp?: string | undefined;
  dstPort?: string | undefined;
  user?: string | undefined;
  host?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  process?: string | undefined;
  pid?: string | undefined;
  proto?: string | undefined;
}

function putCommon(fields: Fields, c: Common): void {
  putIp(fields, 'source.ip', c.srcIp);
  putPort(fields, 'source.port', c.srcPort);
  putIp(fields, 'destination.ip', c.dstIp);
  putPort(fields, 'destination.port', c.dstPort);
  put(fields, 'user.name', c.user);
  put(fields, 'host.name', c.host);
  put(fields, 'event.action', c.action);
  put(fields, 'event.outcome', normaliseOutcome(c.outcome));
  put(fields, 'process.name', c.process);
  const pid = toInt(c.pid);
  if (pid !== undefined) fields['process.pid'] = pid;
  if (c.proto !== undefined && c.proto !== '') fields['network.transport'] = c.proto.toLowerCase();
}

function logsourceFor(vendor: string, product: string, fields: Fields): LogSource {
  if (FIREWALL_VENDORS.test(`${vendor} ${product}`)) {
    firewallFields(fields);
    return { category: 'firewall' };
  }
  const name = product.trim().toLowerCase().replace(/\s+/g, '_');
  return name === '' ? {} : { product: name };
}

/** `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension` */
/**
 * `into` lets a syslog envelope pass its header fields so the payload's are added to the same
 * object (payload keys win) instead of being merged afterwards.
 */
export function parseCef(text: string, ctx: ParseContext, into: Fields = {}): ParseOutcome {
  const start = text.indexOf('CEF:');
  if (start === -1 || start > 0) return fail('cef: does not start with "CEF:"');
  const header = splitHeader(text.slice(4), 7);
  if (header === undefined) return fail('cef: header has fewer than 7 fields');
  const [version, vendor, product, devVersion, signatureId, name, severity] = header.parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^\d+(\.\d+)?$/.test(version.trim())) return fail('cef: invalid version');
  const fields = into;
  fields['cef.version'] = version;
  fields['cef.device_vendor'] = vendor;
  fields['cef.device_product'] = product;
  fields['cef.device_version'] = devVersion;
  fields['cef.signature_id'] = signatureId;
  fields['cef.name'] = name;
  fields['cef.severity'] = severity;
  const keys = readCefExtension(header.rest, fields);
  const ext = fields as Record<string, string | undefined>;
  // Custom fields (cs1 …) carry their meaning in a sibling label (cs1Label=cncHost).
  if (header.rest.includes('Label=')) {
    for (const k of keys) {
      const label = ext[k];
      if (k.endsWith('Label') && label !== undefined && label !== '' && !keys.includes(label)) {
        const value = ext[k.slice(0, -5)];
        if (value !== undefined && isSafeKey(label)) fields[label] = value;
      }
    }
  }
  putCommon(fields, {
    srcIp: ext.src ?? ext.c6a2,
    srcPort: ext.spt,
    dstIp: ext.dst ?? ext.c6a3,
    dstPort: ext.dpt,
    user: ext.duser ?? ext.suser,
    host: ext.dvchost ?? ext.dhost,
    action: ext.act,
    outcome: ext.outcome,
    process: ext.deviceProcessName ?? ext.sproc ?? ext.dproc,
    pid: ext.dvcpid ?? ext.spid ?? ext.dpid,
    proto: ext.proto,
  });
  put(fields, 'source.user.name', ext.suser);
  put(fields, 'destination.user.name', ext.duser);
  put(fields, 'url.original', ext.request);
  put(fields, 'http.request.method', ext.requestMethod);
  put(fields, 'user_agent.original', ext.requestClientApplication);
  put(fields, 'rule.name', name);
  let time: ResolvedTime | undefined;
  for (const key of ['rt', 'end', 'start', 'deviceReceiptTime']) {
    time = parseLooseTime(ext[key], ctx);
    if (time !== undefined) break;
  }
  return buildEvent(ctx, {
    time,
    logsource: logsourceFor(vendor, product, fields),
    message: ext.msg ?? name,
    fields,
  });
}

/** LEEF 2.0 names its attribute delimiter: one character, or its hex code (`x09`, `0x5e`). */
function leefDelimiter(spec: string): string | undefined {
  if (spec === '') return '\t';
  if (spec.length === 1) return spec;
  const hex = /^(?:0?x)([0-9a-fA-F]{1,4})$/.exec(spec);
  if (hex) return String.fromCharCode(parseInt(hex[1]!, 16));
  return undefined;
}

/** `LEEF:1.0|Vendor|Product|Version|EventID|attrs` and `LEEF:2.0|…|EventID|Delimiter|attrs` */
export function parseLeef(text: string, ctx: ParseContext, into: Fields = {}): ParseOutcome {
  if (!text.startsWith('LEEF:')) return fail('leef: does not start with "LEEF:"');
  const first = splitHeader(text.slice(5), 5);
  if (first === undefined) return fail('leef: header has fewer than 5 fields');
  const [version, vendor, product, devVersion, eventId] = first.parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  let rest = first.rest;
  let delimiter = '\t';
  if (version.trim().startsWith('2')) {
    const bar = rest.indexOf('|');
    // The delimiter field is short; a pipe further on belongs to an attribute value.
    if (bar !== -1 && bar <= 6) {
      const d = leefDelimiter(rest.slice(0, bar));
      if (d === undefined) return fail('leef: invalid delimiter specification');
      delimiter = d;
      rest = rest.slice(bar + 1);
    }
  } else if (!version.trim().startsWith('1')) {
    return fail('leef: unsupported version');
  }
  const attrs: Record<string, string> = {};
  // Senders configured for tabs sometimes emit spaces; fall back to CEF-style splitting then.
  if (delimiter === '\t' && !rest.includes('\t')) {
    Object.assign(attrs, parseCefExtension(rest));
  } else {
    for (const pair of rest.split(delimiter)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const key = pair.slice(0, eq).trim();
      if (isSafeKey(key)) attrs[key] = pair.slice(eq + 1).trim();
    }
  }
  const fields = into;
  fields['leef.version'] = version;
  fields['leef.vendor'] = vendor;
  fields['leef.product'] = product;
  fields['leef.product_version'] = devVersion;
  fields['leef.event_id'] = eventId;
  for (const k in attrs) fields[k] = attrs[k];
  putCommon(fields, {
    srcIp: attrs.src,
    srcPort: attrs.srcPort,
    dstIp: attrs.dst,
    dstPort: attrs.dstPort,
    user: attrs.usrName ?? attrs.accountName,
    host: attrs.identHostName ?? attrs.devName,
    action: attrs.action ?? attrs.act,
    outcome: attrs.outcome ?? attrs.result,
    process: attrs.proc ?? attrs.process,
    pid: attrs.pid,
    proto: attrs.proto,
  });
  const time = parseLooseTime(attrs.devTime, ctx);
  return buildEvent(ctx, {
    time,
    logsource: logsourceFor(vendor, product, fields),
    message: attrs.msg ?? eventId,
    fields,
  });
}
