/** The engine end to end: routing, Windows evtx layout, Prahari events, filters, correlation. */
import { describe, expect, it } from 'vitest';
import { SigmaEngine } from './engine.js';
import { loadRuleTexts } from './loader.js';
import { engineFor } from './test-support.js';

const procCreation = `title: Whoami
id: 0b1c2d3e-0000-4000-8000-000000000001
level: medium
tags: [attack.discovery]
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
`;

function evtx(
  channel: string,
  eventId: unknown,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): unknown {
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
        EventID: eventId,
        Channel: channel,
        Computer: 'ws1',
        TimeCreated: { '#attributes': { SystemTime: '2025-11-27T07:40:10.165324Z' } },
      },
      EventData: data,
      ...extra,
    },
  };
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

describe('Windows evtx_dump events', () => {
  const engine = engineFor(procCreation);

  it('maps process_creation to Sysmon event 1', () => {
    const m = engine.evaluate(evtx(SYSMON, 1, { Image: 'C:\\Windows\\System32\\whoami.exe' }));
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({
      kind: 'detection',
      ruleId: '0b1c2d3e-0000-4000-8000-000000000001',
      title: 'Whoami',
      level: 'medium',
      tags: ['attack.discovery'],
      fields: { Image: 'C:\\Windows\\System32\\whoami.exe' },
      eventTimeMs: Date.parse('2025-11-27T07:40:10.165Z'),
    });
  });

  it('maps process_creation to Security 4688 with NewProcessName', () => {
    expect(
      engine.evaluate(
        evtx('Security', 4688, { NewProcessName: 'C:\\Windows\\System32\\whoami.exe' }),
      ),
    ).toHaveLength(1);
    expect(
      engine.evaluate(evtx('Security', 4688, { Image: 'C:\\Windows\\System32\\whoami.exe' })),
    ).toHaveLength(0);
  });

  it('reads EventID given as { #text, #attributes }', () => {
    expect(
      engine.evaluate(
        evtx(SYSMON, { '#text': 1, '#attributes': { Qualifiers: '' } }, { Image: 'x\\whoami.exe' }),
      ),
    ).toHaveLength(1);
  });

  it('does not test other event ids or channels against the category', () => {
    expect(engine.evaluate(evtx(SYSMON, 11, { Image: 'x\\whoami.exe' }))).toHaveLength(0);
    expect(engine.evaluate(evtx('System', 1, { Image: 'x\\whoami.exe' }))).toHaveLength(0);
  });

  it('finds UserData fields and detail names written with spaces', () => {
    const e = engineFor(`title: Defender
logsource:
    product: windows
    service: windefend
detection:
    s:
        EventID: 1119
        ThreatName|endswith: 'EICAR_Test_File'
    u:
        Operation|contains: 'cleareventlog'
    condition: s or u
`);
    expect(
      e.evaluate(
        evtx('Microsoft-Windows-Windows Defender/Operational', 1119, {
          'Threat Name': 'Virus:DOS/EICAR_Test_File',
        }),
      ),
    ).toHaveLength(1);
    const wmi = evtx(
      'Microsoft-Windows-Windows Defender/Operational',
      5858,
      {},
      { UserData: { Operation_ClientFailure: { Operation: 'x::cleareventlog' } } },
    );
    expect(e.evaluate(wmi)).toHaveLength(1);
  });

  it('reads System attributes with the underscore convention', () => {
    const e = engineFor(`title: Provider
logsource:
    product: windows
detection:
    s:
        Provider_Name: 'Microsoft-Windows-Sysmon'
    condition: s
`);
    expect(e.evaluate(evtx(SYSMON, 3, {}))).toHaveLength(1);
  });
});

