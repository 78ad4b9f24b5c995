import { describe, expect, it } from 'vitest';
import { parseMessage, parsers, type ParseContext } from './index.js';

const ctx: ParseContext = { receivedAt: new Date('2026-11-25T12:00:00Z') };

function parsed(raw: string | Buffer, c: ParseContext = ctx) {
  const r = parseMessage(raw, c);
  if (!r.ok) throw new Error(`expected a parse, got: ${r.reason}`);
  return r;
}

describe('RFC 5424 (examples from section 6.5 of the RFC)', () => {
  it('example 1: no structured data, BOM before MSG', () => {
    const r = parsed(
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
    );
    // The envelope is 5424; su's message is then read by the Linux auth parser.
    expect(r.parser).toBe('linux-auth');
    expect(r.event.eventTime).toBe('2003-10-11T22:14:15.003Z');
    expect(r.event.message).toBe("'su root' failed for lonvick on /dev/pts/8");
    expect(r.event.fields).toMatchObject({
      'syslog.facility': 4,
      'syslog.facility_name': 'auth',
      'syslog.severity': 2,
      'syslog.severity_name': 'crit',
      'syslog.version': 1,
      'host.name': 'mymachine.example.com',
      'syslog.appname': 'su',
      'syslog.msgid': 'ID47',
      'syslog.format': 'rfc5424',
      'event.outcome': 'failure',
      'user.name': 'lonvick',
      'user.target.name': 'root',
    });
    expect(r.event.fields['syslog.procid']).toBeUndefined();
    expect(r.event.flags).toEqual([]);
  });

  it('example 2: offset time with microseconds, NILVALUE structured data', () => {
    const r = parsed(
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
    );
    expect(r.event.eventTime).toBe('2003-08-24T12:14:15.000Z');
    expect(r.event.fields).toMatchObject({
      'syslog.facility_name': 'local4',
      'syslog.severity_name': 'notice',
      'host.name': '192.0.2.1',
      'process.name': 'myproc',
      'process.pid': 8710,
    });
    expect(r.event.message).toBe("%% It's time to make the do-nuts.");
    expect(r.event.logsource).toEqual({ product: 'linux', service: 'syslog' });
  });

  it('examples 3 and 4: one and two SD-ELEMENTs, with and without MSG', () => {
    const three = parsed(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...',
    );
    expect(three.event.fields).toMatchObject({
      'sd.exampleSDID@32473.iut': '3',
      'sd.exampleSDID@32473.eventSource': 'Application',
      'sd.exampleSDID@32473.eventID': '1011',
    });
    expect(three.event.message).toBe('An application event log entry...');
    const four = parsed(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
    expect(four.event.fields['sd.examplePriority@32473.class']).toBe('high');
    expect(four.event.message).toBe('');
  });

  it('undoes the three escapes in PARAM-VALUE and keeps other backslashes', () => {
    const r = parsed('<14>1 2026-01-01T00:00:00Z h a - - [x@1 v="q\\"b\\\\s\\]e\\n"] m');
    expect(r.event.fields['sd.x@1.v']).toBe('q"b\\s]e\\n');
  });

  it('fails with a reason on a broken header', () => {
    expect(parsers.rfc5424('<14>1 not-a-time host app - - - m', ctx)).toEqual({
      ok: false,
      reason: 'rfc5424: invalid TIMESTAMP "not-a-time"',
    });
    expect(parsers.rfc5424('<14>1 2026-01-01T00:00:00Z host', ctx)).toMatchObject({ ok: false });
  });

  it('keeps a vendor bracket syntax that is not valid SD as the message (Check Point)', () => {
    const r = parsed(
      '1 2019-05-15T16:25:50Z HOSTNAME CheckPoint 19710 - [action:"Drop"; flags:"400644"]',
    );
    expect(r.parser).toBe('rfc5424');
    expect(r.event.flags).toEqual(['pri_missing', 'structured_data_invalid']);
    expect(r.event.message).toBe('[action:"Drop"; flags:"400644"]');
  });
});

describe('RFC 3164 (examples from section 5.4 of the RFC, and vendor variations)', () => {
  it("reads the RFC's first example, inferring the year", () => {
    const r = parsed(
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    );
    expect(r.parser).toBe('linux-auth');
    expect(r.event.eventTime).toBe('2026-10-11T22:14:15.000Z');
    expect(r.event.flags).toEqual(['year_inferred', 'timezone_assumed']);
    expect(r.event.fields).toMatchObject({
      'syslog.format': 'rfc3164',
      'syslog.facility_name': 'auth',
      'host.name': 'mymachine',
      'process.name': 'su',
    });
    expect(r.event.logsource).toEqual({ product: 'linux', service: 'auth' });
  });

  it('takes an address as the hostname when no tag follows', () => {
    const r = parsed('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!');
    expect(r.event.fields['host.name']).toBe('10.0.0.99');
    expect(r.event.fields['syslog.appname']).toBeUndefined();
    expect(r.event.message).toBe('Use the BFG!');
  });

  it('honours a zone abbreviation and a year written after the time', () => {
    const r = parsed(
      "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.",
    );
    expect(r.event.eventTime).toBe('1987-08-24T11:34:00.000Z');
    expect(r.event.flags).toEqual([]);
    expect(r.event.fields).toMatchObject({ 'process.name': 'myproc', 'process.pid': 10 });
  });

  it('picks last year for a December line received in January', () => {
    const jan = { receivedAt: new Date('2027-01-01T00:05:00Z') };
    expect(parsed('<13>Dec 31 23:59:00 host app: late', jan).event.eventTime).toBe(
      '2026-12-31T23:59:00.000Z',
    );
    // A sender whose clock runs a little ahead stays in the current year.
    const ahead = { receivedAt: new Date('2026-06-01T10:00:00Z') };
    expect(parsed('<13>Jun  1 10:30:00 host app: early', ahead).event.eventTime).toBe(
      '2026-06-01T10:30:00.000Z',
    );
  });

  it('puts Feb 29 in the most recent leap year', () => {
    expect(parsed('Feb 29 14:58:39 ix doas: failed auth for ddp').event.eventTime).toBe(
      '2024-02-29T14:58:39.000Z',
    );
  });

  it('reads zone-less times in the source default timezone, IANA or fixed offset', () => {
    const kolkata = { ...ctx, defaultTimezone: 'Asia/Kolkata' };
    const r = parsed('<13>Nov 25 10:00:00 host app: x', kolkata);
    expect(r.event.eventTime).toBe('2026-11-25T04:30:00.000Z');
    expect(r.event.flags).toContain('timezone_assumed');
    const ny = { ...ctx, defaultTimezone: 'America/New_York' };
    expect(parsed('<13>Jul  4 12:00:00 host app: x', ny).event.eventTime).toBe(
      '2026-07-04T16:00:00.000Z',
    );
    expect(parsed('<13>Jan  4 12:00:00 host app: x', ny).event.eventTime).toBe(
      '2026-01-04T17:00:00.000Z',
    );
    const fixed = { ...ctx, defaultTimezone: '+05:30' };
    expect(parsed('<13>Nov 25 10:00:00 host app: x', fixed).event.eventTime).toBe(
      '2026-11-25T04:30:00.000Z',
    );
    const bogus = parsed('<13>Nov 25 10:00:00 host app: x', {
      ...ctx,
      defaultTimezone: 'Mars/Olympus',
    });
    expect(bogus.event.flags).toContain('timezone_invalid');
  });

  it('honours an explicit offset even when a default zone is configured', () => {
    const r = parsed('2021-07-08T11:01:06-03:00 10.1.1.1 db[32167]: category="Event"', {
      ...ctx,
      defaultTimezone: 'Asia/Kolkata',
    });
    expect(r.event.eventTime).toBe('2021-07-08T14:01:06.000Z');
    expect(r.event.flags).not.toContain('timezone_assumed');
    expect(r.event.fields['host.name']).toBe('10.1.1.1');
  });

  it('notices a missing hostname when the first word is already a tag', () => {
    const r = parsed('Jan 22 18:34:00 filterlog: 65,,,0,vmx1,match,pass,out,4');
    expect(r.event.fields['host.name']).toBeUndefined();
    expect(r.event.fields['process.name']).toBe('filterlog');
    expect(r.event.flags).toContain('hostname_missing');
    // The listener passes the peer address; it stands in for the missing hostname.
    const relayed = parsed('Jan 22 18:34:00 filterlog: 65,,,0', { ...ctx, sourceIp: '10.20.0.1' });
    expect(relayed.event.fields['host.name']).toBe('10.20.0.1');
  });

  it('accepts program names with slashes and parentheses, and a tag without colon', () => {
    expect(
      parsed('May  8 08:26:55 mail postfix/postscreen[22055]: NOQUEUE').event.fields,
    ).toMatchObject({
      'process.name': 'postfix/postscreen',
      'process.pid': 22055,
    });
    expect(
      parsed('Jan 04 22:51:57 server proftpd[26169] server.example.net: Fatal').event.fields,
    ).toMatchObject({ 'host.name': 'server', 'process.name': 'proftpd', 'process.pid': 26169 });
  });

  it('keeps a PRI-only message as MSG when the timestamp is missing (RFC 3164 4.3.2)', () => {
    const r = parsed('<14>no timestamp here');
    expect(r.parser).toBe('rfc3164');
    expect(r.event.message).toBe('no timestamp here');
    expect(r.event.flags).toEqual(['timestamp_missing_in_header', 'time_missing']);
    // Cisco ASA sends exactly this shape; its MSG is then read as a Cisco message.
    const asa = parsed(
      '<166>%ASA-6-302013: Built inbound TCP connection 1 for outside:198.51.100.2/53 (198.51.100.2/53) to inside:10.0.0.1/1025 (10.0.0.1/1025)',
    );
    expect(asa).toMatchObject({
      parser: 'cisco',
      event: {
        fields: {
          'syslog.facility_name': 'local4',
          src_ip: '198.51.100.2',
          dst_port: 1025,
          blocked: 'false',
        },
      },
    });
  });

  it('turns an iptables LOG line into a firewall event', () => {
    const r = parsed(
      'Feb  4 23:33:37 hostname kernel: FIREWALL_OUT IN= OUT=eth0 SRC=192.168.6.57 DST=216.161.248.225 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=18547 DF PROTO=TCP SPT=46388 DPT=37628 WINDOW=6930',
    );
    expect(r.event.logsource).toEqual({ product: 'linux', category: 'firewall' });
    expect(r.event.fields).toMatchObject({
      src_ip: '192.168.6.57',
      dst_ip: '216.161.248.225',
      dst_port: 37628,
      'network.transport': 'tcp',
    });
  });
});
