/**
 * Log lines in the shapes the city's devices really send: rsyslog's forward format, RFC 5424,
 * nginx combined logs, FortiGate key=value, PAN-OS CEF, Suricata EVE, Zeek JSON and Windows
 * events as a Wazuh agent ships them. Times are written in the city's local time with its
 * offset (or in UTC where the format is UTC), so no receiver has to guess the zone.
 */
import { CITY_UTC_OFFSET_MINUTES } from './model.js';

/** How a line travels to Prahari: syslog over TCP or UDP, or the HTTP ingest API (JSON). */
export type Channel = 'tcp' | 'udp' | 'http';

/** One line of telemetry: what it says, how it travels, which asset it is about. */
export interface TelemetryLine {
  channel: Channel;
  text: string;
  /** the asset the line comes from or is about (for summaries) */
  asset: string;
  format: LogFormat;
}

export type LogFormat =
  | 'linux-syslog'
  | 'nginx'
  | 'fortigate'
  | 'pan-os-cef'
  | 'suricata-eve'
  | 'zeek'
  | 'windows'
  | 'device-syslog';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The wall-clock fields of `at` in the city's zone. */
function local(at: Date): {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
} {
  const t = new Date(at.getTime() + CITY_UTC_OFFSET_MINUTES * 60_000);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth(),
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
  };
}

const OFFSET_COLON = `+${pad(Math.floor(CITY_UTC_OFFSET_MINUTES / 60))}:${pad(CITY_UTC_OFFSET_MINUTES % 60)}`;
const OFFSET_PLAIN = OFFSET_COLON.replace(':', '');

/** `2026-11-25T15:30:00.123+05:30` */
export function localIso(at: Date): string {
  const t = local(at);
  return `${t.y}-${pad(t.mo + 1)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}${OFFSET_COLON}`;
}

/** nginx `$time_local`: `25/Nov/2026:15:30:00 +0530` */
export function clfTime(at: Date): string {
  const t = local(at);
  return `${pad(t.d)}/${MONTHS[t.mo]}/${t.y}:${pad(t.h)}:${pad(t.mi)}:${pad(t.s)} ${OFFSET_PLAIN}`;
}

/** RFC 3164 header time in the city's zone: `Nov 25 15:30:00` */
function bsdTime(at: Date): string {
  const t = local(at);
  return `${MONTHS[t.mo]} ${String(t.d).padStart(2, ' ')} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`;
}

/** Suricata's `timestamp`: `2026-11-25T15:30:00.123000+0530` */
export function eveTime(at: Date): string {
  const t = local(at);
  return `${t.y}-${pad(t.mo + 1)}-${pad(t.d)}T${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}000${OFFSET_PLAIN}`;
}

/** Zeek's JSON `ts`: epoch seconds with microseconds. */
export function zeekTs(at: Date): number {
  return Math.round(at.getTime() * 1000) / 1e6;
}

/**
 * rsyslog's RSYSLOG_ForwardFormat, as a Linux server forwards: `<PRI>TIMESTAMP HOST TAG[PID]: MSG`
 * with an RFC 3339 time. `pri` is facility × 8 + severity.
 */
export function rsyslog(
  at: Date,
  pri: number,
  host: string,
  tag: string,
  pid: number | null,
  msg: string,
): string {
  return `<${pri}>${localIso(at)} ${host} ${tag}${pid === null ? '' : `[${pid}]`}: ${msg}`;
}

/** A Linux server's syslog line, forwarded by rsyslog over TCP. */
export function linuxSyslogLine(
  at: Date,
  host: string,
  pri: number,
  tag: string,
  pid: number | null,
  msg: string,
): TelemetryLine {
  return {
    channel: 'tcp',
    asset: host,
    format: 'linux-syslog',
    text: rsyslog(at, pri, host, tag, pid, msg),
  };
}

/** RFC 5424, as embedded devices (NVRs, cameras, controllers) send it. */
export function rfc5424(
  at: Date,
  pri: number,
  host: string,
  app: string,
  procid: string,
  msgid: string,
  msg: string,
): string {
  return `<${pri}>1 ${localIso(at)} ${host} ${app} ${procid} ${msgid} - ${msg}`;
}

/** nginx `combined`, forwarded by rsyslog under the tag `nginx`. */
export function nginxLine(
  at: Date,
  host: string,
  r: {
    client: string;
    method: string;
    path: string;
    status: number;
    bytes: number;
    referer?: string;
    agent: string;
    user?: string;
  },
): string {
  const log = `${r.client} - ${r.user ?? '-'} [${clfTime(at)}] "${r.method} ${r.path} HTTP/1.1" ${r.status} ${r.bytes} "${r.referer ?? '-'}" "${r.agent}"`;
  return rsyslog(at, 190, host, 'nginx', null, log);
}