describe('Prahari events and raw JSON', () => {
  const web = `title: Web shell probe
logsource:
    category: webserver
detection:
    s:
        cs-method: POST
        c-uri|contains: '/cmd.jsp'
    condition: s
`;
  const linux = `title: SSH root login
logsource:
    product: linux
    service: auth
detection:
    k:
        - 'Accepted password for root'
    condition: k
`;
  const engine = engineFor([web, linux]);

  it('routes a ParsedEvent by its logsource and reads its fields', () => {
    const parsed = {
      eventTime: '2026-02-01T10:00:00Z',
      logsource: { category: 'webserver', product: 'nginx' },
      message: 'POST /app/cmd.jsp',
      fields: { 'cs-method': 'POST', 'c-uri': '/app/cmd.jsp?x=1' },
      flags: [],
    };
    const m = engine.evaluate(parsed);
    expect(m.map((x) => x.title)).toEqual(['Web shell probe']);
    expect(m[0]!.eventTimeMs).toBe(Date.parse('2026-02-01T10:00:00Z'));
    // the same fields under a linux logsource reach no webserver rule
    expect(
      engine.evaluate({ ...parsed, logsource: { product: 'linux', service: 'auth' } }),
    ).toHaveLength(0);
  });

  it('finds ECS-style normalised names through the pipeline aliases', () => {
    const parsed = {
      eventTime: '2026-02-01T10:00:00Z',
      logsource: { category: 'webserver' },
      message: '',
      fields: { 'http.request.method': 'POST', url: { original: '/cmd.jsp' } },
      flags: [],
    };
    expect(engine.evaluate(parsed)).toHaveLength(1);
  });

  it('tests a raw event without logsource against every rule, or those of --logsource', () => {
    const raw = {
      msg: 'sshd[1]: Accepted password for root from 10.0.0.1',
      'cs-method': 'POST',
      'c-uri': '/cmd.jsp',
    };
    expect(
      engine
        .evaluate(raw)
        .map((m) => m.title)
        .sort(),
    ).toEqual(['SSH root login', 'Web shell probe']);
    expect(
      engine
        .evaluate(raw, { logsource: { product: 'linux', service: 'auth' } })
        .map((m) => m.title),
    ).toEqual(['SSH root login']);
  });

  it('looks a field up by exact dotted key first, then as a nested path', () => {
    const e = engineFor(`title: Zeek
logsource:
    product: zeek
detection:
    s:
        id.orig_h|cidr: 10.0.0.0/8
    condition: s
`);
    expect(e.evaluate({ 'id.orig_h': '10.1.2.3' })).toHaveLength(1);
    expect(e.evaluate({ id: { orig_h: '10.1.2.3' } })).toHaveLength(1);
    expect(e.evaluate({ id: { orig_h: '192.168.1.1' } })).toHaveLength(0);
  });

  it('never throws on odd input', () => {
    const big = 'A'.repeat(5_000_000);
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 10_000; i++) {
      const next: Record<string, unknown> = {};
      cur['x'] = next;
      cur = next;
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    for (const odd of [
      null,
      undefined,
      42,
      'text',
      [],
      [1, 2],
      {},
      { fields: null, logsource: 3 },
      { 'c-uri': big },
      deep,
      cyclic,
      { 'cs-method': { nested: true }, 'c-uri': [null, 7, '/cmd.jsp'] },
    ]) {
      expect(() => engine.evaluate(odd)).not.toThrow();
    }
    expect(engine.evaluate({ 'cs-method': 'post', 'c-uri': [null, 7, '/cmd.jsp'] })).toHaveLength(
      1,
    );
  });
});

describe('filters', () => {
  const filter = `title: Not for admins
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 0b1c2d3e-0000-4000-8000-000000000001
    selection:
        User|startswith: 'adm_'
    condition: not selection
`;

  it('applies a filter document to the rules it names', () => {
    const e = engineFor([procCreation, filter]);
    expect(e.evaluate(evtx(SYSMON, 1, { Image: 'x\\whoami.exe', User: 'adm_joe' }))).toHaveLength(
      0,
    );
    expect(e.evaluate(evtx(SYSMON, 1, { Image: 'x\\whoami.exe', User: 'joe' }))).toHaveLength(1);
  });

  it('leaves rules of another logsource or id alone', () => {
    const other = procCreation.replace(
      '0b1c2d3e-0000-4000-8000-000000000001',
      '0b1c2d3e-0000-4000-8000-000000000002',
    );
    const e = engineFor([other, filter]);
    expect(e.evaluate(evtx(SYSMON, 1, { Image: 'x\\whoami.exe', User: 'adm_joe' }))).toHaveLength(
      1,
    );
  });
});

