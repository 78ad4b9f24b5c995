/**
 * Format detection and layering. The first significant character picks the candidates (`<` is
 * syslog, `{` JSON, `C` CEF …) so most messages are tried against one parser only; a syslog
 * envelope's MSG is then parsed again as a payload (CEF, LEEF, JSON, sshd/sudo/su, access log,
 * auditd, untagged key=value), and the envelope's header fields are kept beside the payload's.
 */
import type { ParsedEvent } from '@prahari/core';
import {
  fail,
  isFailure,
  type ParseContext,
  type ParseFailure,
  type ParseOutcome,
  type Parser,
  type ParserName,
} from './types.js';
import { decodeBytes } from './decode.js';
import { addFlag, buildEvent, putIp, putPort } from './event.js';
import {
  looksLike5424,
  parse3164Envelope,
  parse5424Envelope,
  type SyslogEnvelope,
} from './syslog.js';
import { parseCef, parseLeef } from './cef.js';
import { isAuthProgram, linuxLogsource, parseAuditd, parseLinuxAuth } from './linux.js';
import { parseAccessLog } from './web.js';
import { jsonEvent, parseJson, parseJsonObject, parseSuricataEve, parseZeekJson } from './json.js';
import { parseText } from './text.js';
import { looksLikeKv, parseCisco, parseKv } from './network.js';
import { toIso } from './time.js';

export interface ParseSuccess {
  ok: true;
  /** the parser that produced the event: the payload's when a syslog envelope carried one */
  parser: ParserName;
  event: ParsedEvent;
}

export type ParseResult = ParseSuccess | ParseFailure;

const WEB_SERVERS = new Set(['nginx', 'apache', 'apache2', 'httpd']);
const NETFILTER = /\bSRC=(\S+) DST=(\S+) .*?PROTO=(\w+)(?: SPT=(\d+) DPT=(\d+))?/;

/** A syslog message nobody parsed further: header fields, MSG as text, Linux routing. */
function plainSyslog(env: SyslogEnvelope, ctx: ParseContext): ParsedEvent {
  const fields = env.fields;
  fields['syslog.format'] = env.format;
  let logsource = linuxLogsource(env.appName);
  // iptables lines are short; bounding the search keeps a hostile MSG from costing quadratic time.
  const nf = env.appName === 'kernel' ? NETFILTER.exec(env.msg.slice(0, 2048)) : null;
  if (nf) {
    // iptables/nftables LOG target lines are firewall events.
    putIp(fields, 'source.ip', nf[1]);
    putIp(fields, 'destination.ip', nf[2]);
    fields['network.transport'] = nf[3]!.toLowerCase();
    putPort(fields, 'source.port', nf[4]);
    putPort(fields, 'destination.port', nf[5]);
    for (const [from, to] of [
      ['source.ip', 'src_ip'],
      ['destination.ip', 'dst_ip'],
      ['source.port', 'src_port'],
      ['destination.port', 'dst_port'],
    ] as const) {
      if (fields[from] !== undefined) fields[to] = fields[from];
    }
    logsource = { product: 'linux', category: 'firewall' };
  }
  return buildEvent(ctx, {
    time: env.time,
    logsource,
    message: env.msg,
    fields,
    flags: [...env.flags],
  });
}

/** The payload's fields and time win; the envelope fills in what the payload lacks. */
function combine(env: SyslogEnvelope, payload: ParsedEvent, ctx: ParseContext): ParsedEvent {
  // Copying into the payload's object, not spreading both into a new one: spreads of objects
  // with dotted keys hit V8's slow dictionary path and dominated the profile.
  const fields = payload.fields;
  if (fields !== env.fields) {
    for (const k in env.fields) {
      if (!(k in fields)) fields[k] = env.fields[k];
    }
  }
  fields['syslog.format'] = env.format;
  const flags = [...env.flags];
  let eventTime = payload.eventTime;
  const payloadHasTime = !payload.flags.includes('time_missing');
  for (const f of payload.flags) {
    if (payloadHasTime || (f !== 'time_missing' && f !== 'timezone_assumed')) addFlag(flags, f);
  }
  if (!payloadHasTime) {
    if (env.time === undefined) {
      eventTime = toIso(ctx.receivedAt.getTime());
      addFlag(flags, 'time_missing');
    } else {
      eventTime = toIso(env.time.ms);
      if (env.time.zoneAssumed) addFlag(flags, 'timezone_assumed');
    }
  }
  return { eventTime, logsource: payload.logsource, message: payload.message, fields, flags };
}

type PayloadResult = { parser: ParserName; outcome: ParseOutcome };

