/**
 * Apache/nginx access logs in the common and combined formats (optionally with a leading
 * `vhost:port`, Apache's vhost_combined). Field names are the W3C ones Sigma's webserver rules use.
 */
import { fail, type ParseContext, type ParseOutcome } from './types.js';
import { buildEvent, isIp, put, putIp, toInt, type Fields } from './event.js';
import { parseLooseTime } from './time.js';

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const ACCESS = new RegExp(
  String.raw`^((?:\S+ ){3,4})\[([^\]]{10,40})\] ${QUOTED} (\d{3}|-) (\d+|-)(?: ${QUOTED} ${QUOTED})?(.*)$`,
);

function unescapeLog(v: string): string {
  if (!v.includes('\\')) return v;
  return v.replace(
    /\\x([0-9a-fA-F]{2})|\\(.)/g,
    (_m, hex: string | undefined, c: string | undefined) =>
      hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (c ?? ''),
  );
}

/** A single access-log line, `%h %l %u %t "%r" %>s %b ["%{Referer}i" "%{User-Agent}i"]`. */
export function parseAccessLog(text: string, ctx: ParseContext, server?: string): ParseOutcome {
  const m = ACCESS.exec(text);
  if (!m) return fail('access-log: not a common/combined log line');
  const prefix = m[1]!.trim().split(' ');
  // vhost_combined puts `vhost:port` before the client address.
  const vhost = prefix.length === 4 ? prefix.shift() : undefined;
  const [client, , user] = prefix as [string, string, string];
  const fields: Fields = {};
  put(fields, 'c-ip', client);
  putIp(fields, 'source.ip', client);
  if (!isIp(client)) put(fields, 'source.address', client);
  if (vhost !== undefined) {
    put(fields, 'cs-host', vhost.replace(/:\d+$/, ''));
    put(fields, 'url.domain', vhost.replace(/:\d+$/, ''));
  }
  put(fields, 'cs-username', user);
  put(fields, 'user.name', user);
  const request = unescapeLog(m[3]!);
  const rl = /^([A-Za-z_-]{1,20}) (\S+)(?: (\S+))?$/.exec(request);
  if (rl) {
    const [, method, target, version] = rl as unknown as [string, string, string, string?];
    const q = target.indexOf('?');
    fields['cs-method'] = method;
    fields['http.request.method'] = method;
    fields['c-uri'] = target;
    fields['url.original'] = target;
    fields['cs-uri-stem'] = q === -1 ? target : target.slice(0, q);
    fields['url.path'] = fields['cs-uri-stem'];
    if (q !== -1) {
      fields['cs-uri-query'] = target.slice(q + 1);
      fields['url.query'] = target.slice(q + 1);
    }
    put(fields, 'cs-version', version);
  } else {
    // Scanners send TLS handshakes or junk to port 80; keep what arrived.
    put(fields, 'cs-request', request);
  }
  const status = toInt(m[4]);
  if (status !== undefined) {
    fields['sc-status'] = status;
    fields['http.response.status_code'] = status;
    fields['event.outcome'] = status >= 400 ? 'failure' : 'success';
  }
  const bytes = toInt(m[5], Number.MAX_SAFE_INTEGER);
  if (bytes !== undefined) {
    fields['sc-bytes'] = bytes;
    fields['http.response.body.bytes'] = bytes;
  }
  if (m[6] !== undefined) {
    const referer = unescapeLog(m[6]);
    put(fields, 'cs-referer', referer);
    put(fields, 'http.request.referrer', referer);
  }
  if (m[7] !== undefined) {
    const ua = unescapeLog(m[7]);
    put(fields, 'cs-user-agent', ua);
    put(fields, 'c-useragent', ua);
    put(fields, 'user_agent.original', ua);
  }
  const extra = m[8]!.trim();
  if (extra !== '') fields['access.extra'] = extra;
  const s = server?.toLowerCase();
  const service =
    s === 'nginx'
      ? 'nginx'
      : s === 'apache' || s === 'httpd' || s === 'apache2'
        ? 'apache'
        : undefined;
  return buildEvent(ctx, {
    time: parseLooseTime(m[2], ctx),
    logsource:
      service === undefined ? { category: 'webserver' } : { category: 'webserver', service },
    message: text,
    fields,
  });
}
