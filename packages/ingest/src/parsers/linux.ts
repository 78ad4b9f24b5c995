/**
 * Linux authentication messages (sshd, sudo, su, useradd and friends, PAM) and auditd records.
 * These normally arrive as the MSG of a syslog line; the program name from the envelope decides
 * which patterns apply and which Sigma `service` the event is routed to.
 */
import { fail, type LogSource, type ParseContext, type ParseOutcome } from './types.js';
import { buildEvent, isSafeKey, put, putIp, putPort, type Fields } from './event.js';
import { epochTime } from './time.js';

const AUTH_PROGRAMS = new Set([
  'su',
  'useradd',
  'userdel',
  'usermod',
  'groupadd',
  'groupdel',
  'groupmod',
  'passwd',
  'chpasswd',
  'chage',
  'gpasswd',
  'login',
  'systemd-logind',
  'polkitd',
  'pkexec',
  'unix_chkpwd',
  'doas',
  'newgrp',
  'chsh',
  'chfn',
  'gdm-password',
  'lightdm',
  'sshd-session',
  'dropbear',
]);

/** Base program name: `su(pam_unix)` → `su`, `postfix/smtpd` stays as is. */
function baseProgram(program: string): string {
  const paren = program.indexOf('(');
  return (paren > 0 ? program.slice(0, paren) : program).toLowerCase();
}

/** The Sigma logsource for a syslog program on a Linux host. */
export function linuxLogsource(program: string | undefined): LogSource {
  if (program === undefined) return { product: 'linux', service: 'syslog' };
  const p = baseProgram(program);
  if (p === 'sshd' || p === 'sshd-session') return { product: 'linux', service: 'sshd' };
  if (p === 'sudo') return { product: 'linux', service: 'sudo' };
  if (p === 'cron' || p === 'crond' || p === 'anacron')
    return { product: 'linux', service: 'cron' };
  if (p === 'vsftpd') return { product: 'linux', service: 'vsftpd' };
  if (AUTH_PROGRAMS.has(p)) return { product: 'linux', service: 'auth' };
  return { product: 'linux', service: 'syslog' };
}

/** Programs whose messages linux-auth understands. */
export function isAuthProgram(program: string | undefined): boolean {
  if (program === undefined) return false;
  const p = baseProgram(program);
  return p === 'sshd' || p === 'sudo' || AUTH_PROGRAMS.has(p) || program.includes('pam_');
}

const IP = String.raw`([0-9a-fA-F:.]+(?:%\w+)?)`;
const SSH_RULES: { re: RegExp; action: string; outcome?: 'success' | 'failure' }[] = [
  {
    re: new RegExp(
      String.raw`^(Accepted|Failed) (\S+) for (invalid user )?(.*?) from ${IP} port (\d+)(?: (\w+))?`,
    ),
    action: 'ssh_login',
  },
  {
    re: new RegExp(String.raw`^Invalid user (.*?) from ${IP}(?: port (\d+))?`),
    action: 'ssh_invalid_user',
    outcome: 'failure',
  },
  {
    re: new RegExp(
      String.raw`^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*?) from ${IP} port (\d+)`,
    ),
    action: 'ssh_max_auth_attempts',
    outcome: 'failure',
  },
  {
    re: new RegExp(
      String.raw`^(?:Disconnected from|Connection closed by|Received disconnect from|Connection reset by)(?: (?:invalid|authenticating) user (\S+))? ${IP} port (\d+)`,
    ),
    action: 'ssh_disconnect',
  },
  {
    re: new RegExp(String.raw`^Did not receive identification string from ${IP}(?: port (\d+))?`),
    action: 'ssh_no_identification',
    outcome: 'failure',
  },
  {
    re: new RegExp(String.raw`^Connection from ${IP} port (\d+)`),
    action: 'ssh_connection',
  },
];

