import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '@prahari/ingest';
import type { IndicatorRecord, IndicatorType } from '@prahari/store';
import { INDICATOR_FIELDS, IndicatorMatcher, type MatchableEvent } from './matcher.js';

const DATA = resolve(import.meta.dirname, '../../../../../../shared/data');

let nextId = 0;
function ind(type: IndicatorType, value: string): IndicatorRecord {
  return {
    id: `i${++nextId}`,
    type,
    value,
    source: 'test',
    tlp: 'amber',
    description: null,
    expiresAt: null,
    createdBy: 'test',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    hits: 0,
    lastHitAt: null,
  };
}

const ev = (
  fields: Record<string, unknown>,
  extra: Partial<MatchableEvent> = {},
): MatchableEvent => ({
  fields,
  sourceIp: null,
  ...extra,
});

/** `value@field` of each match, for compact assertions. */
function hits(m: IndicatorMatcher, e: MatchableEvent): string[] {
  return m.match(e).map((x) => `${x.indicator.value}@${x.field}=${x.value}`);
}

/** A message through the real ingest parsers, as the pipeline stores it. */
function parsed(raw: string, sourceIp: string | null = null): MatchableEvent {
  const r = parseMessage(raw, {
    receivedAt: new Date('2026-11-25T10:00:00Z'),
    ...(sourceIp && { sourceIp }),
  });
  if (!r.ok) throw new Error(r.reason);
  return { fields: r.event.fields, message: r.event.message, sourceIp };
}

describe('IndicatorMatcher: addresses', () => {
  const m = new IndicatorMatcher([
    ind('ip', '203.0.113.7'),
    ind('ip', '2001:db8::1'),
    ind('cidr', '10.1.0.0/16'),
    ind('cidr', '198.51.100.128/25'),
    ind('cidr', '192.0.2.9/32'),
    ind('cidr', '2001:db8:aa00::/40'),
    ind('cidr', '2001:db8:b8::/45'),
  ]);

  it('matches exact IPv4 in the normalised and the format-specific fields, and the sender', () => {
    expect(hits(m, ev({ 'source.ip': '203.0.113.7' }))).toEqual([
      '203.0.113.7@source.ip=203.0.113.7',
    ]);
    for (const field of ['dest_ip', 'id.resp_h', 'c-ip', 'src', 'DestinationIp', 'srcip'])
      expect(hits(m, ev({ [field]: '203.0.113.7' }))).toEqual([`203.0.113.7@${field}=203.0.113.7`]);
    expect(hits(m, ev({}, { sourceIp: '203.0.113.7' }))).toEqual([
      '203.0.113.7@sender=203.0.113.7',
    ]);
  });

  it('reports each indicator once per event, under the first field in the table', () => {
    const found = m.match(
      ev({ src_ip: '203.0.113.7', 'source.ip': '203.0.113.7' }, { sourceIp: '203.0.113.7' }),
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.field).toBe('source.ip');
  });

  it('compares IPv6 in any written form, and IPv4-mapped IPv6 as IPv4', () => {
    for (const v of [
      '2001:db8::1',
      '2001:DB8:0:0:0:0:0:1',
      '2001:0db8::0001',
      '[2001:db8::1]',
      '2001:db8::1%eth0',
    ])
      expect(hits(m, ev({ 'destination.ip': v }))).toEqual([`2001:db8::1@destination.ip=${v}`]);
    expect(hits(m, ev({ IpAddress: '::ffff:203.0.113.7' }))).toEqual([
      '203.0.113.7@IpAddress=::ffff:203.0.113.7',
    ]);
    expect(hits(m, ev({ 'destination.ip': '2001:db8::2' }))).toEqual([]);
  });

  it('matches CIDRs up to their boundaries and not one address beyond', () => {
    const at = (ip: string) => hits(m, ev({ 'source.ip': ip })).map((h) => h.split('@')[0]);
    expect(at('10.1.0.0')).toEqual(['10.1.0.0/16']);
    expect(at('10.1.255.255')).toEqual(['10.1.0.0/16']);
    expect(at('10.0.255.255')).toEqual([]);
    expect(at('10.2.0.0')).toEqual([]);
    expect(at('198.51.100.128')).toEqual(['198.51.100.128/25']);
    expect(at('198.51.100.255')).toEqual(['198.51.100.128/25']);
    expect(at('198.51.100.127')).toEqual([]);
    expect(at('192.0.2.9')).toEqual(['192.0.2.9/32']);
    expect(at('192.0.2.8')).toEqual([]);
    // /40 ends on a nibble, /45 inside one: 2001:db8:b8::/45 … 2001:db8:bf:ffff:…
    expect(at('2001:db8:aaff:ffff::1')).toEqual(['2001:db8:aa00::/40']);
    expect(at('2001:db8:ab00::')).toEqual([]);
    expect(at('2001:db8:b8::')).toEqual(['2001:db8:b8::/45']);
    expect(at('2001:db8:bf:ffff:ffff:ffff:ffff:ffff')).toEqual(['2001:db8:b8::/45']);
    expect(at('2001:db8:c0::')).toEqual([]);
    expect(at('2001:db8:b7:ffff::')).toEqual([]);
  });

  it('reports an address and every network holding it', () => {
    const both = new IndicatorMatcher([
      ind('ip', '10.9.8.7'),
      ind('cidr', '10.9.0.0/16'),
      ind('cidr', '10.0.0.0/8'),
    ]);
    expect(hits(both, ev({ 'source.ip': '10.9.8.7' })).map((h) => h.split('@')[0])).toEqual([
      '10.9.8.7',
      '10.9.0.0/16',
      '10.0.0.0/8',
    ]);
  });

  it('does not take similar values for addresses', () => {
    for (const v of [
      '203.0.113.70',
      '203.0.113.7.1',
      '1203.0.113.7',
      '203.0.113',
      'host-203.0.113.7',
      '203.000.113.7x',
    ])
      expect(hits(m, ev({ 'source.ip': v }))).toEqual([]);
  });
});

