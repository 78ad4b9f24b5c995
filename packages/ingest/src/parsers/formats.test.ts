import { describe, expect, it } from 'vitest';
import {
  parseCefExtension,
  parseMessage,
  parsers,
  parseZeekTsv,
  type ParseContext,
} from './index.js';

const ctx: ParseContext = { receivedAt: new Date('2026-11-25T12:00:00Z') };

function parsed(raw: string | Buffer, c: ParseContext = ctx) {
  const r = parseMessage(raw, c);
  if (!r.ok) throw new Error(`expected a parse, got: ${r.reason}`);
  return r;
}

describe('CEF', () => {
  it('reads header escapes and extension values with spaces and escaped =', () => {
    const r = parsed(
      'CEF:0|Security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 spt=1232 act=blocked a \\= dst=2.1.2.2 msg=Detected a threat. No action needed. cs1Label=Policy Name cs1=Default Web\\\\Rule rt=1609459200123',
    );
    expect(r.parser).toBe('cef');
    expect(r.event.eventTime).toBe('2021-01-01T00:00:00.123Z');
    expect(r.event.message).toBe('Detected a threat. No action needed.');
    expect(r.event.fields).toMatchObject({
      'cef.device_vendor': 'Security',
      'cef.name': 'detected a | in message',
      'cef.severity': '10',
      act: 'blocked a =',
      'event.action': 'blocked a =',
      'source.ip': '10.0.0.1',
      'source.port': 1232,
      'destination.ip': '2.1.2.2',
      cs1: 'Default Web\\Rule',
      'Policy Name': 'Default Web\\Rule',
    });
  });

  it('maps firewall vendors to category firewall with the Sigma firewall field names', () => {
    const r = parsed(
      '<134>Nov 25 10:00:00 fw01 CEF:0|Fortinet|Fortigate|v7.0|0000000013|traffic:forward deny|3|src=10.1.1.5 spt=51000 dst=203.0.113.9 dpt=3389 proto=TCP act=deny',
    );
    expect(r.parser).toBe('cef');
    expect(r.event.logsource).toEqual({ category: 'firewall' });
    expect(r.event.fields).toMatchObject({
      src_ip: '10.1.1.5',
      dst_ip: '203.0.113.9',
      dst_port: 3389,
      action: 'deny',
      blocked: 'true',
      'network.transport': 'tcp',
      'host.name': 'fw01',
      'syslog.format': 'rfc3164',
    });
    // No rt: the syslog header's time is the event time.
    expect(r.event.eventTime).toBe('2026-11-25T10:00:00.000Z');
  });

  it('reads CEF carried behind a syslog tag, with rt in MMM dd yyyy HH:mm:ss zzz', () => {
    const r = parsed(
      'Sep  9 00:31:10 192.168.1.1 cef: CEF:0|FireEye|MPS|7.9.3|MC|malware-callback|7|rt=Sep 09 2017 00:31:23 UTC src=192.168.1.1 cn3Label=cncPort cn3=1080 requestMethod=GET proto=tcp dst=192.168.1.2',
    );
    expect(r.parser).toBe('cef');
    expect(r.event.eventTime).toBe('2017-09-09T00:31:23.000Z');
    expect(r.event.fields).toMatchObject({ cncPort: '1080', 'http.request.method': 'GET' });
  });

  it('splits extensions only at unescaped key=', () => {
    expect(parseCefExtension('a=1 b=x\\=y z c=multi word value')).toEqual({
      a: '1',
      b: 'x=y z',
      c: 'multi word value',
    });
  });

  it('fails clearly on a short header', () => {
    expect(parsers.cef('CEF:0|a|b|c', ctx)).toEqual({
      ok: false,
      reason: 'cef: header has fewer than 7 fields',
    });
  });
});

