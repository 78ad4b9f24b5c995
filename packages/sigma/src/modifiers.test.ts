/**
 * One test per modifier, written from sigma-appendix-modifiers (v2.1) and the rules
 * specification's text and examples.
 */
import { describe, expect, it } from 'vitest';
import { compileErrors, engineFor, matches, rule } from './test-support.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

describe('plain values', () => {
  it('matches whole values case-insensitively by default', () => {
    const d = "selection:\n    Image: 'C:\\Windows\\System32\\whoami.exe'\ncondition: selection";
    expect(matches(d, { Image: 'c:\\windows\\system32\\WHOAMI.EXE' })).toBe(true);
    expect(matches(d, { Image: 'C:\\Windows\\System32\\whoami.exe.bak' })).toBe(false);
  });

  it('applies * and ? wildcards to plain values', () => {
    const d = "selection:\n    Image: 'prog?.exe'\ncondition: selection";
    expect(matches(d, { Image: 'progA.exe' })).toBe(true);
    expect(matches(d, { Image: 'prog.exe' })).toBe(false);
    const star = "selection:\n    Image: 'antivirus_V*.exe'\ncondition: selection";
    expect(matches(star, { Image: 'antivirus_V21.2.1.exe' })).toBe(true);
    expect(matches(star, { Image: 'antivirus_V1.dll' })).toBe(false);
  });

  it('reads \\* \\? and \\\\ as escapes, and a lone backslash as a backslash', () => {
    expect(matches("s:\n    F: 'a\\*b'\ncondition: s", { F: 'a*b' })).toBe(true);
    expect(matches("s:\n    F: 'a\\*b'\ncondition: s", { F: 'axxb' })).toBe(false);
    expect(matches("s:\n    F: 'a\\?'\ncondition: s", { F: 'a?' })).toBe(true);
    expect(matches("s:\n    F: 'a\\?'\ncondition: s", { F: 'ab' })).toBe(false);
    // `\\*`: an escaped backslash followed by a real wildcard
    expect(matches("s:\n    F: 'dir\\\\*'\ncondition: s", { F: 'dir\\anything' })).toBe(true);
    // `\\\*`: backslash and star, both plain
    expect(matches("s:\n    F: 'dir\\\\\\*'\ncondition: s", { F: 'dir\\*' })).toBe(true);
    expect(matches("s:\n    F: 'dir\\\\\\*'\ncondition: s", { F: 'dir\\x' })).toBe(false);
    expect(matches("s:\n    F: 'C:\\Windows\\'\ncondition: s", { F: 'c:\\windows\\' })).toBe(true);
  });

  it('matches a number against the number and its string form', () => {
    const d = 'selection:\n    EventID: 4688\ncondition: selection';
    expect(matches(d, { EventID: 4688 })).toBe(true);
    expect(matches(d, { EventID: '4688' })).toBe(true);
    expect(matches(d, { EventID: 46880 })).toBe(false);
  });

  it('treats null as a missing or null field, and an empty string as a value', () => {
    const d =
      'selection:\n    EventID: 4738\nfilter:\n    PasswordLastSet: null\ncondition: selection and not filter';
    expect(matches(d, { EventID: 4738, PasswordLastSet: '2024-01-01' })).toBe(true);
    expect(matches(d, { EventID: 4738 })).toBe(false);
    expect(matches(d, { EventID: 4738, PasswordLastSet: null })).toBe(false);
    const empty = "s:\n    F: ''\ncondition: s";
    expect(matches(empty, { F: '' })).toBe(true);
    expect(matches(empty, {})).toBe(false);
  });

  it('never lets a missing field match a value, so `not` of it is true', () => {
    const d = "s:\n    F: 'x'\ncondition: not s";
    expect(matches(d, {})).toBe(true);
    expect(matches("s:\n    F: 'x'\ncondition: s", {})).toBe(false);
  });

  it('links a map with AND and a value list with OR', () => {
    const d =
      'selection:\n    EventLog: Security\n    EventID:\n        - 517\n        - 1102\ncondition: selection';
    expect(matches(d, { EventLog: 'Security', EventID: 1102 })).toBe(true);
    expect(matches(d, { EventLog: 'Security', EventID: 4624 })).toBe(false);
    expect(matches(d, { EventLog: 'System', EventID: 517 })).toBe(false);
  });

  it('links a list of maps with OR', () => {
    const d =
      "selection:\n    - Image|endswith: '\\example.exe'\n    - Description|contains: 'Test executable'\ncondition: selection";
    expect(matches(d, { Image: 'C:\\x\\example.exe' })).toBe(true);
    expect(matches(d, { Description: 'a Test executable here' })).toBe(true);
    expect(matches(d, { Image: 'other.exe', Description: 'nothing' })).toBe(false);
  });

  it('matches any element of an array-valued field', () => {
    expect(matches("s:\n    Tags: 'b'\ncondition: s", { Tags: ['a', 'b'] })).toBe(true);
  });
});