describe('correlation', () => {
  const failed = `title: Failed logon
id: 5a6b7c8d-0000-4000-8000-000000000010
name: failed_logon
level: low
logsource:
    product: windows
    service: security
detection:
    s:
        EventID: 4625
    condition: s
`;
  const brute = `title: Brute force
id: 5a6b7c8d-0000-4000-8000-000000000011
level: high
correlation:
    type: event_count
    rules:
        - failed_logon
    group-by:
        - TargetUserName
    timespan: 10m
    condition:
        gte: 3
`;

  it('feeds detection matches to the correlation engine and returns its results', () => {
    const e = engineFor([failed, brute], {
      correlation: { clock: { now: () => new Date('2026-01-01T00:10:00Z') } },
    });
    const at = (min: number, user: string): unknown => ({
      Event: {
        System: {
          EventID: 4625,
          Channel: 'Security',
          TimeCreated: { '#attributes': { SystemTime: `2026-01-01T00:0${min}:00Z` } },
        },
        EventData: { TargetUserName: user },
      },
    });
    const out = [at(1, 'bob'), at(2, 'bob'), at(3, 'alice'), at(4, 'bob')].flatMap((ev) =>
      e.evaluate(ev),
    );
    // generate: false (the default) keeps the failed logons themselves out
    expect(out.filter((m) => m.kind === 'detection')).toHaveLength(0);
    const corr = out.filter((m) => m.kind === 'correlation');
    expect(corr).toHaveLength(1);
    expect(corr[0]).toMatchObject({
      title: 'Brute force',
      level: 'high',
      fields: { TargetUserName: 'bob' },
    });
  });

  it('returns the base rule matches too when asked', () => {
    const e = engineFor([failed, brute], { includeSuppressed: true });
    const ev = {
      Event: { System: { EventID: 4625, Channel: 'Security' }, EventData: { TargetUserName: 'x' } },
    };
    expect(e.evaluate(ev).map((m) => m.kind)).toEqual(['detection']);
  });
});

describe('profiling', () => {
  it('times the rules on one event in N and names the slowest first', () => {
    const set = loadRuleTexts([
      {
        text: `title: Cheap
id: 7e1f0c2e-8a3b-4c5d-9e0f-1a2b3c4d5e01
logsource:
  product: linux
detection:
  s:
    user.name: root
  condition: s
---
title: Regex heavy
id: 7e1f0c2e-8a3b-4c5d-9e0f-1a2b3c4d5e02
logsource:
  product: linux
detection:
  s:
    message|re: '(a+)+b'
  condition: s
`,
      },
    ]);
    const engine = new SigmaEngine({ rules: set, profileEvery: 2 });
    for (let i = 0; i < 10; i++)
      engine.evaluate({
        logsource: { product: 'linux' },
        fields: { 'user.name': 'root', message: `${'a'.repeat(18)}b` },
        message: 'x',
        eventTime: '2026-11-25T10:00:00Z',
      });
    const costs = engine.ruleCosts();
    expect(costs.map((c) => c.sampled)).toEqual([5, 5]);
    expect(costs.map((c) => c.title).sort()).toEqual(['Cheap', 'Regex heavy']);
    expect(costs[0]!.sampledMs).toBeGreaterThanOrEqual(costs[1]!.sampledMs);
    expect(costs[0]!.meanMicros).toBeCloseTo((costs[0]!.sampledMs * 1000) / 5);
    expect(new SigmaEngine({ rules: set }).ruleCosts()).toEqual([]);
  });
});
