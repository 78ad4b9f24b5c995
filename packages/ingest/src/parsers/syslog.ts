/**
 * Syslog envelopes: RFC 5424 and RFC 3164 (BSD) with the variations devices really send. An
 * envelope yields the header fields and the MSG text, which is then parsed again as a payload
 * (CEF, sshd, JSON …) — see detect.ts.
 */
import { fail, type ParseContext, type ParseFailure } from './types.js';
import { bsdTime, monthIndex, parseIsoTime, type ResolvedTime } from './time.js';
import { put, toInt, type Fields } from './event.js';

export interface SyslogEnvelope {
  format: 'rfc5424' | 'rfc3164';
  fields: Fields;
  time: ResolvedTime | undefined;
  appName: string | undefined;
  msg: string;
  flags: string[];
}

const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];
const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** `<PRI>` at the start: returns [priority, index after `>`], or undefined. */
function readPri(text: string): [number, number] | undefined {
  if (text.charCodeAt(0) !== 0x3c) return undefined;
  let i = 1;
  let value = 0;
  while (i < text.length && i <= 4) {
    const c = text.charCodeAt(i);
    if (c === 0x3e) {
      return i > 1 && value <= 191 ? [value, i + 1] : undefined;
    }
    if (c < 0x30 || c > 0x39) return undefined;
    value = value * 10 + (c - 0x30);
    i++;
  }
  return undefined;
}

function putPri(fields: Fields, pri: number): void {
  const facility = pri >> 3;
  const severity = pri & 7;
  fields['syslog.priority'] = pri;
  fields['syslog.facility'] = facility;
  fields['syslog.facility_name'] = FACILITIES[facility];
  fields['syslog.severity'] = severity;
  fields['syslog.severity_name'] = SEVERITIES[severity];
}

/** True when the text starts like an RFC 5424 message: `<PRI>VERSION SP` (or, PRI-less, `1 ` + date). */
export function looksLike5424(text: string): boolean {
  const pri = readPri(text);
  const i = pri === undefined ? 0 : pri[1];
  const c = text.charCodeAt(i);
  if (c < 0x31 || c > 0x39) return false;
  let j = i + 1;
  while (j < text.length && j < i + 3 && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) {
    j++;
  }
  if (text.charCodeAt(j) !== 0x20) return false;
  if (pri !== undefined) return true;
  // Without PRI, demand a timestamp or NILVALUE after the version so "1 2 3" stays text.
  const next = text.charCodeAt(j + 1);
  return (
    (next === 0x2d && text.charCodeAt(j + 2) === 0x20) ||
    /^\d{4}-\d{2}-\d{2}T/.test(text.slice(j + 1, j + 12))
  );
}

function nextToken(text: string, i: number): [string, number] | undefined {
  if (i >= text.length) return undefined;
  const sp = text.indexOf(' ', i);
  const end = sp === -1 ? text.length : sp;
  if (end === i) return undefined;
  return [text.slice(i, end), sp === -1 ? text.length : sp + 1];
}

/**
 * STRUCTURED-DATA into flat `sd.<SD-ID>.<PARAM-NAME>` fields (a repeated PARAM becomes an array).
 * RFC 5424 section 6.3.3: `"`, `\` and `]` are escaped with `\` in PARAM-VALUE; any other
 * backslash is kept as it is.
 */
