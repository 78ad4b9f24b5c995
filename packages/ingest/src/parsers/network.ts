/**
 * Network devices that log without CEF: Cisco ASA/FTD/PIX and IOS (`%FAC-SEV-MNEMONIC: text`) and
 * firewalls that log `key=value` lines (FortiGate, Sophos XG, SonicWall). Firewall events carry
 * the field names of Sigma's `category: firewall` rules (`src_ip`, `dst_ip`, `dst_port`, `action`,
 * `blocked`) beside the common ones.
 */
import { fail, type LogSource, type ParseContext, type ParseOutcome } from './types.js';
import { buildEvent, isIp, isSafeKey, put, putIp, putPort, type Fields } from './event.js';
import { parseLooseTime, withZone, type ResolvedTime } from './time.js';

const CISCO = /^%([A-Z0-9_]{2,32})-([0-7])-([A-Z0-9_]{1,40}): ?(.*)$/s;
const CISCO_FIREWALLS = new Set(['ASA', 'FTD', 'PIX', 'FWSM']);
const ADDR = String.raw`(?:([\w-]+):)?([0-9a-fA-F.:]+?)\/(\w+)`;
const SRC = new RegExp(String.raw`\b(?:src|from|for) ${ADDR}`);
const DST = new RegExp(String.raw`\b(?:dst|to) ${ADDR}`);

function firewallAliases(fields: Fields): void {
  if (fields['source.ip'] !== undefined) fields.src_ip = fields['source.ip'];
  if (fields['destination.ip'] !== undefined) fields.dst_ip = fields['destination.ip'];
  if (fields['source.port'] !== undefined) fields.src_port = fields['source.port'];
  if (fields['destination.port'] !== undefined) fields.dst_port = fields['destination.port'];
}

function actionOf(text: string): { action: string; blocked?: 'true' | 'false' } | undefined {
  const t = text.toLowerCase();
  if (
    /^(deny|denied|drop|dropped|block|blocked|reject|rejected)\b|\b(denied|dropped|discarded)\b/.test(
      t,
    )
  ) {
    return { action: 'deny', blocked: 'true' };
  }
  if (/^(built|permitted|permit|allow|allowed|accept|accepted)\b/.test(t)) {
    return { action: 'allow', blocked: 'false' };
  }
  if (/^teardown\b/.test(t)) return { action: 'teardown' };
  return undefined;
}

/** `%ASA-6-302013: Built inbound TCP connection … for outside:1.2.3.4/53 … to inside:…` */
export function parseCisco(text: string, ctx: ParseContext, into: Fields = {}): ParseOutcome {
  const m = CISCO.exec(text);
  if (!m) return fail('cisco: no %FACILITY-SEVERITY-MNEMONIC: prefix');
  const [, facility, severity, mnemonic, body] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const fields = into;
  fields['cisco.facility'] = facility;
  fields['cisco.severity'] = Number(severity);
  fields['cisco.mnemonic'] = mnemonic;
  let logsource: LogSource = { product: 'cisco', service: 'syslog' };
  if (CISCO_FIREWALLS.has(facility)) {
    logsource = { product: 'cisco', category: 'firewall' };
    fields['cisco.message_id'] = mnemonic;
    const src = SRC.exec(body);
    const dst = DST.exec(body);
    if (src && isIp(src[2]!)) {
      fields['source.ip'] = src[2];
      putPort(fields, 'source.port', src[3]);
      put(fields, 'source.interface', src[1]);
    }
    if (dst && isIp(dst[2]!)) {
      fields['destination.ip'] = dst[2];
      putPort(fields, 'destination.port', dst[3]);
      put(fields, 'destination.interface', dst[1]);
    }
    const proto = /\b(tcp|udp|icmp|gre|esp)\b/i.exec(body);
    if (proto) fields['network.transport'] = proto[1]!.toLowerCase();
    const act = actionOf(body);
    if (act) {
      fields['event.action'] = act.action;
      fields.action = act.action;
      if (act.blocked !== undefined) fields.blocked = act.blocked;
    }
    firewallAliases(fields);
  }
  return buildEvent(ctx, { logsource, message: text, fields });
}