describe('LEEF', () => {
  it('reads LEEF 1.0 with tab-separated attributes', () => {
    const r = parsed(
      'LEEF:1.0|Panda Security|paps|02.47.00.0000|registrym|sev=1\tdevTime=2019-05-09 22:03:58.692466\tdevTimeFormat=yyyy-MM-dd HH:mm:ss.SSS\tusrName=SYSTEM\tsrc=192.168.0.8',
    );
    expect(r.parser).toBe('leef');
    expect(r.event.eventTime).toBe('2019-05-09T22:03:58.692Z');
    expect(r.event.fields).toMatchObject({
      'leef.vendor': 'Panda Security',
      'leef.event_id': 'registrym',
      'user.name': 'SYSTEM',
      'source.ip': '192.168.0.8',
    });
  });

  it('reads LEEF 2.0 with a caret delimiter and with a hex delimiter', () => {
    const caret = parsed(
      'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21',
    );
    expect(caret.event.fields).toMatchObject({
      'source.ip': '10.0.1.8',
      'destination.ip': '10.0.0.5',
      'source.port': 81,
      'destination.port': 21,
    });
    const hex = parsed(
      'LEEF:2.0|Palo Alto Networks|PAN-OS|9.1|TRAFFIC|x09|src=1.1.1.1\tdstPort=443\taction=allow',
    );
    expect(hex.event.logsource).toEqual({ category: 'firewall' });
    expect(hex.event.fields).toMatchObject({
      src_ip: '1.1.1.1',
      dst_port: 443,
      action: 'allow',
      blocked: 'false',
    });
  });

  it('rejects an unknown delimiter specification', () => {
    expect(parsers.leef('LEEF:2.0|v|p|1|e|xZZ|a=b', ctx)).toEqual({
      ok: false,
      reason: 'leef: invalid delimiter specification',
    });
  });
});