describe('IndicatorMatcher: domains', () => {
  const m = new IndicatorMatcher([ind('domain', 'evil.example'), ind('domain', 'c2.bad.test')]);

  it('matches the domain and its subdomains, in any case, with or without the trailing dot', () => {
    for (const v of ['evil.example', 'a.b.evil.example', 'WWW.Evil.Example.', 'x.c2.bad.test'])
      expect(m.match(ev({ query: v }))).toHaveLength(1);
  });

  it('does not match names that only end or start alike', () => {
    for (const v of [
      'notevil.example',
      'evil.example.com',
      'evil-example',
      'bad.test',
      'c2xbad.test',
      'example',
    ])
      expect(m.match(ev({ query: v }))).toEqual([]);
  });

  it('looks in DNS, HTTP, TLS and Windows names, with a port ignored', () => {
    for (const field of [
      'dns.rrname',
      'QueryName',
      'tls.sni',
      'server_name',
      'http.hostname',
      'cs-host',
      'DestinationHostname',
      'dhost',
    ])
      expect(hits(m, ev({ [field]: 'cdn.evil.example' }))).toEqual([
        `evil.example@${field}=cdn.evil.example`,
      ]);
    expect(hits(m, ev({ host: 'evil.example:8080' }))).toEqual([
      'evil.example@host=evil.example:8080',
    ]);
  });

  it('checks every name of a list (Zeek answers, x509 SANs)', () => {
    expect(hits(m, ev({ 'san.dns': ['good.example', 'mail.evil.example'] }))).toEqual([
      'evil.example@san.dns=mail.evil.example',
    ]);
  });

  it('finds the host of a URL field', () => {
    expect(hits(m, ev({ 'cs-referer': 'https://login.evil.example/x?y=1' }))).toEqual([
      'evil.example@cs-referer=https://login.evil.example/x?y=1',
    ]);
  });

  it('matches international names written either way', () => {
    const idn = new IndicatorMatcher([ind('domain', 'xn--bcher-kva.example')]);
    expect(idn.match(ev({ query: 'www.bücher.example' }))).toHaveLength(1);
    expect(idn.match(ev({ query: 'www.xn--bcher-kva.example' }))).toHaveLength(1);
  });
});