/** A web server's access-log line (`nginxLine`), forwarded over TCP. */
export function webAccessLine(
  at: Date,
  host: string,
  r: Parameters<typeof nginxLine>[2],
): TelemetryLine {
  return { channel: 'tcp', asset: host, format: 'nginx', text: nginxLine(at, host, r) };
}

/**
 * FortiGate's syslog: key=value pairs with its own date, time and zone, sent as
 * `<PRI>date=… time=… …` (FortiOS puts no RFC 3164 header before them).
 */
export function fortigateLine(
  at: Date,
  device: { name: string; serial: string },
  fields: Record<string, string | number>,
): string {
  const t = local(at);
  const head: Record<string, string | number> = {
    date: `${t.y}-${pad(t.mo + 1)}-${pad(t.d)}`,
    time: `${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`,
    devname: device.name,
    devid: device.serial,
    eventtime: `${at.getTime()}000000`,
    tz: OFFSET_PLAIN,
  };
  const kv = Object.entries({ ...head, ...fields })
    .map(([k, v]) => (typeof v === 'number' ? `${k}=${v}` : `${k}="${v}"`))
    .join(' ');
  return `<189>${kv}`;
}

/** A FortiGate's line (`fortigateLine`), sent over UDP as FortiOS does. */
export function fortigateEventLine(
  at: Date,
  device: { name: string; serial: string },
  fields: Record<string, string | number>,
): TelemetryLine {
  return {
    channel: 'udp',
    asset: device.name,
    format: 'fortigate',
    text: fortigateLine(at, device, fields),
  };
}

/** A CEF extension value: `\`, `=` and line breaks escaped. */
function cefValue(v: string | number): string {
  return String(v).replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n/g, '\\n');
}

/** PAN-OS CEF over syslog (RFC 3164 header in local time; the `rt` extension is exact). */
export function panCefLine(
  at: Date,
  host: string,
  header: { signature: string; name: string; severity: number },
  ext: Record<string, string | number>,
): string {
  const extension = Object.entries({ rt: at.getTime(), ...ext })
    .map(([k, v]) => `${k}=${cefValue(v)}`)
    .join(' ');
  return `<14>${bsdTime(at)} ${host} CEF:0|Palo Alto Networks|PAN-OS|10.2.4|${header.signature}|${header.name}|${header.severity}|${extension}`;
}

/** Windows event as the Wazuh agent ships it (`win.system`, `win.eventdata`), one JSON line. */
export function windowsEvent(
  at: Date,
  computer: string,
  system: {
    eventID: number;
    channel: string;
    providerName: string;
    providerGuid: string;
    message: string;
    level?: number;
    task?: number;
  },
  eventdata: Record<string, string | number>,
  recordId: number,
): string {
  return JSON.stringify({
    timestamp: localIso(at),
    agent: { name: computer },
    win: {
      system: {
        providerName: system.providerName,
        providerGuid: system.providerGuid,
        eventID: String(system.eventID),
        version: '2',
        level: String(system.level ?? 4),
        task: String(system.task ?? 0),
        opcode: '0',
        keywords: '0x8000000000000000',
        systemTime: `${at.toISOString().slice(0, 23)}0000Z`,
        eventRecordID: String(recordId),
        channel: system.channel,
        computer: `${computer}.corp.demo-city.example`,
        severityValue: 'INFORMATION',
        message: system.message,
      },
      eventdata: Object.fromEntries(Object.entries(eventdata).map(([k, v]) => [k, String(v)])),
    },
  });
}

/** A Windows event (`windowsEvent`) over the HTTP ingest. */
export function windowsEventLine(
  at: Date,
  computer: string,
  system: Parameters<typeof windowsEvent>[2],
  eventdata: Record<string, string | number>,
  recordId: number,
): TelemetryLine {
  return {
    channel: 'http',
    asset: computer,
    format: 'windows',
    text: windowsEvent(at, computer, system, eventdata, recordId),
  };
}

export const SYSMON = {
  providerName: 'Microsoft-Windows-Sysmon',
  providerGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
  channel: 'Microsoft-Windows-Sysmon/Operational',
} as const;

export const SECURITY = {
  providerName: 'Microsoft-Windows-Security-Auditing',
  providerGuid: '{54849625-5478-4994-a5ba-3e3b0328c30d}',
  channel: 'Security',
} as const;

/** A Zeek log record as its JSON writer sends it (`ts` from `at`), over the HTTP ingest. */
export function zeekLine(at: Date, about: string, record: Record<string, unknown>): TelemetryLine {
  return {
    channel: 'http',
    asset: about,
    format: 'zeek',
    text: JSON.stringify({ ts: zeekTs(at), ...record }),
  };
}

/** A Suricata EVE record (`timestamp` from `at`), over the HTTP ingest. */
export function eveLine(at: Date, about: string, record: Record<string, unknown>): TelemetryLine {
  return {
    channel: 'http',
    asset: about,
    format: 'suricata-eve',
    text: JSON.stringify({ timestamp: eveTime(at), ...record }),
  };
}