describe('keywords', () => {
  it('searches every value of the event, OR-linked', () => {
    const d = "keywords:\n    - 'EVILSERVICE'\n    - 'svchost.exe -n evil'\ncondition: keywords";
    expect(matches(d, { msg: 'started EvilService now' })).toBe(true);
    expect(matches(d, { nested: { cmd: 'svchost.exe -n evil' } })).toBe(true);
    expect(matches(d, { msg: 'nothing here' })).toBe(false);
  });

  it('uses |all to require every keyword', () => {
    const d =
      "keywords_cmdlet:\n    '|all':\n        - 'OabVirtualDirectory'\n        - ' -ExternalUrl '\ncondition: keywords_cmdlet";
    expect(matches(d, { a: 'Set-OabVirtualDirectory', b: 'x -ExternalUrl http://' })).toBe(true);
    expect(matches(d, { a: 'Set-OabVirtualDirectory' })).toBe(false);
  });

  it('searches a ParsedEvent message too', () => {
    const e = engineFor(rule("k:\n    - 'Accepted publickey'\ncondition: k"));
    const parsed = {
      eventTime: '2026-01-01T00:00:00Z',
      logsource: { product: 'test' },
      message: 'sshd: Accepted publickey for root',
      fields: {},
      flags: [],
    };
    expect(e.evaluate(parsed)).toHaveLength(1);
  });
});