function readSd(text: string, start: number, fields: Fields): { end: number } | { error: string } {
  const len = text.length;
  const found: [string, string][] = [];
  let i = start;
  while (text.charCodeAt(i) === 0x5b) {
    i++;
    let idEnd = i;
    while (idEnd < len) {
      const c = text.charCodeAt(idEnd);
      if (c === 0x20 || c === 0x5d || c === 0x3d || c === 0x22) break;
      idEnd++;
    }
    const id = text.slice(i, idEnd);
    if (id.length === 0 || id.length > 32) return { error: 'invalid SD-ID' };
    i = idEnd;
    while (text.charCodeAt(i) === 0x20) {
      i++;
      let eq = i;
      while (eq < len && eq - i <= 32) {
        const c = text.charCodeAt(eq);
        if (c === 0x3d || c === 0x20 || c === 0x22 || c === 0x5d) break;
        eq++;
      }
      if (eq === i || text.charCodeAt(eq) !== 0x3d) return { error: 'invalid SD-PARAM name' };
      const name = text.slice(i, eq);
      if (text.charCodeAt(eq + 1) !== 0x22) return { error: 'SD-PARAM value not quoted' };
      let j = eq + 2;
      let seg = j;
      let value = '';
      let closed = false;
      while (j < len) {
        const c = text.charCodeAt(j);
        if (c === 0x5c && j + 1 < len) {
          const nx = text.charCodeAt(j + 1);
          if (nx === 0x22 || nx === 0x5c || nx === 0x5d) {
            value += text.slice(seg, j) + text[j + 1]!;
            j += 2;
            seg = j;
            continue;
          }
          j++;
          continue;
        }
        if (c === 0x22) {
          value += text.slice(seg, j);
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) return { error: 'unterminated SD-PARAM value' };
      found.push([`sd.${id}.${name}`, value]);
      i = j + 1;
    }
    if (text.charCodeAt(i) !== 0x5d) return { error: 'SD-ELEMENT not closed' };
    i++;
  }
  // Fields are written only once the whole STRUCTURED-DATA proved valid.
  for (const [key, value] of found) {
    const prev = fields[key];
    fields[key] =
      prev === undefined
        ? value
        : Array.isArray(prev)
          ? [...(prev as string[]), value]
          : [prev, value];
  }
  return { end: i };
}

const BOM = '\uFEFF';

export function parse5424Envelope(text: string, ctx: ParseContext): SyslogEnvelope | ParseFailure {
  const fields: Fields = {};
  const flags: string[] = [];
  const pri = readPri(text);
  let i = 0;
  if (pri === undefined) {
    flags.push('pri_missing');
  } else {
    putPri(fields, pri[0]);
    i = pri[1];
  }
  const version = nextToken(text, i);
  if (version === undefined || !/^[1-9]\d{0,2}$/.test(version[0])) {
    return fail('rfc5424: missing VERSION');
  }
  fields['syslog.version'] = Number(version[0]);
  i = version[1];
  const header: string[] = [];
  for (let k = 0; k < 5; k++) {
    const tok = nextToken(text, i);
    if (tok === undefined) return fail('rfc5424: header ends early');
    header.push(tok[0]);
    i = tok[1];
  }
  const [ts, hostname, appName, procId, msgId] = header as [string, string, string, string, string];
  let time: ResolvedTime | undefined;
  if (ts !== '-') {
    time = parseIsoTime(ts, ctx);
    if (time === undefined)
      return fail(`rfc5424: invalid TIMESTAMP ${JSON.stringify(ts.slice(0, 40))}`);
  }
  put(fields, 'host.name', hostname);
  put(fields, 'syslog.hostname', hostname);
  put(fields, 'syslog.appname', appName);
  put(fields, 'process.name', appName);
  put(fields, 'syslog.procid', procId);
  const pid = toInt(procId);
  if (pid !== undefined) fields['process.pid'] = pid;
  put(fields, 'syslog.msgid', msgId);
  let msg: string;
  if (text.charCodeAt(i) === 0x2d && (i + 1 === text.length || text.charCodeAt(i + 1) === 0x20)) {
    msg = text.slice(i + 2);
  } else if (text.charCodeAt(i) === 0x5b) {
    const sd = readSd(text, i, fields);
    if ('error' in sd) {
      // Vendors (Check Point, McAfee ePO) put their own bracketed syntax here; keep the message.
      flags.push('structured_data_invalid');
      msg = text.slice(i);
    } else {
      msg = text.slice(sd.end + (text.charCodeAt(sd.end) === 0x20 ? 1 : 0));
    }
  } else if (i >= text.length) {
    msg = '';
  } else {
    return fail('rfc5424: missing STRUCTURED-DATA');
  }
  if (msg.startsWith(BOM)) msg = msg.slice(1);
  return {
    format: 'rfc5424',
    fields,
    time,
    appName: appName === '-' ? undefined : appName,
    msg,
    flags,
  };
}

/**
 * BSD timestamps as sent: `Mmm dd hh:mm:ss`, optionally with weekday, year (before the time or
 * after it), fraction, zone abbreviation, Cisco's `*` and trailing colon.
 */
const BSD_TIME =
  /^[*.]?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?(?:(\d{4}) )?([A-Za-z]{3}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: (UTC|GMT|[ECMP][SD]T|IST|CET|CEST|EET|EEST|BST|MSK|HKT|SGT|JST|KST|AEST|AEDT))?(?: (\d{4}))?:?(?= |$)/;
const ISO_TIME =
  /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?)(?= |$)/;