describe('access logs', () => {
  it('maps a combined line to the webserver field names', () => {
    const r = parsed(
      '203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /cgi-bin/a.php?cmd=read&x=1 HTTP/1.1" 404 2326 "http://example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    );
    expect(r.parser).toBe('access-log');
    expect(r.event.logsource).toEqual({ category: 'webserver' });
    expect(r.event.eventTime).toBe('2000-10-10T20:55:36.000Z');
    expect(r.event.fields).toMatchObject({
      'c-ip': '203.0.113.7',
      'source.ip': '203.0.113.7',
      'cs-username': 'frank',
      'user.name': 'frank',
      'cs-method': 'GET',
      'c-uri': '/cgi-bin/a.php?cmd=read&x=1',
      'cs-uri-stem': '/cgi-bin/a.php',
      'cs-uri-query': 'cmd=read&x=1',
      'sc-status': 404,
      'sc-bytes': 2326,
      'cs-referer': 'http://example.com/start.html',
      'cs-user-agent': 'Mozilla/4.08 [en] (Win98; I ;Nav)',
      'c-useragent': 'Mozilla/4.08 [en] (Win98; I ;Nav)',
      'event.outcome': 'failure',
    });
  });

  it('reads the common format, escaped quotes and a junk request line', () => {
    const common = parsed('127.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.0" 200 -');
    expect(common.event.fields['sc-bytes']).toBeUndefined();
    expect(common.event.fields['cs-referer']).toBeUndefined();
    const junk = parsed(
      '10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "\\x16\\x03\\x01" 400 0 "-" "say \\"hi\\""',
    );
    expect(junk.event.fields['cs-request']).toBe('\u0016\u0003\u0001');
    expect(junk.event.fields['c-useragent']).toBe('say "hi"');
  });

  it('reads an nginx line carried in syslog and routes it to service nginx', () => {
    const r = parsed(
      '<190>Nov 25 11:00:00 web1 nginx: 198.51.100.4 - - [25/Nov/2026:11:00:00 +0530] "POST /login HTTP/2.0" 200 12 "-" "curl/8.0"',
    );
    expect(r.parser).toBe('access-log');
    expect(r.event.logsource).toEqual({ category: 'webserver', service: 'nginx' });
    expect(r.event.eventTime).toBe('2026-11-25T05:30:00.000Z');
  });
});

describe('Linux auth', () => {
  const line = (msg: string, prog = 'sshd[1234]') => parsed(`Nov 25 10:00:00 srv ${prog}: ${msg}`);

  it('reads failed and accepted sshd logins', () => {
    const failed = line('Failed password for invalid user admin from 203.0.113.5 port 52144 ssh2');
    expect(failed.parser).toBe('linux-auth');
    expect(failed.event.logsource).toEqual({ product: 'linux', service: 'sshd' });
    expect(failed.event.fields).toMatchObject({
      'event.action': 'ssh_login',
      'event.outcome': 'failure',
      'user.name': 'admin',
      'user.invalid': true,
      'source.ip': '203.0.113.5',
      'source.port': 52144,
      'process.name': 'sshd',
      'process.pid': 1234,
      'host.name': 'srv',
    });
    const ok = line(
      'Accepted publickey for deploy from 2001:db8::7 port 40022 ssh2: RSA SHA256:abc',
    );
    expect(ok.event.fields).toMatchObject({
      'event.outcome': 'success',
      'ssh.method': 'publickey',
      'user.name': 'deploy',
      'source.ip': '2001:db8::7',
    });
    expect(line('Invalid user oracle from 198.51.100.9 port 4444').event.fields).toMatchObject({
      'event.action': 'ssh_invalid_user',
      'user.name': 'oracle',
    });
  });

  it('recognises sshd and sudo messages that arrive without a syslog header', () => {
    expect(parsed('Failed password for root from 192.0.2.1 port 22 ssh2')).toMatchObject({
      parser: 'linux-auth',
      event: {
        logsource: { service: 'sshd' },
        fields: { 'user.name': 'root', 'event.outcome': 'failure' },
      },
    });
    expect(
      parsed('alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id').event.fields.USER,
    ).toBe('root');
  });

  it('reads PAM authentication failures', () => {
    const r = line(
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.44  user=root',
    );
    expect(r.event.fields).toMatchObject({
      'event.outcome': 'failure',
      'user.name': 'root',
      'source.ip': '192.0.2.44',
      'pam.service': 'sshd',
    });
  });

  it('keeps sudo keys under their own names for the Sigma sudo rules', () => {
    const r = line(
      '    dcid : TTY=pts/4 ; PWD=/home/dcid ; USER=root ; COMMAND=/usr/bin/tail /var/log/snort/alert.fast',
      'sudo',
    );
    expect(r.event.logsource).toEqual({ product: 'linux', service: 'sudo' });
    expect(r.event.fields).toMatchObject({
      'user.name': 'dcid',
      TTY: 'pts/4',
      PWD: '/home/dcid',
      USER: 'root',
      COMMAND: '/usr/bin/tail /var/log/snort/alert.fast',
      'process.command_line': '/usr/bin/tail /var/log/snort/alert.fast',
      'event.outcome': 'success',
    });
    const denied = line(
      'mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/sh',
      'sudo',
    );
    expect(denied.event.fields['event.outcome']).toBe('failure');
  });

  it('reads su and account changes', () => {
    expect(line('(to root) alice on pts/0', 'su[99]').event.fields).toMatchObject({
      'event.outcome': 'success',
      'user.name': 'alice',
      'user.target.name': 'root',
    });
    const added = line(
      'new user: name=backdoor, UID=0, GID=0, home=/root, shell=/bin/bash',
      'useradd[5]',
    );
    expect(added.event.logsource).toEqual({ product: 'linux', service: 'auth' });
    expect(added.event.fields).toMatchObject({
      'event.action': 'user_created',
      'user.name': 'backdoor',
    });
  });
});

describe('auditd', () => {
  it('reads the record header, key=value pairs and nested msg', () => {
    const r = parsed(
      'type=USER_AUTH msg=audit(1624643172.076:11843): pid=1 uid=0 auid=4294967295 msg=\'op=PAM:authentication acct="root" exe="/usr/sbin/sshd" hostname=1.2.3.4 addr=1.2.3.4 terminal=ssh res=failed\'',
    );
    expect(r.parser).toBe('auditd');
    expect(r.event.logsource).toEqual({ product: 'linux', service: 'auditd' });
    expect(r.event.eventTime).toBe('2021-06-25T17:46:12.076Z');
    expect(r.event.fields).toMatchObject({
      type: 'USER_AUTH',
      op: 'PAM:authentication',
      exe: '/usr/sbin/sshd',
      'user.name': 'root',
      'source.ip': '1.2.3.4',
      'event.outcome': 'failure',
    });
  });
});

describe('JSON, Suricata EVE and Zeek', () => {
  it('recognises each EVE event type and keeps its section', () => {
    const base = {
      timestamp: '2018-03-24T14:37:19.037299-0600',
      flow_id: 1,
      src_ip: '10.0.0.1',
      src_port: 5353,
      dest_ip: '10.0.0.2',
      dest_port: 53,
      proto: 'UDP',
    };
    const types: Record<string, object> = {
      alert: {
        alert: {
          action: 'allowed',
          signature_id: 2001219,
          signature: 'ET SCAN Potential SSH Scan',
        },
      },
      dns: { dns: { type: 'query', rrname: 'evil.example', rrtype: 'A' } },
      http: { http: { hostname: 'a.example', url: '/x', http_method: 'GET', status: 200 } },
      tls: { tls: { sni: 'a.example', version: 'TLS 1.2' } },
      flow: { flow: { state: 'closed', pkts_toserver: 1 } },
      fileinfo: { fileinfo: { filename: '/a.exe', size: 10 } },
      ssh: { ssh: { client: { software_version: 'OpenSSH_8.0' } } },
      smtp: { smtp: { mail_from: '<a@b>' } },
      anomaly: { anomaly: { type: 'decode', event: 'ipv4.trunc_pkt' } },
      netflow: { netflow: { pkts: 3 } },
      stats: { stats: { uptime: 10 } },
      dhcp: { dhcp: { type: 'request' } },
    };
    for (const [type, section] of Object.entries(types)) {
      const r = parsed(JSON.stringify({ ...base, event_type: type, ...section }));
      expect(r.parser).toBe('suricata-eve');
      expect(r.event.logsource).toEqual({ product: 'suricata', service: type });
      expect(r.event.eventTime).toBe('2018-03-24T20:37:19.037Z');
      expect(r.event.fields).toMatchObject({
        'source.ip': '10.0.0.1',
        'destination.port': 53,
        event_type: type,
      });
    }
    const dns = parsed(JSON.stringify({ ...base, event_type: 'dns', ...types.dns }));
    expect(dns.event.fields.query).toBe('evil.example');
    const alert = parsed(JSON.stringify({ ...base, event_type: 'alert', ...types.alert }));
    expect(alert.event.fields).toMatchObject({
      'alert.signature_id': 2001219,
      'rule.name': 'ET SCAN Potential SSH Scan',
    });
    expect(alert.event.message).toBe('ET SCAN Potential SSH Scan');
  });

  it('reads Zeek JSON with epoch ts and without _path, naming the log from its fields', () => {
    const r = parsed(
      '{"ts":1573747292.658982,"uid":"Crpk2p1rt6idRtb2Fi","id.orig_h":"10.0.2.2","id.orig_p":45398,"id.resp_h":"10.0.2.15","id.resp_p":22,"version":2,"auth_attempts":0,"client":"SSH-2.0-OpenSSH_7.9p1"}',
    );
    expect(r.parser).toBe('zeek');
    expect(r.event.logsource).toEqual({ product: 'zeek', service: 'ssh' });
    expect(r.event.eventTime).toBe('2019-11-14T16:01:32.658Z');
    expect(r.event.fields).toMatchObject({
      'id.orig_h': '10.0.2.2',
      'source.ip': '10.0.2.2',
      'destination.port': 22,
    });
    const dns = parsed(
      '{"ts":1,"uid":"C1","id.orig_h":"10.0.0.1","query":"x.nkn.org","qtype_name":"A","rcode":0}',
    );
    expect(dns.event.logsource).toEqual({ product: 'zeek', service: 'dns' });
    expect(dns.event.fields.query).toBe('x.nkn.org');
  });

  it('reads CEE-enhanced syslog (@cee: JSON)', () => {
    const r = parsed('<14>1 2026-11-25T10:00:00Z h app - - - @cee: {"msg":"hello","pid":7}');
    expect(r).toMatchObject({
      parser: 'json',
      event: { message: 'hello', fields: { pid: 7, 'syslog.appname': 'app' } },
    });
  });

  it('flattens other JSON and finds its time and message', () => {
    const r = parsed(
      '{"time":"2026-01-02T03:04:05+05:30","message":"hello","user":"root","nested":{"a":{"b":1}}}',
    );
    expect(r.parser).toBe('json');
    expect(r.event.eventTime).toBe('2026-01-01T21:34:05.000Z');
    expect(r.event.message).toBe('hello');
    expect(r.event.fields).toMatchObject({ 'nested.a.b': 1, 'user.name': 'root' });
    expect(r.event.logsource).toEqual({});
  });

  it('maps Wazuh-style Windows JSON to Sigma Windows names and categories', () => {
    const r = parsed(
      '{"win":{"system":{"providerName":"Microsoft-Windows-Sysmon","eventID":"1","channel":"Microsoft-Windows-Sysmon/Operational","computer":"WS1","systemTime":"2021-09-14T20:25:15.480Z"},"eventdata":{"image":"C:\\\\Windows\\\\cmd.exe","commandLine":"cmd /c whoami","parentImage":"C:\\\\x.exe"}}}',
    );
    expect(r.event.logsource).toEqual({ product: 'windows', category: 'process_creation' });
    expect(r.event.fields).toMatchObject({
      EventID: 1,
      Image: 'C:\\Windows\\cmd.exe',
      CommandLine: 'cmd /c whoami',
      ParentImage: 'C:\\x.exe',
      'host.name': 'WS1',
    });
  });

  it('maps Windows events as evtx_dump writes them: own time, logsource, names and common fields', () => {
    const line = JSON.stringify({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
          EventID: 4625,
          TimeCreated: { '#attributes': { SystemTime: '2026-11-25T03:14:07.215342Z' } },
          Channel: 'Security',
          Computer: 'ward-office-07.city.local',
        },
        EventData: {
          TargetUserName: 'administrator',
          LogonType: 10,
          IpAddress: '203.0.113.45',
          IpPort: '50122',
        },
      },
    });
    const r = parsed(line);
    expect(r.parser).toBe('json');
    expect(r.event.eventTime).toBe('2026-11-25T03:14:07.215Z');
    expect(r.event.flags).toEqual([]);
    expect(r.event.logsource).toEqual({ product: 'windows', service: 'security' });
    expect(r.event.message).toBe(line);
    expect(r.event.fields).toMatchObject({
      'Event.System.EventID': 4625,
      EventID: 4625,
      Channel: 'Security',
      Provider_Name: 'Microsoft-Windows-Security-Auditing',
      TargetUserName: 'administrator',
      LogonType: 10,
      'host.name': 'ward-office-07.city.local',
      'user.name': 'administrator',
      'source.ip': '203.0.113.45',
      'source.port': 50122,
    });
  });

  it('reads an evtx_dump EventID given with attributes, and Sysmon categories', () => {
    const r = parsed(
      JSON.stringify({
        Event: {
          System: {
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
            EventID: { '#attributes': { Qualifiers: 0 }, '#text': 3 },
            Channel: 'Microsoft-Windows-Sysmon/Operational',
            Computer: 'scada-hmi-02',
          },
          EventData: { Image: 'C:\\Tools\\plink.exe', DestinationIp: '198.51.100.7' },
        },
      }),
    );
    expect(r.event.logsource).toEqual({ product: 'windows', category: 'network_connection' });
    expect(r.event.fields).toMatchObject({
      EventID: 3,
      Image: 'C:\\Tools\\plink.exe',
      'process.name': 'C:\\Tools\\plink.exe',
      'destination.ip': '198.51.100.7',
    });
  });

  it('refuses arrays and scalars as events when JSON is forced', () => {
    expect(parsers.json('[1,2]', ctx)).toEqual({ ok: false, reason: 'json: not an object' });
    expect(parsers['suricata-eve']('{"a":1}', ctx)).toMatchObject({ ok: false });
    expect(parsers.zeek('{"a":1}', ctx)).toMatchObject({ ok: false });
  });
});