describe('IndicatorMatcher: URLs', () => {
  const m = new IndicatorMatcher([
    ind('url', 'http://evil.example/dl/'),
    ind('url', 'https://files.bad.test/payload.exe'),
    ind('url', 'http://phish.test:8080/login.php?id=5'),
  ]);

  it('normalises scheme and host case and the default port', () => {
    for (const v of [
      'HTTPS://FILES.bad.test:443/payload.exe',
      'https://files.bad.test/payload.exe#frag',
      'http://files.bad.test/payload.exe',
    ])
      expect(hits(m, ev({ request: v })).map((h) => h.split('@')[0])).toEqual([
        'https://files.bad.test/payload.exe',
      ]);
    expect(m.match(ev({ request: 'https://files.bad.test:8443/payload.exe' }))).toEqual([]);
    expect(m.match(ev({ request: 'https://files.bad.test/Payload.exe' }))).toEqual([]);
  });

  it('matches URLs under an indicator path, at a / boundary only', () => {
    expect(m.match(ev({ request: 'http://evil.example/dl/a/b.exe?x=1' }))).toHaveLength(1);
    expect(m.match(ev({ request: 'http://evil.example/dl' }))).toEqual([]);
    expect(m.match(ev({ request: 'http://evil.example/dlx/a.exe' }))).toEqual([]);
    expect(m.match(ev({ request: 'http://evil.example/' }))).toEqual([]);
    const noSlash = new IndicatorMatcher([ind('url', 'http://evil.example/dl')]);
    expect(noSlash.match(ev({ request: 'http://evil.example/dl/x.exe' }))).toHaveLength(1);
    expect(noSlash.match(ev({ request: 'http://evil.example/dlx' }))).toEqual([]);
  });

  it('compares the query when the indicator has one', () => {
    expect(m.match(ev({ request: 'http://phish.test:8080/login.php?id=5' }))).toHaveLength(1);
    expect(m.match(ev({ request: 'http://phish.test:8080/login.php?id=6' }))).toEqual([]);
    expect(m.match(ev({ request: 'http://phish.test/login.php?id=5' }))).toEqual([]);
  });

  it('joins a path with its host field (Suricata http.url, Zeek uri, web c-uri)', () => {
    expect(hits(m, ev({ 'http.url': '/dl/x.exe', 'http.hostname': 'EVIL.example' }))).toEqual([
      'http://evil.example/dl/@http.url=/dl/x.exe',
    ]);
    expect(m.match(ev({ uri: '/dl/x.exe', host: 'evil.example' }))).toHaveLength(1);
    expect(m.match(ev({ 'c-uri': '/login.php?id=5', 'cs-host': 'phish.test:8080' }))).toHaveLength(
      1,
    );
    expect(m.match(ev({ 'http.url': '/dl/x.exe' }))).toEqual([]);
    expect(m.match(ev({ 'http.url': '/dl/x.exe', 'http.hostname': 'good.example' }))).toEqual([]);
  });
});