/** A syslog TAG: program name, optional `[pid]`, then `:` (or `[pid]` alone, as proftpd does). */
const TAG = /^([A-Za-z0-9_][\w./()@~+-]{0,127}?)(?:\[([^\]\s]{1,32})\])?(:)?(?= |$|(?<=:))/;

interface TagMatch {
  program: string;
  pid: string | undefined;
  end: number;
}

function readTag(text: string, i: number): TagMatch | undefined {
  const m = TAG.exec(text.slice(i, i + 200));
  if (!m) return undefined;
  const program = m[1]!;
  // `CEF:0|…` and `LEEF:1.0|…` after the hostname are payloads, not program names.
  if (program === 'CEF' || program === 'LEEF') return undefined;
  const colon = m[3] !== undefined;
  if (!colon && m[2] === undefined) return undefined;
  let end = i + m[0].length;
  if (text.charCodeAt(end) === 0x20) end++;
  return { program, pid: m[2], end };
}

function looksLikeIp(token: string): boolean {
  return /^[\d.]+$/.test(token) || /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*$/.test(token);
}

export function parse3164Envelope(text: string, ctx: ParseContext): SyslogEnvelope | ParseFailure {
  const fields: Fields = {};
  const flags: string[] = [];
  const pri = readPri(text);
  let i = 0;
  if (pri !== undefined) {
    putPri(fields, pri[0]);
    i = pri[1];
  }
  while (text.charCodeAt(i) === 0x20) i++;
  const rest = text.slice(i, i + 64);
  let time: ResolvedTime | undefined;
  let matched = false;
  const bsd = BSD_TIME.exec(rest);
  if (bsd) {
    const mo = monthIndex(bsd[2]!);
    const yearText = bsd[1] ?? bsd[4] ?? bsd[10];
    if (mo >= 0) {
      const ms = bsd[8] === undefined ? 0 : Number((bsd[8] + '00').slice(0, 3));
      time = bsdTime(
        ctx,
        mo,
        Number(bsd[3]),
        Number(bsd[5]),
        Number(bsd[6]),
        Number(bsd[7]),
        ms,
        yearText === undefined ? undefined : Number(yearText),
        bsd[9],
      );
      if (time === undefined) return fail('rfc3164: invalid date');
      if (yearText === undefined) flags.push('year_inferred');
      matched = true;
      i += bsd[0].length;
    }
  } else {
    const iso = ISO_TIME.exec(rest);
    if (iso) {
      time = parseIsoTime(iso[1]!, ctx);
      if (time === undefined) return fail('rfc3164: invalid ISO timestamp');
      matched = true;
      i += iso[0].length;
    }
  }
  if (!matched) {
    // RFC 3164 4.3.2: a relay receiving a PRI without a valid TIMESTAMP keeps the rest as MSG.
    if (pri === undefined) return fail('rfc3164: no PRI and no timestamp');
    flags.push('timestamp_missing_in_header');
    return {
      format: 'rfc3164',
      fields,
      time: undefined,
      appName: undefined,
      msg: text.slice(i),
      flags,
    };
  }
  while (text.charCodeAt(i) === 0x20) i++;
  let tag = readTag(text, i);
  const first = nextToken(text, i);
  if (tag !== undefined && first !== undefined && !looksLikeIp(first[0].replace(/:$/, ''))) {
    // The first word already reads as `prog:` / `prog[pid]:`: the sender left out its hostname.
    flags.push('hostname_missing');
  } else if (first !== undefined) {
    const host = first[0].endsWith(':') ? first[0].slice(0, -1) : first[0];
    put(fields, 'host.name', host);
    put(fields, 'syslog.hostname', host);
    i = first[1];
    while (text.charCodeAt(i) === 0x20) i++;
    tag = readTag(text, i);
  }
  let appName: string | undefined;
  if (tag !== undefined) {
    appName = tag.program;
    fields['syslog.appname'] = tag.program;
    fields['process.name'] = tag.program;
    if (tag.pid !== undefined) {
      fields['syslog.procid'] = tag.pid;
      const pid = toInt(tag.pid);
      if (pid !== undefined) fields['process.pid'] = pid;
    }
    i = tag.end;
  }
  return { format: 'rfc3164', fields, time, appName, msg: text.slice(i), flags };
}