describe('Cisco and key=value firewalls', () => {
  it('reads ASA/PIX messages as firewall events with addresses, ports and action', () => {
    const r = parsed(
      '%PIX-3-106010: Deny inbound tcp src outside:213.98.79.233/2620 dst dmz:213.98.254.145/135',
    );
    expect(r.parser).toBe('cisco');
    expect(r.event.logsource).toEqual({ product: 'cisco', category: 'firewall' });
    expect(r.event.fields).toMatchObject({
      'cisco.message_id': '106010',
      src_ip: '213.98.79.233',
      src_port: 2620,
      dst_ip: '213.98.254.145',
      dst_port: 135,
      'source.interface': 'outside',
      action: 'deny',
      blocked: 'true',
      'network.transport': 'tcp',
    });
  });

  it('reads IOS mnemonics inside syslog as Cisco syslog', () => {
    const r = parsed(
      '<189>Nov 25 10:00:00 10.10.10.1 %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin]',
    );
    expect(r).toMatchObject({
      parser: 'cisco',
      event: {
        logsource: { product: 'cisco', service: 'syslog' },
        fields: { 'cisco.mnemonic': 'LOGIN_SUCCESS', 'host.name': '10.10.10.1' },
      },
    });
  });

  it('reads FortiGate traffic logs with their tz', () => {
    const r = parsed(
      'date=2026-11-25 time=10:41:53 devname="FW-City" devid="FG100E0000000000" tz="+0530" logid="0000000013" type="traffic" subtype="forward" srcip=10.1.1.9 srcport=50123 dstip=8.8.8.8 dstport=53 proto=17 action="deny" user="meera"',
    );
    expect(r.parser).toBe('kv');
    expect(r.event.eventTime).toBe('2026-11-25T05:11:53.000Z');
    expect(r.event.logsource).toEqual({ category: 'firewall' });
    expect(r.event.fields).toMatchObject({
      src_ip: '10.1.1.9',
      dst_port: 53,
      action: 'deny',
      blocked: 'true',
      'user.name': 'meera',
      'host.name': 'FW-City',
    });
  });

  it('reads FortiGate logs sent over syslog as FortiOS does: the PRI, then the key=value line', () => {
    const r = parsed(
      '<189>date=2026-11-25 time=10:41:53 devname="FW-City" devid="FG100E0000000000" tz="+0530" logid="0000000013" type="traffic" subtype="forward" srcip=10.1.1.9 srcport=50123 dstip=8.8.8.8 dstport=53 proto=17 action="deny"',
    );
    expect(r.parser).toBe('kv');
    expect(r.event.eventTime).toBe('2026-11-25T05:11:53.000Z');
    expect(r.event.logsource).toEqual({ category: 'firewall' });
    expect(r.event.fields).toMatchObject({
      src_ip: '10.1.1.9',
      action: 'deny',
      'host.name': 'FW-City',
      'syslog.priority': 189,
    });
  });

  it('splits SonicWall address:port:interface values', () => {
    const r = parsed(
      'id=firewall sn=00301E0526B1 time="2004-04-01 10:39:35" fw=67.32.44.2 pri=5 c=64 m=36 msg="TCP connection dropped" n=2686 src=67.101.200.27:4507:WAN dst=67.32.44.2:445:LAN rule=0',
    );
    expect(r.event.message).toBe('TCP connection dropped');
    expect(r.event.fields).toMatchObject({
      src_ip: '67.101.200.27',
      src_port: 4507,
      dst_port: 445,
    });
  });
});