describe('IndicatorMatcher: hashes', () => {
  const md5 = '0639b0a6f69b3265c1e42227d650b7d1';
  const sha256 = 'ce9f70e104c07d92fc05fbd6000839fd6a87ff010e706396f87dd679244ed97b';
  const imphashLike = 'c324aaac01f0f75c811e1f80c41b860c';
  const m = new IndicatorMatcher([ind('hash', md5), ind('hash', sha256), ind('hash', imphashLike)]);
  const hashes = `SHA1=545EC11DEE642DE633EB2C6F6FFC90CCE4DECF8D,MD5=${md5.toUpperCase()},SHA256=${sha256.toUpperCase()},IMPHASH=${imphashLike.toUpperCase()}`;

  it('finds hashes inside a Sysmon Hashes list, skipping IMPHASH', () => {
    expect(hits(m, ev({ Hashes: hashes }))).toEqual([
      `${md5}@Hashes=MD5=${md5.toUpperCase()}`,
      `${sha256}@Hashes=SHA256=${sha256.toUpperCase()}`,
    ]);
  });

  it('matches single hash fields in any case, and colon-separated fingerprints', () => {
    expect(m.match(ev({ 'fileinfo.sha256': sha256.toUpperCase() }))).toHaveLength(1);
    expect(m.match(ev({ md5 }))).toHaveLength(1);
    const pairs = sha256.match(/../g)!.join(':');
    expect(m.match(ev({ 'tls.fingerprint': pairs }))).toHaveLength(1);
  });

  it('does not match a prefix, a longer hash or a near value', () => {
    expect(m.match(ev({ 'fileinfo.sha256': sha256.slice(0, 32) }))).toEqual([]);
    expect(m.match(ev({ 'fileinfo.md5': `${md5}0` }))).toEqual([]);
    expect(m.match(ev({ 'fileinfo.md5': md5.replace(/.$/, '2') }))).toEqual([]);
    expect(m.match(ev({ Hashes: `SHA256=${sha256.slice(1)}0` }))).toEqual([]);
  });
});

describe('IndicatorMatcher: text', () => {
  const m = new IndicatorMatcher([
    ind('ip', '203.0.113.7'),
    ind('domain', 'evil.example'),
    ind('url', 'http://bad.test/x/'),
    ind('hash', '0639b0a6f69b3265c1e42227d650b7d1'),
    ind('ip', '2001:db8::66'),
  ]);

  it('finds addresses, names, URLs and hashes written in the message', () => {
    const msg =
      'Blocked 203.0.113.7:443 -> host cdn.evil.example, fetched http://bad.test/x/y.bin. md5 0639B0A6F69B3265C1E42227D650B7D1 from 2001:db8::66';
    expect(hits(m, ev({}, { message: msg }))).toEqual([
      '203.0.113.7@message=203.0.113.7',
      'evil.example@message=cdn.evil.example',
      'http://bad.test/x/@message=http://bad.test/x/y.bin',
      '0639b0a6f69b3265c1e42227d650b7d1@message=0639B0A6F69B3265C1E42227D650B7D1',
      '2001:db8::66@message=2001:db8::66',
    ]);
  });

  it('finds a value written after a label and a colon', () => {
    expect(
      hits(
        m,
        ev(
          {},
          {
            message: 'md5:0639b0a6f69b3265c1e42227d650b7d1 dst:203.0.113.7 host:a.evil.example:443',
          },
        ),
      ).map((h) => h.split('@')[0]),
    ).toEqual(['0639b0a6f69b3265c1e42227d650b7d1', '203.0.113.7', 'evil.example']);
  });

  it('ignores look-alikes in text', () => {
    const msg =
      'from 203.0.113.70 and 1203.0.113.7 to notevil.example at 12:30:45 v1.2.3.4.5 id 0639b0a6f69b3265c1e42227d650b7d1ff';
    expect(m.match(ev({}, { message: msg }))).toEqual([]);
  });

  it('skips an IMPHASH written in text, and the message of a JSON record', () => {
    const imphash = new IndicatorMatcher([ind('hash', '0639b0a6f69b3265c1e42227d650b7d1')]);
    expect(
      imphash.match(ev({}, { message: 'Hashes: IMPHASH=0639B0A6F69B3265C1E42227D650B7D1' })),
    ).toEqual([]);
    expect(
      imphash.match(ev({}, { message: '{"Imphash":"0639b0a6f69b3265c1e42227d650b7d1"}' })),
    ).toEqual([]);
  });

  it('reads a URL-encoded query string', () => {
    expect(hits(m, ev({ 'cs-uri-query': 'next=http%3A%2F%2Fwww.evil.example%2Flogin' }))).toEqual([
      'evil.example@cs-uri-query=http://www.evil.example/login',
    ]);
  });
});

