/**
 * JSON events: Suricata EVE, Zeek (JSON, and records from Zeek TSV files), and any other JSON
 * object. One JSON.parse, then the shape of the object decides which mapping applies.
 */
import { fail, type LogSource, type ParseContext, type ParseOutcome } from './types.js';
import { buildEvent, flatten, isSafeKey, put, putIp, putPort, type Fields } from './event.js';
import { epochTime, parseLooseTime, type ResolvedTime } from './time.js';

export type JsonObject = Record<string, unknown>;

/** Parse text that must hold one JSON object; arrays and scalars are not events. */
export function parseJsonObject(text: string): JsonObject | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `json: ${(e as Error).message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'json: not an object';
  }
  return value as JsonObject;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function isSuricataEve(o: JsonObject): boolean {
  return (
    typeof o.event_type === 'string' &&
    (typeof o.timestamp === 'string' || 'flow_id' in o || 'src_ip' in o)
  );
}

export function isZeek(o: JsonObject): boolean {
  if (typeof o._path === 'string') return true;
  return 'ts' in o && ('uid' in o || 'id.orig_h' in o || 'fuid' in o || 'fingerprint' in o);
}

/** Zeek JSON without `_path` (the default writer omits it): name the log by its fields. */
function zeekPath(o: JsonObject): string | undefined {
  const p = str(o._path);
  if (p !== undefined) return p;
  if ('conn_state' in o || 'history' in o) return 'conn';
  if ('qtype_name' in o || ('query' in o && 'rcode' in o)) return 'dns';
  if ('method' in o && 'uri' in o) return 'http';
  if ('server_name' in o || 'cipher' in o || 'resumed' in o || 'established' in o) return 'ssl';
  if ('auth_attempts' in o || 'auth_success' in o) return 'ssh';
  if ('certificate.version' in o || 'certificate.subject' in o) return 'x509';
  if ('note' in o && 'msg' in o) return 'notice';
  if ('name' in o && 'notice' in o && 'peer' in o) return 'weird';
  if ('fc_request' in o || 'fc_reply' in o) return 'dnp3';
  if ('func' in o && ('unit' in o || 'pdu_type' in o || 'exception' in o)) return 'modbus';
  if ('fuid' in o && ('mime_type' in o || 'seen_bytes' in o || 'total_bytes' in o)) return 'files';
  if ('mailfrom' in o || 'rcptto' in o) return 'smtp';
  if ('request_type' in o && 'cipher' in o) return 'kerberos';
  if ('named_pipe' in o && 'operation' in o) return 'dce_rpc';
  return undefined;
}

function zeekTime(v: unknown, ctx: ParseContext): ResolvedTime | undefined {
  if (typeof v === 'number') {
    const ms = epochTime(v);
    return ms === undefined ? undefined : { ms, zoneAssumed: false };
  }
  return parseLooseTime(v, ctx);
}

function protoOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v.toLowerCase() : undefined;
}

/**
 * A Zeek record (native field names kept: `id.orig_h`, `query`, `uri` …) with the common fields
 * added. Sigma's Zeek rules are written against `{product: zeek, service: <log path>}`.
 */
export function zeekEvent(o: JsonObject, ctx: ParseContext, pathHint?: string): ParseOutcome {
  const path = pathHint ?? zeekPath(o);
  const fields: Fields = {};
  flatten(o, '', fields);
  putIp(fields, 'source.ip', fields['id.orig_h']);
  putPort(fields, 'source.port', fields['id.orig_p']);
  putIp(fields, 'destination.ip', fields['id.resp_h']);
  putPort(fields, 'destination.port', fields['id.resp_p']);
  put(fields, 'network.transport', protoOf(fields.proto));
  let action: unknown;
  switch (path) {
    case 'notice':
      action = fields.note;
      break;
    case 'weird':
      action = fields.name;
      break;
    case 'modbus':
    case 'modbus_detailed':
      action = fields.func;
      break;
    case 'dnp3':
      action = fields.fc_request ?? fields.fc_reply;
      break;
    case 'dnp3_control':
    case 'dnp3_objects':
      action = fields.function_code;
      break;
    case 'dns':
      action = fields.qtype_name;
      break;
    case 'http':
      action = fields.method;
      break;
    case 'smb_files':
      action = fields.action;
      break;
    case 'dce_rpc':
      action = fields.operation;
      break;
    case 'ftp':
      action = fields.command;
      break;
  }
  put(fields, 'event.action', action);
  if (typeof fields.auth_success === 'boolean') {
    fields['event.outcome'] = fields.auth_success ? 'success' : 'failure';
  }
  if (path === 'ftp' || path === 'http' || path === 'ntlm' || path === 'rdp') {
    put(fields, 'user.name', str(fields.user) ?? str(fields.username) ?? str(fields.cookie));
  }
  if (path !== undefined) fields['zeek.path'] = path;
  const logsource: LogSource =
    path === undefined ? { product: 'zeek' } : { product: 'zeek', service: path };
  const message =
    str(fields.msg) ??
    str(fields.message) ??
    str(fields.query) ??
    str(fields.uri) ??
    str(fields.name) ??
    path ??
    'zeek';
  return buildEvent(ctx, { time: zeekTime(o.ts, ctx), logsource, message, fields });
}

/** Suricata EVE: every event type keeps its own section (`alert.*`, `dns.*`, `tls.*` …). */
export function suricataEvent(o: JsonObject, ctx: ParseContext): ParseOutcome {
  const type = str(o.event_type);
  if (type === undefined) return fail('suricata-eve: no event_type');
  const fields: Fields = {};
  flatten(o, '', fields);
  putIp(fields, 'source.ip', o.src_ip);
  putPort(fields, 'source.port', o.src_port);
  putIp(fields, 'destination.ip', o.dest_ip);
  putPort(fields, 'destination.port', o.dest_port);
  put(fields, 'network.transport', protoOf(o.proto));
  put(fields, 'network.protocol', protoOf(o.app_proto));
  put(fields, 'host.name', o.host);
  let message: string = type;
  switch (type) {
    case 'alert': {
      put(fields, 'rule.name', fields['alert.signature']);
      put(fields, 'rule.id', fields['alert.signature_id']);
      put(fields, 'rule.category', fields['alert.category']);
      put(fields, 'event.action', fields['alert.action']);
      message = str(fields['alert.signature']) ?? type;
      break;
    }
    case 'dns': {
      // EVE v1 puts the name in dns.rrname, v2 answers also in dns.queries[].rrname.
      const queries = (o.dns as JsonObject | undefined)?.queries;
      const q =
        str(fields['dns.rrname']) ??
        (Array.isArray(queries) ? str((queries[0] as JsonObject | undefined)?.rrname) : undefined);
      put(fields, 'query', q);
      put(fields, 'dns.question.name', q);
      put(fields, 'event.action', fields['dns.type']);
      message = q ?? type;
      break;
    }
    case 'http': {
      put(fields, 'url.original', fields['http.url']);
      put(fields, 'http.request.method', fields['http.http_method']);
      put(fields, 'http.response.status_code', fields['http.status']);
      put(fields, 'user_agent.original', fields['http.http_user_agent']);
      put(fields, 'url.domain', fields['http.hostname']);
      message =
        `${str(fields['http.http_method']) ?? ''} ${str(fields['http.hostname']) ?? ''}${str(fields['http.url']) ?? ''}`.trim() ||
        type;
      break;
    }
    case 'tls':
      put(fields, 'tls.client.server_name', fields['tls.sni']);
      message = str(fields['tls.sni']) ?? str(fields['tls.subject']) ?? type;
      break;
    case 'fileinfo':
      put(fields, 'file.name', fields['fileinfo.filename']);
      message = str(fields['fileinfo.filename']) ?? type;
      break;
    case 'ssh':
      message = str(fields['ssh.client.software_version']) ?? type;
      break;
    case 'smtp':
      message = str(fields['smtp.mail_from']) ?? type;
      break;
    case 'anomaly':
      put(fields, 'event.action', fields['anomaly.event']);
      message = str(fields['anomaly.event']) ?? type;
      break;
    case 'flow':
    case 'netflow':
      put(fields, 'event.action', fields[`${type}.state`]);
      break;
  }
  const time = parseLooseTime(o.timestamp, ctx);
  return buildEvent(ctx, {
    time,
    logsource: { product: 'suricata', service: type },
    message,
    fields,
  });
}

/** What a Windows event's mapping reads of its `System` part, whichever layout carried it. */
interface WindowsSystem {
  eventId: unknown;
  channel: unknown;
  provider: unknown;
  computer: unknown;
  time: unknown;
  message?: unknown;
}

/**
 * A Windows event whose `EventData` values are already in `fields` under the Event Log's own
 * PascalCase names (Sigma's Windows field names): the System values, the normalised common
 * fields and the Sigma logsource its channel and provider call for.
 */
function windowsEventOutcome(ctx: ParseContext, system: WindowsSystem, fields: Fields) {
  const eventId = Number(system.eventId);
  if (Number.isInteger(eventId)) fields.EventID = eventId;
  put(fields, 'Channel', system.channel);
  put(fields, 'Provider_Name', system.provider);
  put(fields, 'Computer', system.computer);
  put(fields, 'host.name', system.computer);
  put(fields, 'user.name', fields.TargetUserName ?? fields.SubjectUserName ?? fields.User);
  putIp(fields, 'source.ip', fields.IpAddress ?? fields.SourceIp);
  putPort(fields, 'source.port', fields.IpPort ?? fields.SourcePort);
  putIp(fields, 'destination.ip', fields.DestinationIp);
  putPort(fields, 'destination.port', fields.DestinationPort);
  put(fields, 'process.name', fields.Image);
  const channel = (str(system.channel) ?? '').toLowerCase();
  const provider = str(system.provider) ?? '';
  let logsource: LogSource = { product: 'windows' };
  if (provider === 'Microsoft-Windows-Sysmon') {
    const category = SYSMON_CATEGORIES[eventId];
    logsource =
      category === undefined
        ? { product: 'windows', service: 'sysmon' }
        : { product: 'windows', category };
  } else if (channel === 'security') logsource = { product: 'windows', service: 'security' };
  else if (channel === 'system') logsource = { product: 'windows', service: 'system' };
  else if (channel === 'application') logsource = { product: 'windows', service: 'application' };
  else if (channel.includes('powershell'))
    logsource = { product: 'windows', service: 'powershell' };
  return {
    time: parseLooseTime(system.time, ctx),
    logsource,
    message: str(system.message) ?? `EventID ${Number.isInteger(eventId) ? eventId : '?'}`,
  };
}

/** Wazuh-style Windows events (`{"win": {"system": …, "eventdata": …}}`) use camelCase keys. */
function wazuhWindowsEvent(o: JsonObject, ctx: ParseContext): ParseOutcome | undefined {
  const win = o.win as JsonObject | undefined;
  if (win === undefined || typeof win !== 'object' || win === null) return undefined;
  const system = (win.system ?? {}) as JsonObject;
  const eventdata = (win.eventdata ?? {}) as JsonObject;
  const fields: Fields = {};
  flatten(o, '', fields);
  for (const [k, v] of Object.entries(eventdata)) {
    if (k.length > 0 && isSafeKey(k)) fields[k[0]!.toUpperCase() + k.slice(1)] = v;
  }
  const mapped = windowsEventOutcome(
    ctx,
    {
      eventId: system.eventID,
      channel: system.channel,
      provider: system.providerName,
      computer: system.computer,
      time: system.systemTime,
      message: system.message,
    },
    fields,
  );
  return buildEvent(ctx, { ...mapped, fields });
}

const object = (v: unknown): JsonObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;

/** `{"#text": 4625, "#attributes": {…}}` where an element has attributes, else the value. */
const elementText = (v: unknown): unknown => object(v)?.['#text'] ?? v;

/**
 * Windows events as `evtx_dump -o jsonl` and most evtx-to-JSON shippers write them
 * (`{"Event": {"System": …, "EventData": …}}`). The flattened `Event.*` fields stay as they are
 * (detection evaluates such an event from its original document); the EventData values are
 * also given under their own names, as Sigma's Windows rules and searches use them, and the time
 * is the event's own `TimeCreated`, not the time it arrived.
 */
function evtxWindowsEvent(
  o: JsonObject,
  ctx: ParseContext,
  text: string,
): ParseOutcome | undefined {
  const event = object(o.Event);
  const system = object(event?.System);
  if (event === undefined || system === undefined) return undefined;
  const fields: Fields = {};
  flatten(o, '', fields);
  for (const [k, v] of Object.entries(object(event.EventData) ?? {})) {
    if (k.length > 0 && !k.startsWith('#') && isSafeKey(k)) {
      const value = elementText(v);
      if (object(value) === undefined) fields[k] = value;
    }
  }
  const mapped = windowsEventOutcome(
    ctx,
    {
      eventId: elementText(system.EventID),
      channel: system.Channel,
      provider: object(object(system.Provider)?.['#attributes'])?.Name,
      computer: system.Computer,
      time: object(object(system.TimeCreated)?.['#attributes'])?.SystemTime,
    },
    fields,
  );
  // The whole document stays the message, so free text finds any of its values.
  return buildEvent(ctx, { ...mapped, message: text, fields });
}

const SYSMON_CATEGORIES: Record<number, string> = {
  1: 'process_creation',
  2: 'file_change',
  3: 'network_connection',
  5: 'process_termination',
  6: 'driver_load',
  7: 'image_load',
  8: 'create_remote_thread',
  9: 'raw_access_thread',
  10: 'process_access',
  11: 'file_event',
  12: 'registry_add',
  13: 'registry_set',
  14: 'registry_rename',
  15: 'create_stream_hash',
  17: 'pipe_created',
  18: 'pipe_created',
  22: 'dns_query',
  23: 'file_delete',
  25: 'process_tampering',
  26: 'file_delete_detected',
};

const TIME_KEYS = [
  '@timestamp',
  'timestamp',
  'time',
  'ts',
  'eventTime',
  'EventTime',
  'date',
  'datetime',
  'created_at',
];
const MESSAGE_KEYS = ['message', 'msg', 'log', 'Message', 'description'];

/** Any other JSON object: fields flattened, time and message taken from the usual keys. */
export function genericJsonEvent(o: JsonObject, ctx: ParseContext, text: string): ParseOutcome {
  const win = wazuhWindowsEvent(o, ctx) ?? evtxWindowsEvent(o, ctx, text);
  if (win !== undefined) return win;
  const fields: Fields = {};
  flatten(o, '', fields);
  let time: ResolvedTime | undefined;
  for (const k of TIME_KEYS) {
    if (o[k] !== undefined) {
      time = parseLooseTime(o[k], ctx);
      if (time !== undefined) break;
    }
  }
  let message: string | undefined;
  for (const k of MESSAGE_KEYS) {
    message = str(o[k]);
    if (message !== undefined) break;
  }
  for (const [from, to] of [
    ['src_ip', 'source.ip'],
    ['srcip', 'source.ip'],
    ['remoteAddr', 'source.ip'],
    ['ClientIP', 'source.ip'],
    ['dst_ip', 'destination.ip'],
    ['dstip', 'destination.ip'],
  ] as const) {
    if (fields[to] === undefined) putIp(fields, to, o[from]);
  }
  if (fields['user.name'] === undefined) put(fields, 'user.name', str(o.user) ?? str(o.username));
  if (fields['host.name'] === undefined) put(fields, 'host.name', str(o.host) ?? str(o.hostname));
  return buildEvent(ctx, { time, logsource: {}, message: message ?? text, fields });
}

/** Route a parsed object to the mapping its shape calls for. */
export function jsonEvent(
  o: JsonObject,
  ctx: ParseContext,
  text: string,
): { parser: 'suricata-eve' | 'zeek' | 'json'; outcome: ParseOutcome } {
  if (isSuricataEve(o)) return { parser: 'suricata-eve', outcome: suricataEvent(o, ctx) };
  if (isZeek(o)) return { parser: 'zeek', outcome: zeekEvent(o, ctx) };
  return { parser: 'json', outcome: genericJsonEvent(o, ctx, text) };
}

export function parseJson(text: string, ctx: ParseContext): ParseOutcome {
  const o = parseJsonObject(text);
  if (typeof o === 'string') return fail(o);
  return genericJsonEvent(o, ctx, text);
}

export function parseSuricataEve(text: string, ctx: ParseContext): ParseOutcome {
  const o = parseJsonObject(text);
  if (typeof o === 'string') return fail(o.replace(/^json/, 'suricata-eve'));
  if (!isSuricataEve(o)) return fail('suricata-eve: no event_type/timestamp');
  return suricataEvent(o, ctx);
}

export function parseZeekJson(text: string, ctx: ParseContext): ParseOutcome {
  const o = parseJsonObject(text);
  if (typeof o === 'string') return fail(o.replace(/^json/, 'zeek'));
  if (!isZeek(o)) return fail('zeek: no ts/uid/_path');
  return zeekEvent(o, ctx);
}