/** Bounded name lengths keep a line full of `pam_unix(` from costing quadratic time. */
const PAM = /pam_unix\(([^:)\s]{1,40}):([^)\s]{1,40})\): (.*)$/s;
const KV_PAIR = /(\w+)=(\S*)/g;
const FROM_IP =
  /\bfrom (?:\[)?(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:]+)\]?(?:[: ](?:port )?(\d+))?/;

function parsePam(msg: string, fields: Fields): boolean {
  const m = PAM.exec(msg);
  if (!m) {
    // Older PAM format, program written as `su(pam_unix)`: `authentication failure; … user=x`
    if (!/^(authentication failure|session (opened|closed)|check pass)/.test(msg)) return false;
  } else {
    put(fields, 'pam.service', m[1]);
    put(fields, 'pam.type', m[2]);
  }
  const text = m ? m[3]! : msg;
  if (text.startsWith('authentication failure')) {
    fields['event.action'] = 'authentication_failure';
    fields['event.outcome'] = 'failure';
    for (const kv of text.matchAll(KV_PAIR)) {
      const [, k, v] = kv as unknown as [string, string, string];
      if (v === '') continue;
      fields[`pam.${k}`] = v;
      if (k === 'user') fields['user.name'] = v;
      if (k === 'rhost') {
        putIp(fields, 'source.ip', v);
        fields['source.address'] = v;
      }
    }
    return true;
  }
  const session =
    /^session (opened|closed) for user (\S+?)(?:\(uid=\d+\))?(?: by (\S*?)(?:\(uid=(\d+)\))?)?$/.exec(
      text,
    );
  if (session) {
    fields['event.action'] = `session_${session[1]}`;
    fields['event.outcome'] = 'success';
    fields['user.name'] = session[2];
    put(fields, 'user.effective.name', session[3]);
    return true;
  }
  if (text.startsWith('check pass; user unknown')) {
    fields['event.action'] = 'authentication_failure';
    fields['event.outcome'] = 'failure';
    return true;
  }
  const changed = /^password changed for (\S+)/.exec(text);
  if (changed) {
    fields['event.action'] = 'password_changed';
    fields['event.outcome'] = 'success';
    fields['user.name'] = changed[1];
    return true;
  }
  return m !== null;
}

function parseSshd(msg: string, fields: Fields): void {
  for (const rule of SSH_RULES) {
    const m = rule.re.exec(msg);
    if (!m) continue;
    fields['event.action'] = rule.action;
    if (rule.outcome) fields['event.outcome'] = rule.outcome;
    switch (rule.action) {
      case 'ssh_login':
        fields['event.outcome'] = m[1] === 'Accepted' ? 'success' : 'failure';
        fields['ssh.method'] = m[2];
        if (m[3] !== undefined) fields['user.invalid'] = true;
        put(fields, 'user.name', m[4]);
        putIp(fields, 'source.ip', m[5]);
        putPort(fields, 'source.port', m[6]);
        put(fields, 'ssh.protocol', m[7]);
        break;
      case 'ssh_invalid_user':
        put(fields, 'user.name', m[1]);
        fields['user.invalid'] = true;
        putIp(fields, 'source.ip', m[2]);
        putPort(fields, 'source.port', m[3]);
        break;
      case 'ssh_max_auth_attempts':
        if (m[1] !== undefined) fields['user.invalid'] = true;
        put(fields, 'user.name', m[2]);
        putIp(fields, 'source.ip', m[3]);
        putPort(fields, 'source.port', m[4]);
        break;
      case 'ssh_disconnect':
        put(fields, 'user.name', m[1]);
        putIp(fields, 'source.ip', m[2]);
        putPort(fields, 'source.port', m[3]);
        break;
      default:
        putIp(fields, 'source.ip', m[1]);
        putPort(fields, 'source.port', m[2]);
    }
    return;
  }
  if (parsePam(msg, fields)) return;
  const from = FROM_IP.exec(msg);
  if (from) {
    putIp(fields, 'source.ip', from[1]);
    putPort(fields, 'source.port', from[2]);
  }
}