describe('generic modifiers', () => {
  it('contains puts wildcards around the value', () => {
    const d = "s:\n    CommandLine|contains: 'vssadmin'\ncondition: s";
    expect(matches(d, { CommandLine: 'cmd /c VSSADMIN delete shadows' })).toBe(true);
    expect(matches(d, { CommandLine: 'cmd' })).toBe(false);
  });

  it('startswith and endswith anchor one side', () => {
    expect(matches("s:\n    U|startswith: 'adm'\ncondition: s", { U: 'Admin1' })).toBe(true);
    expect(matches("s:\n    U|startswith: 'adm'\ncondition: s", { U: 'xadm' })).toBe(false);
    expect(
      matches("s:\n    I|endswith: '\\cmd.exe'\ncondition: s", { I: 'C:\\Windows\\CMD.EXE' }),
    ).toBe(true);
    expect(matches("s:\n    I|endswith: '\\cmd.exe'\ncondition: s", { I: 'C:\\cmd.exe.txt' })).toBe(
      false,
    );
  });

  it('keeps wildcards inside contains values', () => {
    expect(matches("s:\n    C|contains: 'a*c'\ncondition: s", { C: 'xxabbbcxx' })).toBe(true);
    expect(matches("s:\n    C|contains: 'a?c'\ncondition: s", { C: 'xxabcxx' })).toBe(true);
    expect(matches("s:\n    C|contains: 'a?c'\ncondition: s", { C: 'xxabbcxx' })).toBe(false);
  });

  it('all links a value list with AND', () => {
    const d = "s:\n    CommandLine|contains|all:\n        - ' -a '\n        - ' -b '\ncondition: s";
    expect(matches(d, { CommandLine: 'x -b  -a y' })).toBe(true);
    expect(matches(d, { CommandLine: 'x -a y' })).toBe(false);
  });

  it('exists checks presence only, be the value empty or null', () => {
    const t =
      'selection:\n    EventID: 4738\n    PasswordLastSet|exists: true\ncondition: selection';
    expect(matches(t, { EventID: 4738, PasswordLastSet: '' })).toBe(true);
    expect(matches(t, { EventID: 4738, PasswordLastSet: null })).toBe(true);
    expect(matches(t, { EventID: 4738 })).toBe(false);
    const f = 's:\n    X|exists: false\ncondition: s';
    expect(matches(f, {})).toBe(true);
    expect(matches(f, { X: '' })).toBe(false);
  });

  it('cased makes the comparison case-sensitive', () => {
    const d = "s:\n    F|cased: 'CaSe'\ncondition: s";
    expect(matches(d, { F: 'CaSe' })).toBe(true);
    expect(matches(d, { F: 'case' })).toBe(false);
    expect(matches("s:\n    F|contains|cased: 'Up'\ncondition: s", { F: 'xUpx' })).toBe(true);
    expect(matches("s:\n    F|contains|cased: 'Up'\ncondition: s", { F: 'xupx' })).toBe(false);
  });

  it('neq matches a field different from every value, strings or numbers', () => {
    const d = "s:\n    Status|neq:\n        - 'ok'\n        - 200\ncondition: s";
    expect(matches(d, { Status: 'failed' })).toBe(true);
    expect(matches(d, { Status: 'OK' })).toBe(false);
    expect(matches(d, { Status: 200 })).toBe(false);
  });
});

describe('string modifiers', () => {
  it('windash matches -, /, en dash, em dash and horizontal bar', () => {
    const d = "s:\n    CommandLine|contains|windash: ' -exec bypass'\ncondition: s";
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      expect(matches(d, { CommandLine: `powershell ${dash}exec bypass` })).toBe(true);
    }
    expect(matches(d, { CommandLine: 'powershell +exec bypass' })).toBe(false);
  });

  it('windash makes every combination of several flags', () => {
    const d = "s:\n    C|windash: 'x -a -b'\ncondition: s";
    expect(matches(d, { C: 'x /a \u2014b' })).toBe(true);
    expect(matches(d, { C: 'x \u2013a -b' })).toBe(true);
  });

  it('re is case-sensitive by default; i, m and s set flags', () => {
    expect(matches("s:\n    F|re: 'ab+c'\ncondition: s", { F: 'xabbbc' })).toBe(true);
    expect(matches("s:\n    F|re: 'ab+c'\ncondition: s", { F: 'xABBC' })).toBe(false);
    expect(matches("s:\n    F|re|i: 'ab+c'\ncondition: s", { F: 'xABBC' })).toBe(true);
    expect(matches("s:\n    F|re: '^two$'\ncondition: s", { F: 'one\ntwo' })).toBe(false);
    expect(matches("s:\n    F|re|m: '^two$'\ncondition: s", { F: 'one\ntwo' })).toBe(true);
    expect(matches("s:\n    F|re: 'one.two'\ncondition: s", { F: 'one\ntwo' })).toBe(false);
    expect(matches("s:\n    F|re|s: 'one.two'\ncondition: s", { F: 'one\ntwo' })).toBe(true);
  });

  it('base64 matches the encoded value', () => {
    const d = "s:\n    F|base64: 'http://'\ncondition: s";
    expect(matches(d, { F: b64('http://') })).toBe(true);
    expect(
      matches("s:\n    F|base64|contains: 'http://'\ncondition: s", { F: `x${b64('http://')}y` }),
    ).toBe(true);
  });

  it('base64offset finds the value at any of the three byte offsets', () => {
    const d = "s:\n    F|base64offset|contains: '/bin/bash'\ncondition: s";
    for (const prefix of ['', 'a', 'ab', 'abc', 'echo hi; ']) {
      expect(matches(d, { F: b64(`${prefix}/bin/bash -i`) })).toBe(true);
    }
    expect(matches(d, { F: b64('/bin/sh -i') })).toBe(false);
  });

  it('utf16le / wide encode before base64, as in cmd > 63 00 6d 00 64 00', () => {
    const le = Buffer.from('powershell -enc ping', 'utf16le');
    expect(
      matches("s:\n    F|wide|base64offset|contains: 'ping'\ncondition: s", {
        F: le.toString('base64'),
      }),
    ).toBe(true);
    expect(
      matches("s:\n    F|utf16le|base64|contains: 'cmd'\ncondition: s", {
        F: Buffer.from('cmd', 'utf16le').toString('base64'),
      }),
    ).toBe(true);
    expect(Buffer.from('cmd', 'utf16le')).toEqual(Buffer.from([0x63, 0, 0x6d, 0, 0x64, 0]));
  });

  it('utf16be encodes big-endian and utf16 prepends the FF FE byte order mark', () => {
    const be = Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]);
    expect(
      matches("s:\n    F|utf16be|base64: 'cmd'\ncondition: s", { F: be.toString('base64') }),
    ).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('cmd', 'utf16le')]);
    expect(
      matches("s:\n    F|utf16|base64: 'cmd'\ncondition: s", { F: bom.toString('base64') }),
    ).toBe(true);
  });
});