describe('IndicatorMatcher over events from the real ingest parsers', () => {
  it('Suricata EVE http (shared sample): host, URL under a path, client address', () => {
    const alerts = JSON.parse(
      readFileSync(
        `${DATA}/logs/suricata-eve/samples/first-org-conf-2015/alerts-only.json`,
        'utf8',
      ),
    ) as Record<string, unknown>[];
    const rec = alerts.find(
      (a) => (a.http as { hostname?: string } | undefined)?.hostname === 'ui.skype.com',
    )!;
    const e = parsed(JSON.stringify(rec));
    const m = new IndicatorMatcher([
      ind('url', 'http://ui.skype.com/ui/0/'),
      ind('domain', 'skype.com'),
      ind('cidr', '192.168.0.0/24'),
    ]);
    expect(m.match(e).map((x) => [x.indicator.value, x.field])).toEqual([
      ['192.168.0.0/24', 'source.ip'],
      // an alert record carries http.* but not url.original (only event_type http gets it)
      ['skype.com', 'http.hostname'],
      ['http://ui.skype.com/ui/0/', 'http.url'],
    ]);
  });

  it('Zeek dns and x509 (shared sample) JSON', () => {
    const dns = parsed(
      JSON.stringify({
        ts: 1732518000.1,
        uid: 'CdNs1',
        'id.orig_h': '10.40.2.15',
        'id.orig_p': 53211,
        'id.resp_h': '10.40.0.2',
        'id.resp_p': 53,
        proto: 'udp',
        query: 'update.c2.bad.test',
        qtype_name: 'A',
        rcode: 0,
        answers: ['198.51.100.66'],
      }),
    );
    const m = new IndicatorMatcher([ind('domain', 'c2.bad.test'), ind('ip', '198.51.100.66')]);
    expect(m.match(dns).map((x) => `${x.indicator.value}@${x.field}`)).toEqual([
      'c2.bad.test@query',
      '198.51.100.66@answers',
    ]);

    const x509 = gunzipSync(readFileSync(`${DATA}/logs/zeek-wrccdc2018/x509.json.gz`))
      .toString('utf8')
      .split('\n')[0]!;
    const cert = parsed(x509);
    const byName = new IndicatorMatcher([ind('domain', 'localhost.localdomain')]);
    expect(hits(byName, cert)).toEqual(['localhost.localdomain@san.dns=localhost.localdomain']);
    const byFingerprint = new IndicatorMatcher([
      ind('hash', 'b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe'),
    ]);
    expect(byFingerprint.match(cert).map((x) => x.field)).toEqual(['fingerprint']);
  });

  it('CEF firewall over syslog: src/dst, dhost, request', () => {
    const e = parsed(
      '<134>Nov 25 09:22:03 fw-core-1 CEF:0|Fortinet|FortiGate|7.2|13|traffic deny|5|src=10.1.4.20 dst=203.0.113.7 spt=51000 dpt=443 dhost=cdn.evil.example request=https://cdn.evil.example/dl/x.exe act=deny',
      '10.0.0.1',
    );
    const m = new IndicatorMatcher([
      ind('ip', '203.0.113.7'),
      ind('domain', 'evil.example'),
      ind('url', 'https://cdn.evil.example/dl/'),
      ind('ip', '10.0.0.1'),
    ]);
    expect(m.match(e).map((x) => `${x.indicator.value}@${x.field}`)).toEqual([
      '203.0.113.7@destination.ip',
      'evil.example@dhost',
      'https://cdn.evil.example/dl/@url.original',
      '10.0.0.1@sender',
    ]);
  });

  it('nginx access log over syslog: client, referrer, encoded query', () => {
    const e = parsed(
      '<190>Nov 25 09:23:11 portal-1 nginx: 198.51.100.9 - - [25/Nov/2026:09:23:11 +0530] "GET /login?next=https%3A%2F%2Fphish.bad.test%2F HTTP/1.1" 200 512 "http://ref.evil.example/a" "Mozilla/5.0"',
    );
    const m = new IndicatorMatcher([
      ind('ip', '198.51.100.9'),
      ind('domain', 'evil.example'),
      ind('domain', 'phish.bad.test'),
    ]);
    expect(m.match(e).map((x) => `${x.indicator.value}@${x.field}`)).toEqual([
      '198.51.100.9@source.ip',
      'evil.example@cs-referer',
      'phish.bad.test@cs-uri-query',
    ]);
  });

  it('Sysmon: evtx_dump JSON (SigmaHQ regression data) and Wazuh JSON', () => {
    const file = `${DATA}/sigma/regression_data/rules-threat-hunting/windows/image_load/image_load_win_werfaultsecure_dbgcore_dbghelp_load/8a2f4b1c-3d5e-4f7a-9b2c-1e4f6d8a9c2b.json`;
    const e = parsed(readFileSync(file, 'utf8').trim());
    const m = new IndicatorMatcher([
      ind('hash', '1b48a4f8d20026e6c56e3ab4cc4788fa6425c8a75f8d91c2869fa533de6b209e'),
      // the event's IMPHASH: not a file hash, so no match
      ind('hash', 'c324aaac01f0f75c811e1f80c41b860c'),
    ]);
    // reported under the event's own field name, as Sigma's Windows rules name it
    expect(m.match(e).map((x) => `${x.field}=${x.value}`)).toEqual([
      'Hashes=SHA256=1B48A4F8D20026E6C56E3AB4CC4788FA6425C8A75F8D91C2869FA533DE6B209E',
    ]);

    const wazuh = parsed(
      JSON.stringify({
        win: {
          system: {
            providerName: 'Microsoft-Windows-Sysmon',
            eventID: '3',
            computer: 'ws-12',
            systemTime: '2026-11-25T04:00:00Z',
          },
          eventdata: {
            image: 'C:\\x.exe',
            destinationIp: '203.0.113.7',
            destinationHostname: 'c2.evil.example',
            sourceIp: '10.2.3.4',
          },
        },
      }),
    );
    const w = new IndicatorMatcher([ind('ip', '203.0.113.7'), ind('domain', 'evil.example')]);
    expect(w.match(wazuh).map((x) => x.field)).toEqual(['destination.ip', 'DestinationHostname']);
  });

  it('sshd text: the address in the message and the parsed field', () => {
    const e = parsed(
      '<38>Nov 25 09:20:01 iccc-app-1 sshd[811]: Failed password for root from 203.0.113.7 port 40022 ssh2',
    );
    expect(hits(new IndicatorMatcher([ind('ip', '203.0.113.7')]), e)).toEqual([
      '203.0.113.7@source.ip=203.0.113.7',
    ]);
  });
});

describe('IndicatorMatcher construction', () => {
  it('skips records whose value cannot be read, and counts by type', () => {
    const m = new IndicatorMatcher([
      ind('ip', '10.0.0.1'),
      ind('ip', 'not-an-ip'),
      ind('hash', 'abc'),
      ind('domain', 'evil.example'),
    ]);
    expect(m.size).toBe(2);
    expect(m.counts).toMatchObject({ ip: 1, domain: 1, hash: 0 });
    expect(m.skipped.map((s) => s.value)).toEqual(['not-an-ip', 'abc']);
  });

  it('an empty matcher matches nothing', () => {
    expect(
      new IndicatorMatcher([]).match(ev({ 'source.ip': '10.0.0.1' }, { message: 'x' })),
    ).toEqual([]);
  });

  it('lists each field once', () => {
    const names = INDICATOR_FIELDS.map((f) => f.field);
    expect(new Set(names).size).toBe(names.length);
  });
});