describe('hints and the fallback', () => {
  it('forces a parser by name and still unwraps a syslog envelope', () => {
    const r = parseMessage(
      '<13>Nov 25 10:00:00 h app: {"event_type":"alert","timestamp":"2026-11-25T10:00:00Z"}',
      {
        ...ctx,
        hint: 'suricata-eve',
      },
    );
    expect(r).toMatchObject({ ok: true, parser: 'suricata-eve' });
    expect(parseMessage('not json', { ...ctx, hint: 'json' })).toMatchObject({ ok: false });
  });

  it('keeps an unknown line as text with a leading timestamp when there is one', () => {
    const r = parsed('2014/12/30 06:07:37 [error] 80:2 yadda yadda');
    expect(r.parser).toBe('text');
    expect(r.event.eventTime).toBe('2014-12-30T06:07:37.000Z');
    expect(r.event.message).toBe('2014/12/30 06:07:37 [error] 80:2 yadda yadda');
    expect(parsed('[2019-07-25 14:29:19] Asterisk 15.7.3 built by root').event.eventTime).toBe(
      '2019-07-25T14:29:19.000Z',
    );
    expect(
      parsed('[Wed Jul 31 16:44:52.906254 2019] [suexec:notice] [pid 8575] AH01232').event
        .eventTime,
    ).toBe('2019-07-31T16:44:52.906Z');
    const none = parsed(
      '%ASA-1-106101: Number of cached deny-flows for ACL log has reached limit (4096)',
    );
    expect(none.event.flags).toEqual(['time_missing']);
    expect(none.event.eventTime).toBe('2026-11-25T12:00:00.000Z');
  });
});