/**
 * `user : TTY=pts/0 ; PWD=/home/user ; USER=root ; COMMAND=/bin/ls`, also with a reason first
 * (`3 incorrect password attempts ;`, `user NOT in sudoers ;`). The keys keep sudo's own
 * upper-case names because Sigma's sudo rules match on `USER`.
 */
function parseSudo(msg: string, fields: Fields): void {
  const text = msg.trim();
  const colon = text.indexOf(' : ');
  if (colon <= 0) {
    if (!parsePam(text, fields)) fields['event.action'] = 'sudo';
    return;
  }
  const user = text.slice(0, colon);
  fields['user.name'] = user;
  fields['event.action'] = 'sudo';
  const parts = text.slice(colon + 3).split(' ; ');
  let failed = false;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (/^[A-Z]+$/.test(key)) {
      const value = part.slice(eq + 1);
      fields[key] = value;
      continue;
    }
    if (
      /incorrect password|NOT in sudoers|NOT allowed|authentication failure|a password is required/i.test(
        part,
      )
    ) {
      failed = true;
      fields['sudo.reason'] = part;
    }
  }
  fields['event.outcome'] = failed ? 'failure' : 'success';
  put(fields, 'user.target.name', fields.USER);
  put(fields, 'process.command_line', fields.COMMAND);
}

function parseSu(msg: string, fields: Fields): void {
  let m = /^(?:\(to (\S+)\) (\S+) on (\S+)|Successful su for (\S+) by (\S+))/.exec(msg);
  if (m) {
    fields['event.action'] = 'su';
    fields['event.outcome'] = 'success';
    put(fields, 'user.target.name', m[1] ?? m[4]);
    put(fields, 'user.name', m[2] ?? m[5]);
    return;
  }
  m =
    /^(?:FAILED (?:su|SU) (?:for (\S+) by (\S+))?|BAD SU (\S+) to (\S+)|'su (\S+)' failed for (\S+))/.exec(
      msg,
    );
  if (m) {
    fields['event.action'] = 'su';
    fields['event.outcome'] = 'failure';
    put(fields, 'user.target.name', m[1] ?? m[4] ?? m[5]);
    put(fields, 'user.name', m[2] ?? m[3] ?? m[6]);
    return;
  }
  m = /^([+-]) (\S+) (\S+?):(\S+)$/.exec(msg);
  if (m) {
    fields['event.action'] = 'su';
    fields['event.outcome'] = m[1] === '+' ? 'success' : 'failure';
    fields['user.name'] = m[3];
    fields['user.target.name'] = m[4];
    return;
  }
  parsePam(msg, fields);
}

function parseAccountChange(program: string, msg: string, fields: Fields): void {
  let m = /^new user: name=([^,\s]+)/.exec(msg);
  if (m) {
    fields['event.action'] = 'user_created';
    fields['event.outcome'] = 'success';
    fields['user.name'] = m[1];
    return;
  }
  m = /^new group: name=([^,\s]+)/.exec(msg);
  if (m) {
    fields['event.action'] = 'group_created';
    fields['event.outcome'] = 'success';
    fields['group.name'] = m[1];
    return;
  }
  m = /^delete user '([^']+)'/.exec(msg);
  if (m) {
    fields['event.action'] = 'user_deleted';
    fields['event.outcome'] = 'success';
    fields['user.name'] = m[1];
    return;
  }
  m = /^(?:add|adding user) '?([^' ]+)'? to (?:group|shadow group) '?([^' ]+)'?/.exec(msg);
  if (m) {
    fields['event.action'] = 'user_added_to_group';
    fields['event.outcome'] = 'success';
    fields['user.name'] = m[1];
    fields['group.name'] = m[2];
    return;
  }
  m = /^(?:change user '([^']+)' password|password for '([^']+)' changed)/.exec(msg);
  if (m) {
    fields['event.action'] = 'password_changed';
    fields['event.outcome'] = 'success';
    fields['user.name'] = m[1] ?? m[2];
    return;
  }
  if (/^failed adding user|^failed/i.test(msg)) {
    fields['event.action'] = `${program}_failed`;
    fields['event.outcome'] = 'failure';
    const u = /user '?([^' ,]+)'?/.exec(msg);
    if (u) fields['user.name'] = u[1];
    return;
  }
  parsePam(msg, fields);
}