/** Pick a payload parser for a syslog MSG by its first characters and the program name. */
function detectPayload(env: SyslogEnvelope, ctx: ParseContext): PayloadResult | undefined {
  let msg = env.msg.trimStart();
  // CEE-enhanced syslog (rsyslog, journald exports) prefixes its JSON with a cookie.
  if (msg.startsWith('@cee:')) msg = msg.slice(5).trimStart();
  const c = msg.charCodeAt(0);
  if (c === 0x43 /* C */ && msg.startsWith('CEF:'))
    return { parser: 'cef', outcome: parseCef(msg, ctx, env.fields) };
  if (c === 0x4c /* L */ && msg.startsWith('LEEF:'))
    return { parser: 'leef', outcome: parseLeef(msg, ctx, env.fields) };
  if (c === 0x7b /* { */) {
    const o = parseJsonObject(msg);
    if (typeof o !== 'string') return jsonEvent(o, ctx, msg);
    return undefined;
  }
  if (c === 0x25 /* % */) {
    const cisco = parseCisco(msg, ctx, env.fields);
    if (!isFailure(cisco)) return { parser: 'cisco', outcome: cisco };
  }
  const app = env.appName;
  if (isAuthProgram(app)) {
    return { parser: 'linux-auth', outcome: parseLinuxAuth(msg, ctx, app, env.fields) };
  }
  if (app !== undefined && WEB_SERVERS.has(app.toLowerCase())) {
    return { parser: 'access-log', outcome: parseAccessLog(msg, ctx, app) };
  }
  if (c === 0x74 /* t */ && msg.startsWith('type=') && msg.includes('msg=audit(')) {
    return { parser: 'auditd', outcome: parseAuditd(msg, ctx) };
  }
  // CEF behind a vendor prefix inside MSG (`… CEF:0|…`).
  const cef = msg.indexOf('CEF:');
  if (cef > 0 && cef < 64 && /CEF:\d+\|/.test(msg.slice(cef, cef + 8))) {
    return { parser: 'cef', outcome: parseCef(msg.slice(cef), ctx) };
  }
  // FortiGate sends its key=value line straight after the PRI, with no header and so no tag.
  if (app === undefined && looksLikeKv(msg)) return { parser: 'kv', outcome: parseKv(msg, ctx) };
  return undefined;
}

function fromEnvelope(env: SyslogEnvelope, ctx: ParseContext): ParseSuccess {
  const payload = detectPayload(env, ctx);
  if (payload !== undefined && !isFailure(payload.outcome)) {
    return { ok: true, parser: payload.parser, event: combine(env, payload.outcome, ctx) };
  }
  const event = plainSyslog(env, ctx);
  if (payload !== undefined && isFailure(payload.outcome)) {
    // Kept as plain syslog; the reason says why the payload was not understood.
    event.fields['parse.payload_error'] = payload.outcome.reason;
  }
  return { ok: true, parser: env.format, event };
}

function syslogEnvelope(text: string, ctx: ParseContext): SyslogEnvelope | ParseFailure {
  if (looksLike5424(text)) {
    const env = parse5424Envelope(text, ctx);
    if (!isFailure(env)) return env;
  }
  return parse3164Envelope(text, ctx);
}

function ok(parser: ParserName, outcome: ParseOutcome): ParseResult {
  return isFailure(outcome) ? outcome : { ok: true, parser, event: outcome };
}

const isAsciiDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function detect(text: string, ctx: ParseContext): ParseResult {
  const c = text.charCodeAt(0);
  if (c === 0x3c /* < */) {
    const env = syslogEnvelope(text, ctx);
    if (!isFailure(env)) return fromEnvelope(env, ctx);
  } else if (c === 0x7b /* { */) {
    const o = parseJsonObject(text);
    if (typeof o !== 'string') {
      const r = jsonEvent(o, ctx, text);
      return ok(r.parser, r.outcome);
    }
    // A JSON record that is cut or broken goes to the dead letters with the reason, rather than
    // becoming a text event whose fields nobody can search. Several whole objects on one line
    // (CloudTrail exports do this) are readable text, so they stay events, and so does a record
    // the framer cut at the size limit (flagged truncated).
    if (!ctx.truncated && !/after JSON/.test(o)) return fail(`not valid JSON (${o})`);
  } else if (c === 0x43 /* C */ && text.startsWith('CEF:')) {
    return ok('cef', parseCef(text, ctx));
  } else if (c === 0x4c /* L */ && text.startsWith('LEEF:')) {
    return ok('leef', parseLeef(text, ctx));
  } else if (isAsciiDigit(c)) {
    if (looksLike5424(text)) {
      const env = parse5424Envelope(text, ctx);
      if (!isFailure(env)) return fromEnvelope(env, ctx);
    }
    const web = parseAccessLog(text, ctx);
    if (!isFailure(web)) return { ok: true, parser: 'access-log', event: web };
    const env = parse3164Envelope(text, ctx);
    if (!isFailure(env)) return fromEnvelope(env, ctx);
  } else if (c === 0x25 /* % */) {
    const cisco = parseCisco(text, ctx);
    if (!isFailure(cisco)) return { ok: true, parser: 'cisco', event: cisco };
  } else if (
    (c === 0x74 /* t */ || c === 0x6e) /* n */ &&
    /^(?:node=\S+ )?type=\S+ msg=audit\(/.test(text)
  ) {
    return ok('auditd', parseAuditd(text, ctx));
  } else {
    const env = parse3164Envelope(text, ctx);
    if (!isFailure(env)) return fromEnvelope(env, ctx);
    if (isAsciiDigit(text.charCodeAt(0)) || text.includes(' - - [')) {
      const web = parseAccessLog(text, ctx);
      if (!isFailure(web)) return { ok: true, parser: 'access-log', event: web };
    }
  }
  if (looksLikeKv(text)) return ok('kv', parseKv(text, ctx));
  // sshd/sudo/PAM text without its syslog header (journal exports, file tails of MSG only).
  const auth = parseLinuxAuth(text, ctx);
  if (!isFailure(auth)) return { ok: true, parser: 'linux-auth', event: auth };
  return ok('text', parseText(text, ctx));
}

/** Parse with a forced parser; a syslog envelope around the payload is still unwrapped. */
function withHint(hint: ParserName, text: string, ctx: ParseContext): ParseResult {
  if (hint === 'rfc5424' || hint === 'rfc3164') {
    const env = hint === 'rfc5424' ? parse5424Envelope(text, ctx) : parse3164Envelope(text, ctx);
    return isFailure(env) ? env : fromEnvelope(env, ctx);
  }
  const direct = parsers[hint](text, ctx);
  if (!isFailure(direct) || hint === 'text') return ok(hint, direct);
  const env = syslogEnvelope(text, ctx);
  if (isFailure(env)) return direct;
  const payload =
    hint === 'linux-auth'
      ? parseLinuxAuth(env.msg, ctx, env.appName)
      : hint === 'access-log'
        ? parseAccessLog(env.msg, ctx, env.appName)
        : parsers[hint](env.msg.trimStart(), ctx);
  if (isFailure(payload)) return direct;
  return { ok: true, parser: hint, event: combine(env, payload, ctx) };
}

function envelopeParser(kind: 'rfc5424' | 'rfc3164'): Parser {
  return (text, ctx) => {
    const env = kind === 'rfc5424' ? parse5424Envelope(text, ctx) : parse3164Envelope(text, ctx);
    return isFailure(env) ? env : plainSyslog(env, ctx);
  };
}

/** Every parser by name, each a pure function over one message's text. */
export const parsers: Record<ParserName, Parser> = {
  rfc5424: envelopeParser('rfc5424'),
  rfc3164: envelopeParser('rfc3164'),
  cef: parseCef,
  leef: parseLeef,
  json: parseJson,
  'suricata-eve': parseSuricataEve,
  zeek: parseZeekJson,
  'access-log': (text, ctx) => parseAccessLog(text, ctx),
  'linux-auth': (text, ctx) => parseLinuxAuth(text, ctx),
  auditd: parseAuditd,
  cisco: (text, ctx) => parseCisco(text, ctx),
  kv: parseKv,
  text: parseText,
};

export const parserNames = Object.keys(parsers) as ParserName[];

/**
 * Parse one received message: decode, detect (or honour `ctx.hint`), unwrap syslog, map fields.
 * Never throws; a message that cannot be parsed yields `{ ok: false, reason }` for dead-lettering.
 */
export function parseMessage(raw: Buffer | string, ctx: ParseContext): ParseResult {
  let text: string;
  let invalidUtf8 = false;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    const d = decodeBytes(raw);
    text = d.text;
    invalidUtf8 = d.invalidUtf8;
  }
  // Framing leftovers and padding are not part of the message.
  let end = text.length;
  while (end > 0) {
    const ch = text.charCodeAt(end - 1);
    if (ch === 0x0a || ch === 0x0d || ch === 0x00 || ch === 0x20 || ch === 0x09) end--;
    else break;
  }
  let start = 0;
  while (start < end) {
    const ch = text.charCodeAt(start);
    if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d || ch === 0x00 || ch === 0xfeff)
      start++;
    else break;
  }
  if (start >= end) return fail('empty message');
  text = start === 0 && end === text.length ? text : text.slice(start, end);
  let result: ParseResult;
  try {
    result = ctx.hint === undefined ? detect(text, ctx) : withHint(ctx.hint, text, ctx);
  } catch (e) {
    // Parsers are written not to throw; this keeps one unforeseen input from stopping a listener.
    return fail(`internal parser error: ${(e as Error).message}`);
  }
  if (result.ok) {
    if (ctx.truncated === true) addFlag(result.event.flags, 'truncated');
    // RFC 3164 4.3.2: a relay fills in the sender's address when the message names no host.
    if (ctx.sourceIp !== undefined && result.event.fields['host.name'] === undefined) {
      result.event.fields['host.name'] = ctx.sourceIp;
    }
    if (invalidUtf8) addFlag(result.event.flags, 'invalid_utf8');
    if (text.includes('\u0000')) addFlag(result.event.flags, 'contains_nul');
  }
  return result;
}