describe('numeric and time modifiers', () => {
  it('lt, lte, gt, gte compare numbers, also numeric strings', () => {
    expect(matches('s:\n    N|lt: 10\ncondition: s', { N: 9 })).toBe(true);
    expect(matches('s:\n    N|lt: 10\ncondition: s', { N: 10 })).toBe(false);
    expect(matches('s:\n    N|lte: 10\ncondition: s', { N: '10' })).toBe(true);
    expect(matches('s:\n    N|gt: 10\ncondition: s', { N: 11 })).toBe(true);
    expect(matches('s:\n    N|gt: 10\ncondition: s', { N: '9' })).toBe(false);
    expect(matches('s:\n    N|gte: 10\ncondition: s', { N: 10 })).toBe(true);
    expect(matches('s:\n    N|gte: 10\ncondition: s', { N: 'ten' })).toBe(false);
  });

  it('minute, hour, day, week, month and year read parts of a date', () => {
    const t = { T: '2025-03-14T22:45:10Z' };
    expect(matches('s:\n    T|minute: 45\ncondition: s', t)).toBe(true);
    expect(matches('s:\n    T|hour: 22\ncondition: s', t)).toBe(true);
    expect(matches('s:\n    T|hour: 21\ncondition: s', t)).toBe(false);
    expect(matches('s:\n    T|day: 14\ncondition: s', t)).toBe(true);
    expect(matches('s:\n    T|week: 11\ncondition: s', t)).toBe(true);
    expect(matches('s:\n    T|month: 3\ncondition: s', t)).toBe(true);
    expect(matches('s:\n    T|year: 2025\ncondition: s', t)).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 networks', () => {
    const d = 's:\n    DestinationIp|cidr: 10.0.0.0/8\ncondition: s';
    expect(matches(d, { DestinationIp: '10.200.1.2' })).toBe(true);
    expect(matches(d, { DestinationIp: '11.0.0.1' })).toBe(false);
    expect(matches(d, { DestinationIp: 'not-an-ip' })).toBe(false);
  });

  it('matches IPv6 networks', () => {
    const d =
      "s:\n    DestinationIp|cidr:\n        - 'fe80::/10'\n        - '2001:db8::/32'\ncondition: s";
    expect(matches(d, { DestinationIp: 'fe80::1' })).toBe(true);
    expect(matches(d, { DestinationIp: '2001:db8:1::5' })).toBe(true);
    expect(matches(d, { DestinationIp: '2001:db9::5' })).toBe(false);
    expect(matches(d, { DestinationIp: '10.0.0.1' })).toBe(false);
  });
});