/**
 * A Linux auth daemon's message. `program` is the syslog TAG's program name; without it the
 * message is recognised by its shape (sudo's `user : TTY=`, sshd's `Failed password for`).
 */
export function parseLinuxAuth(
  msg: string,
  ctx: ParseContext,
  program?: string,
  into: Fields = {},
): ParseOutcome {
  const fields = into;
  let p = program === undefined ? undefined : baseProgram(program);
  if (p === undefined) {
    if (/^\s*\S+ : .*\b(?:TTY|COMMAND)=/.test(msg)) p = 'sudo';
    else if (/^(?:Accepted|Failed) \S+ for |^Invalid user |^pam_unix\(sshd:/.test(msg)) p = 'sshd';
    else if (/pam_unix\(/.test(msg)) p = 'pam';
    else return fail('linux-auth: not an sshd, sudo, su or PAM message');
  }
  if (p === 'sshd' || p === 'sshd-session' || p === 'dropbear') parseSshd(msg, fields);
  else if (p === 'sudo') parseSudo(msg, fields);
  else if (p === 'su') parseSu(msg, fields);
  else parseAccountChange(p, msg, fields);
  if (fields['source.ip'] === undefined) {
    const from = FROM_IP.exec(msg);
    if (from) {
      putIp(fields, 'source.ip', from[1]);
      putPort(fields, 'source.port', from[2]);
    }
  }
  return buildEvent(ctx, {
    logsource: linuxLogsource(p === 'pam' ? 'login' : p),
    message: msg,
    fields,
  });
}

const AUDIT_HEAD = /^(?:node=(\S+) )?type=(\S+) msg=audit\((\d+(?:\.\d+)?):(\d+)\): ?/;
const AUDIT_KV = /([\w-]+)=("(?:[^"]*)"|'[^']*'|\S*)/g;

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    return v.slice(1, -1);
  }
  return v;
}

function readKv(text: string, fields: Fields): void {
  for (const m of text.matchAll(AUDIT_KV)) {
    const key = m[1]!;
    const raw = m[2]!;
    if (key === 'msg' && raw.startsWith("'")) {
      // USER_* records nest their own key=value list in msg='…'.
      readKv(raw.slice(1, -1), fields);
      continue;
    }
    if (fields[key] === undefined && isSafeKey(key)) fields[key] = unquote(raw);
  }
}

/** Linux audit records: `type=SYSCALL msg=audit(1624643172.076:11843): arch=… exe="…"` */
export function parseAuditd(text: string, ctx: ParseContext): ParseOutcome {
  const trimmed = text.trimStart();
  const head = AUDIT_HEAD.exec(trimmed);
  if (!head) return fail('auditd: no "type=… msg=audit(…):" header');
  const fields: Fields = { type: head[2], 'audit.serial': Number(head[4]) };
  put(fields, 'node', head[1]);
  readKv(trimmed.slice(head[0].length), fields);
  const ms = epochTime(Number(head[3]));
  put(fields, 'user.name', typeof fields.acct === 'string' ? fields.acct : undefined);
  put(fields, 'process.name', fields.comm);
  const pid = Number(fields.pid);
  if (Number.isInteger(pid)) fields['process.pid'] = pid;
  if (fields.res === 'success' || fields.success === 'yes') fields['event.outcome'] = 'success';
  else if (fields.res === 'failed' || fields.success === 'no') fields['event.outcome'] = 'failure';
  putIp(fields, 'source.ip', fields.addr);
  put(fields, 'host.name', fields.hostname === '?' ? undefined : fields.hostname);
  return buildEvent(ctx, {
    time: ms === undefined ? undefined : { ms, zoneAssumed: false },
    logsource: { product: 'linux', service: 'auditd' },
    message: trimmed,
    fields,
  });
}