const KV = /([A-Za-z_][\w.-]{0,63})=("(?:[^"\\]|\\.)*"|\S*)/g;

/** Lines made of `key=value` pairs (values optionally quoted); at least three pairs. */
export function looksLikeKv(text: string): boolean {
  return /^[A-Za-z_][\w.-]{0,63}=("[^"]*"|\S+)(?: +[A-Za-z_][\w.-]{0,63}=("[^"]*"|\S*)){2}/.test(
    text,
  );
}

function kvPairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(KV)) {
    const raw = m[2]!;
    const value =
      raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')
        ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
        : raw;
    if (out[m[1]!] === undefined && isSafeKey(m[1]!)) out[m[1]!] = value;
  }
  return out;
}

/** SonicWall writes `10.0.0.1:4507:WAN`: address, port, interface. */
function splitSonicwall(v: string | undefined): [string | undefined, string | undefined] {
  if (v === undefined) return [undefined, undefined];
  if (isIp(v)) return [v, undefined];
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)?(?::.*)?$/.exec(v);
  return m ? [m[1], m[2]] : [undefined, undefined];
}

/** FortiGate, Sophos XG, SonicWall and other `key=value` firewall logs; any other kv line too. */
export function parseKv(text: string, ctx: ParseContext): ParseOutcome {
  if (!looksLikeKv(text)) return fail('kv: fewer than three leading key=value pairs');
  const kv = kvPairs(text);
  const fields: Fields = { ...kv };
  const firewall =
    (kv.devid !== undefined && /^F[GW]/.test(kv.devid)) ||
    kv.device === 'SFW' ||
    (kv.fw !== undefined && kv.sn !== undefined) ||
    kv.type === 'traffic' ||
    kv.log_type === 'Firewall';
  const [srcAddr, srcPort] = splitSonicwall(kv.srcip ?? kv.src_ip ?? kv.src);
  const [dstAddr, dstPort] = splitSonicwall(kv.dstip ?? kv.dst_ip ?? kv.dst);
  putIp(fields, 'source.ip', srcAddr);
  putPort(fields, 'source.port', kv.srcport ?? kv.src_port ?? srcPort);
  putIp(fields, 'destination.ip', dstAddr);
  putPort(fields, 'destination.port', kv.dstport ?? kv.dst_port ?? dstPort);
  put(fields, 'user.name', kv.user ?? kv.user_name ?? kv.usrname);
  put(fields, 'host.name', kv.devname ?? kv.device_name);
  put(fields, 'event.action', kv.action);
  if (kv.proto !== undefined && /^[a-z]+/i.test(kv.proto)) {
    fields['network.transport'] = kv.proto.replace(/\/.*$/, '').toLowerCase();
  }
  let time: ResolvedTime | undefined;
  if (kv.date !== undefined && kv.time !== undefined) {
    const tz = kv.tz ?? kv.timezone;
    const base = parseLooseTime(`${kv.date} ${kv.time}`, { ...ctx, defaultTimezone: 'UTC' });
    if (base !== undefined) {
      const d = new Date(base.ms);
      time = withZone(
        ctx,
        tz === undefined
          ? undefined
          : /^[+-]\d{2}$/.test(tz)
            ? `${tz}:00`
            : tz.replace(/^(?:UTC|GMT)(?=[+-])/, ''),
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      );
    }
  } else {
    time = parseLooseTime(kv.time ?? kv.timestamp ?? kv.eventtime, ctx);
  }
  let logsource: LogSource = {};
  if (firewall) {
    logsource = { category: 'firewall' };
    firewallAliases(fields);
    const act = kv.action === undefined ? undefined : actionOf(kv.action);
    if (kv.action !== undefined) fields.action = kv.action.toLowerCase();
    if (act?.blocked !== undefined) fields.blocked = act.blocked;
  }
  return buildEvent(ctx, { time, logsource, message: kv.msg ?? text, fields });
}