describe('expand and fieldref', () => {
  it('expand replaces %placeholders% with configured values', () => {
    const d = "s:\n    User|expand: '%Administrators%'\ncondition: s";
    const placeholders = { Administrators: ['admin*', 'root'] };
    expect(matches(d, { User: 'admin_joe' }, { placeholders })).toBe(true);
    expect(matches(d, { User: 'ROOT' }, { placeholders })).toBe(true);
    expect(matches(d, { User: 'guest' }, { placeholders })).toBe(false);
  });

  it('expand feeds the expanded values to the modifiers after it', () => {
    const placeholders = { scada_masters: ['10.20.0.0/24', '192.168.7.5/32'], night: ['2'] };
    const cidr = "s:\n    src|expand|cidr: '%scada_masters%'\ncondition: s";
    expect(matches(cidr, { src: '10.20.0.77' }, { placeholders })).toBe(true);
    expect(matches(cidr, { src: '192.168.7.5' }, { placeholders })).toBe(true);
    expect(matches(cidr, { src: '10.21.0.1' }, { placeholders })).toBe(false);
    const hour = "s:\n    ts|expand|hour: '%night%'\ncondition: s";
    expect(matches(hour, { ts: '2026-11-25T02:15:00Z' }, { placeholders })).toBe(true);
    expect(matches(hour, { ts: '2026-11-25T03:15:00Z' }, { placeholders })).toBe(false);
  });

  it('expand without a configured value loads the rule, warns, and never matches that value', () => {
    const e = engineFor(rule("s:\n    User|expand: '%Administrators%'\ncondition: s"));
    expect(e.compiledCount).toBe(1);
    expect(
      e.errors.some((x) => x.severity === 'warning' && x.message.includes('%Administrators%')),
    ).toBe(true);
    expect(e.evaluate({ User: '%Administrators%' })).toHaveLength(0);
  });

  it('a percent sign without expand is literal, and \\% escapes it under expand', () => {
    expect(matches("s:\n    F: '%name%'\ncondition: s", { F: '%name%' })).toBe(true);
    expect(
      matches(
        "s:\n    F|expand: '\\%plain%name%'\ncondition: s",
        { F: '%plainX' },
        { placeholders: { name: ['X'] } },
      ),
    ).toBe(true);
  });

  it('fieldref compares two fields of the same event, and neq negates it', () => {
    const d = 's:\n    TargetUserName|fieldref: SubjectUserName\ncondition: s';
    expect(matches(d, { TargetUserName: 'Bob', SubjectUserName: 'bob' })).toBe(true);
    expect(matches(d, { TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(false);
    expect(matches(d, { TargetUserName: 'Bob' })).toBe(false);
    const n = 's:\n    TargetUserName|fieldref|neq: SubjectUserName\ncondition: s';
    expect(matches(n, { TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(true);
  });
});

describe('modifier errors', () => {
  it('reports modifiers that do not fit their value', () => {
    expect(compileErrors('s:\n    F|cidr: not-a-network\ncondition: s')[0]?.message).toMatch(
      /CIDR/,
    );
    expect(compileErrors("s:\n    F|base64: 'a*'\ncondition: s")[0]?.message).toMatch(/wildcards/);
    expect(compileErrors("s:\n    F|gt: 'abc'\ncondition: s")[0]?.message).toMatch(/number/);
    expect(compileErrors("s:\n    F|i: 'abc'\ncondition: s")[0]?.message).toMatch(/'re'/);
    expect(compileErrors("s:\n    F|re: '(unclosed'\ncondition: s")[0]?.message).toMatch(
      /regular expression/,
    );
    expect(compileErrors("s:\n    F|exists: 'maybe'\ncondition: s")[0]?.message).toMatch(
      /true or false/,
    );
  });
});