describe('nasty input', () => {
  it('fails cleanly on empty and blank messages', () => {
    for (const raw of ['', '   ', '\n\r\n', '\0\0\0', Buffer.alloc(0), Buffer.from('\t \n')]) {
      expect(parseMessage(raw, ctx)).toEqual({ ok: false, reason: 'empty message' });
    }
  });

  it('decodes invalid UTF-8 with replacement characters and flags it', () => {
    const raw = Buffer.concat([
      Buffer.from('<13>Nov 25 10:00:00 h sshd[1]: Invalid user '),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(' from 10.0.0.1 port 22'),
    ]);
    const r = parsed(raw);
    expect(r.event.flags).toContain('invalid_utf8');
    expect(r.event.fields['user.name']).toBe('\uFFFD(\uFFFD');
    expect(r.event.fields['source.ip']).toBe('10.0.0.1');
  });

  it('parses a message with NUL bytes inside and flags them', () => {
    const r = parsed(Buffer.from('<13>Nov 25 10:00:00 h app: a\0b'));
    expect(r.event.message).toBe('a\0b');
    expect(r.event.flags).toContain('contains_nul');
  });

  it('handles binary garbage and a 1 MB line without throwing', () => {
    const bin = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256));
    const r = parseMessage(bin, ctx);
    expect(r.ok ? r.parser : r.reason).toBeTypeOf('string');
    const big = parseMessage(`<13>Nov 25 10:00:00 h app: ${'A'.repeat(1024 * 1024)}`, ctx);
    expect(big).toMatchObject({ ok: true, parser: 'rfc3164' });
    // JSON cut by the framer's size limit is kept as text, flagged as truncated.
    const bigJson = parseMessage(`{"message":"${'x'.repeat(64 * 1024)}`, {
      ...ctx,
      truncated: true,
    });
    expect(bigJson).toMatchObject({
      ok: true,
      parser: 'text',
      event: { flags: ['time_missing', 'truncated'] },
    });
  });

  it('does not hang on deeply nested JSON', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r = parseMessage(deep, ctx);
    expect(r.ok).toBe(true);
  });
});

describe('hostile field names', () => {
  it('never lets an input key replace the prototype of the fields object', () => {
    const inputs = [
      '{"__proto__":{"polluted":1},"a":1}',
      '{"win":{"system":{"eventID":"1"},"eventdata":{"__proto__":{"polluted":1}}}}',
      '{"Event":{"System":{"EventID":1},"EventData":{"__proto__":{"polluted":1}}}}',
      'CEF:0|v|p|1|id|n|1|__proto__=x src=10.0.0.1 cs1Label=__proto__ cs1=y',
      'LEEF:2.0|v|p|1|id|^|__proto__=x^src=10.0.0.1',
      'a=1 b=2 __proto__=3',
      'type=SYSCALL msg=audit(1.1:1): __proto__=x pid=1',
    ];
    for (const raw of inputs) {
      const r = parsed(raw);
      expect(Object.getPrototypeOf(r.event.fields)).toBe(Object.prototype);
      expect((r.event.fields as { polluted?: unknown }).polluted).toBeUndefined();
    }
    const tsv = parseZeekTsv('#fields\t__proto__\tts\n1\t2\n', ctx);
    expect(Object.getPrototypeOf((tsv[0] as { fields: object }).fields)).toBe(Object.prototype);
  });
});
