/**
 * Prahari's own city rules (apps/server/rules/city) end to end: raw log lines — real ones from
 * ../shared/data/logs read in place where a sample exists, realistic hand-written ones where
 * none does — go through the ingest parser exactly as the server parses them, then through the
 * Sigma engine loaded with the rule folder. Each rule is shown to fire on what it is for and to
 * stay quiet on the benign lines next to it; correlations are fed event times inside and
 * outside their windows.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ManualClock, type ParsedEvent } from '@prahari/core';
import { parseMessage } from '@prahari/ingest';
import { SigmaEngine, findRuleFiles, loadRules, type Match } from '@prahari/sigma';

const RULES_DIR = join(import.meta.dirname, '../../../rules/city');
const DATA = join(import.meta.dirname, '../../../../../../shared/data/logs');
const WAZUH = join(DATA, 'wazuh-ruleset-tests/ruleset/testing/tests');
const MODBUS_TSV = join(DATA, 'ics-zeek/icsnpp-modbus/testing/baseline/analyzer.basic');
const DNP3_TSV = join(DATA, 'ics-zeek/icsnpp-dnp3/testing/baseline/analyzer.basic');

/** What an operator sets for `|expand` placeholders (documented in rules/city/README.md). */
const PLACEHOLDERS = { scada_masters: ['10.10.20.5'], camera_networks: ['10.30.1.*', '10.30.2.*'] };

const ID = {
  sshFailed: '7c07cc8e-efb9-4151-ae87-7ee0da90e3a9',
  sshBruteForce: '0afa8a64-c529-4214-ac14-2801494db29e',
  sshSpraying: 'e39180fb-e083-46f0-9a97-b062e42afc65',
  sshAccepted: '08ea566f-50dd-4387-9f9a-6bf6939f429f',
  sshFailedBurst: 'e3db6f05-5063-4489-8885-4bce491892c5',
  sshLoginAfterBruteForce: '43ef0090-3714-4df2-9147-5b16ae764c5b',
  winFailed: '7ce7cb21-0a05-411a-bd0b-f91caa3eaa46',
  winBruteForce: '71c16981-69f5-4291-8879-328142f4460f',
  winSpraying: '63526220-7aba-417e-87a8-e01566fc2a24',
  firewallDenied: 'e8c8249c-6f5e-46dc-a063-89a50d8eccdc',
  zeekUnanswered: '0ee94895-8dd7-4e36-9763-57e1f0b41bd2',
  horizontalScan: '4f9ae422-45f8-4a81-bd3a-d8224060f26d',
  verticalScan: 'dcf21ec2-4ce1-4997-8aa0-14d9bdeb5ed7',
  modbusWrite: '8ec84fd0-38bf-4b0c-915c-3c6542bd9ef8',
  modbusWriteBurst: '64b12dfa-08f5-40eb-97fa-35b0c87e0f0d',
  modbusProgramming: '4f35dd34-b2fb-42b1-868a-3ad1fad69638',
  modbusRecon: '85c46878-2295-4bda-b8a4-bb5d77518c14',
  modbusDiagnostics: 'd352ec4f-4ae0-4a2b-80e7-d6511b44ebe7',
  modbusException: 'ffa9b7ad-3d9c-4f90-a89f-540f03ee2b59',
  modbusExceptionBurst: '72e004b1-fd24-4d56-b905-4bc9ed1910c7',
  dnp3Control: 'fa60b4a6-2a3a-48ac-b029-56d885a3bc4c',
  dnp3Unsolicited: '3966403d-3df3-4e63-9dce-c273fbbf80e8',
  icsUnlistedClient: '7a0d353e-7b91-44c2-8d58-05d97d75d015',
  cctvDefaultCreds: 'b0bc48f0-da29-4534-ae5c-c898394c5a89',
  cctvShellLogin: 'd007e3be-ba81-4c18-89fd-6a0f7bbbb4c2',
  webDefacement: 'cc23d53d-4d0b-4a3b-bf42-9958b6248b97',
  webShell: 'f3d271fe-6a65-467a-baef-efd5f4ad0c55',
  webProbe: '988987b9-9107-4f00-98d3-a69f743c3259',
  webProbeBurst: '56e82569-ef25-46a8-9c83-ac9a15dfbc44',
  suricataSev1: 'a4388198-ce22-48bb-9706-4f2bafb9b140',
  suricataSev2: '6bdc45e2-c444-4634-af21-306c38708997',
  floodAnomaly: '9306f0d3-7642-4887-93b0-963c0e3255de',
  distributedFlood: 'f7143d77-56cc-45b5-8085-c17be0ce8469',
  webRefusedForLoad: 'e548e3d5-02fe-434d-a99b-fd8dec65b0ae',
  webRefusingManyClients: '06057f3f-4bf7-4ff3-afae-91ab54fe15f1',
  cameraInternet: 'deaeffd8-5e79-405e-a171-fda2d41bbaa3',
  camerasSameInternetHost: 'e4b55874-ce3d-4c3c-8d20-9c99df5a8cf1',
  internetUpload: 'b31a14fe-cee0-4d8a-aed6-4a4b232c6cfc',
  largeUpload: '161495cd-94c4-4f2a-ad4a-16d172e1d64e',
} as const;

const RECEIVED = new Date('2026-11-25T12:00:00Z');
const T0 = Date.parse('2026-11-25T10:00:00Z');
const ruleSet = loadRules({ dirs: [RULES_DIR] });

/**
 * A fresh engine per test, so correlation state never leaks between cases. Base rules that a
 * correlation reads are suppressed as alerts (`generate: false`); `includeSuppressed` shows
 * them so each base rule can be tested on its own.
 */
function engine(
  options: { placeholders?: Record<string, string[]>; includeSuppressed?: boolean } = {},
): SigmaEngine {
  return new SigmaEngine({
    rules: ruleSet,
    placeholders: options.placeholders ?? PLACEHOLDERS,
    includeSuppressed: options.includeSuppressed ?? true,
    correlation: { clock: new ManualClock(RECEIVED) },
  });
}

/** The ingest parser exactly as the server runs it on a received message. */
function parse(raw: string, receivedAt: Date = RECEIVED): ParsedEvent {
  const r = parseMessage(raw, { receivedAt });
  if (!r.ok) throw new Error(`not parsed (${r.reason}): ${raw}`);
  return r.event;
}

function ids(matches: Match[], kind: Match['kind'] = 'detection'): string[] {
  return matches.filter((m) => m.kind === kind).map((m) => m.ruleId ?? m.title);
}

/** Rule ids that fire for one raw line (detections only). */
function fires(e: SigmaEngine, raw: string): string[] {
  return ids(e.evaluate(parse(raw)));
}

/** Feeds events in order; per event, the ids of the correlations that fired on it. */
function correlate(e: SigmaEngine, events: unknown[]): string[][] {
  return events.map((ev) => ids(e.evaluate(ev), 'correlation'));
}

/** Indexes of the events on which `id` fired, from `correlate` output. */
function firedAt(perEvent: string[][], id: string): number[] {
  return perEvent.flatMap((list, i) => (list.includes(id) ? [i] : []));
}

/** The log lines of a Wazuh ruleset test file (`log N pass|fail = …`: real lines either way). */
function wazuhLines(file: string): string[] {
  return readFileSync(join(WAZUH, file), 'utf8')
    .split(/\r?\n/)
    .flatMap((l) => {
      const m = /^log \d+ (?:pass|fail) = (.*)$/.exec(l);
      return m ? [m[1]!] : [];
    });
}

function wazuhLine(file: string, contains: string): string {
  const line = wazuhLines(file).find((l) => l.includes(contains));
  if (line === undefined) throw new Error(`no line with '${contains}' in ${file}`);
  return line;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3164 timestamp (`Nov 25 10:00:00`, UTC) */
function bsdTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Apache/nginx `%t` (`25/Nov/2026:10:00:00 +0000`) */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Replaces the leading RFC 3164 timestamp of a real syslog line with `ms`. */
function retime3164(line: string, ms: number): string {
  return line.replace(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d/, bsdTime(ms));
}

function zeekLines(file: string): string[] {
  return gunzipSync(readFileSync(join(DATA, 'zeek-wrccdc2018', file)))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/**
 * Records of a Zeek TSV log as Zeek's JSON writer would send them to the server (`_path`, typed
 * values, unset fields left out). The ICSNPP baselines mask their times, so `ts(i)` supplies
 * epoch seconds for the i-th record.
 */
function zeekTsvAsJson(
  file: string,
  ts: (i: number) => number,
  header: { path?: string; fields?: string[]; types?: string[] } = {},
): Record<string, unknown>[] {
  let { path, fields, types } = header;
  let setSeparator = ',';
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [key, ...rest] = line.split('\t');
      if (key === '#fields') fields = rest;
      else if (key === '#types') types = rest;
      else if (key === '#path') path = rest[0];
      else if (key === '#set_separator') setSeparator = rest[0] ?? ',';
      continue;
    }
    if (fields === undefined || types === undefined) throw new Error(`${file}: no #fields`);
    const colTypes = types;
    const values = line.split('\t');
    const record: Record<string, unknown> = { _path: path };
    const scalar = (v: string, type: string): unknown => {
      if (['count', 'port', 'int', 'double', 'interval'].includes(type)) return Number(v);
      if (type === 'bool') return v === 'T';
      return v.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) =>
        String.fromCharCode(parseInt(h, 16)),
      );
    };
    fields.forEach((name, i) => {
      const v = values[i]!;
      const type = colTypes[i]!;
      if (v === '-') return;
      if (name === 'ts') record.ts = ts(out.length);
      else if (/^(vector|set)\[/.test(type)) {
        const inner = type.slice(type.indexOf('[') + 1, -1);
        record[name] = v === '(empty)' ? [] : v.split(setSeparator).map((x) => scalar(x, inner));
      } else record[name] = scalar(v, type);
    });
    out.push(record);
  }
  return out;
}

/** The standard Zeek modbus.log columns, for the header-less ICSNPP baseline. */
const MODBUS_HEADER = {
  path: 'modbus',
  fields: ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'func', 'exception'],
  types: ['time', 'string', 'addr', 'port', 'addr', 'port', 'string', 'string'],
};

const json = (o: unknown): string => JSON.stringify(o);

describe('the city rule folder', () => {
  const files = findRuleFiles(RULES_DIR);

  it('holds rule files, and every file loads without an error or warning', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) {
      const one = loadRules({ files: [file] });
      expect(one.errors, basename(file)).toEqual([]);
      expect(one.rules.length + one.correlations.length, basename(file)).toBeGreaterThan(0);
    }
    expect(ruleSet.errors).toEqual([]);
  });

  it('compiles every rule with zero errors and zero warnings once the placeholders are set', () => {
    const e = engine();
    expect(e.errors).toEqual([]);
    expect(e.compiledCount).toBe(ruleSet.rules.length);
    expect(ruleSet.rules.length).toBe(24);
    expect(ruleSet.correlations.length).toBe(15);
  });

  it('without placeholders, still loads everything and warns only about the two placeholders', () => {
    const e = engine({ placeholders: {} });
    expect(e.compiledCount).toBe(ruleSet.rules.length);
    expect(
      e.errors.map((x) => [x.severity, x.rule, x.message]).sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
    ).toEqual([
      [
        'warning',
        ID.icsUnlistedClient,
        'placeholder %scada_masters% has no configured value: this value never matches',
      ],
      [
        'warning',
        ID.cameraInternet,
        'placeholder %camera_networks% has no configured value: this value never matches',
      ],
    ]);
  });

  it('gives every rule and correlation a unique UUIDv4 id, a unique name and the house metadata', () => {
    const uuid4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const docs = files.flatMap((f) =>
      parseAllDocuments(readFileSync(f, 'utf8')).map((d) => ({
        file: basename(f),
        doc: d.toJS() as Record<string, unknown>,
      })),
    );
    expect(docs.length).toBe(ruleSet.rules.length + ruleSet.correlations.length);
    const allIds = docs.map((d) => d.doc.id);
    expect(new Set(allIds).size).toBe(allIds.length);
    for (const id of allIds) expect(id).toMatch(uuid4);
    expect(new Set(allIds)).toEqual(new Set(Object.values(ID)));
    const names = docs.flatMap((d) => (typeof d.doc.name === 'string' ? [d.doc.name] : []));
    expect(new Set(names).size).toBe(names.length);
    for (const { file, doc } of docs) {
      const where = `${file}: ${String(doc.title)}`;
      expect(doc.author, where).toBe('Prahari');
      expect(doc.status, where).toBe('test');
      expect(doc.date, where).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(['informational', 'low', 'medium', 'high', 'critical'], where).toContain(doc.level);
      expect(String(doc.description).length, where).toBeGreaterThan(100);
      expect((doc.falsepositives as string[]).length, where).toBeGreaterThan(0);
      const tags = doc.tags as string[];
      expect(
        tags.some((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t)),
        where,
      ).toBe(true);
    }
  });

  it('suppresses the building-block alerts: a single failed login raises nothing by itself', () => {
    const line = wazuhLine('sshd.ini', 'Failed password for invalid user sammy');
    expect(engine({ includeSuppressed: false }).evaluate(parse(line))).toEqual([]);
    expect(fires(engine(), line)).toEqual([ID.sshFailed]);
  });
});

describe('SSH brute force and password spraying (linux/sshd)', () => {
  it('marks exactly the real failed SSH attempts of the Wazuh sshd tests', () => {
    const lines = wazuhLines('sshd.ini');
    const e = engine();
    const fired = lines.filter((l) => fires(e, l).includes(ID.sshFailed));
    const expected = lines.filter((l) => /sshd\[\d+\]: Failed (?!none )\S+ for /.test(l));
    expect(expected.length).toBe(12);
    expect(fired).toEqual(expected);
    // invalid-user notices, disconnects and the `none` probe stay quiet
    for (const [file, benign] of [
      ['sshd.ini', 'Invalid user opcione from 192.241.237.101'],
      ['sshd.ini', 'Disconnected from invalid user root 172.18.1.100'],
      ['sshd.ini', 'Failed none for root from 192.168.1.1'],
    ] as const) {
      expect(fires(e, wazuhLine(file, benign)), benign).toEqual([]);
    }
    // an accepted login is only the building block of the login-after-brute-force correlation
    expect(
      fires(e, wazuhLine('malicious-ioc.ini', 'Accepted none for root from 218.92.0.222')),
    ).toEqual([ID.sshAccepted]);
  });

  const template = wazuhLine('sshd.ini', 'Failed password for invalid user sammy');
  const attempt = (ms: number, user = 'sammy', ip = '82.202.219.155'): ParsedEvent =>
    parse(
      retime3164(template, ms).replace('user sammy', `user ${user}`).replace('82.202.219.155', ip),
    );

  it('brute force: the 20th failure from one address within 60 s fires, 19 do not', () => {
    const events = Array.from({ length: 20 }, (_, i) => attempt(T0 + i * 2000));
    const out = correlate(engine(), events);
    expect(firedAt(out, ID.sshBruteForce)).toEqual([19]);
    expect(firedAt(correlate(engine(), events.slice(0, 19)), ID.sshBruteForce)).toEqual([]);
  });

  it('brute force: 20 failures spread over 80 s, or split over two addresses, do not fire', () => {
    const slow = Array.from({ length: 20 }, (_, i) => attempt(T0 + i * 4000));
    expect(firedAt(correlate(engine(), slow), ID.sshBruteForce)).toEqual([]);
    const split = Array.from({ length: 30 }, (_, i) =>
      attempt(T0 + i * 1000, 'sammy', i % 2 === 0 ? '82.202.219.155' : '82.202.219.156'),
    );
    expect(firedAt(correlate(engine(), split), ID.sshBruteForce)).toEqual([]);
  });

  const users = ['admin', 'test', 'oracle', 'ubuntu', 'postgres', 'git', 'ftpuser', 'guest'];
  const moreUsers = [...users, 'support', 'pi', 'deploy', 'backup'];

  it('spraying: ten different user names from one address within 10 min fire, nine do not', () => {
    const spray = moreUsers.map((u, i) => attempt(T0 + i * 30_000, u));
    const out = correlate(engine(), spray);
    expect(firedAt(out, ID.sshSpraying)).toEqual([9]);
    expect(firedAt(out, ID.sshBruteForce)).toEqual([]);
    expect(firedAt(correlate(engine(), spray.slice(0, 9)), ID.sshSpraying)).toEqual([]);
  });

  it('spraying: many attempts on one account, or ten names over an hour, do not fire', () => {
    const oneUser = Array.from({ length: 15 }, (_, i) => attempt(T0 + i * 30_000, 'root'));
    expect(firedAt(correlate(engine(), oneUser), ID.sshSpraying)).toEqual([]);
    const slow = moreUsers.map((u, i) => attempt(T0 + i * 6 * 60_000, u));
    expect(firedAt(correlate(engine(), slow), ID.sshSpraying)).toEqual([]);
  });
});

describe('SSH login after a brute force (linux/sshd)', () => {
  const failed = wazuhLine('sshd.ini', 'Failed password for invalid user sammy');
  const accepted = wazuhLine('malicious-ioc.ini', 'Accepted none for root from 218.92.0.222');
  const attempt = (ms: number, ip = '82.202.219.155'): ParsedEvent =>
    parse(retime3164(failed, ms).replace('82.202.219.155', ip));
  const login = (ms: number, ip = '82.202.219.155'): ParsedEvent =>
    parse(retime3164(accepted, ms).replace('218.92.0.222', ip));
  const burst = Array.from({ length: 20 }, (_, i) => attempt(T0 + i * 2000));

  it('fires on a login from the address that just brute-forced, and the brute force still alerts', () => {
    const e = engine({ includeSuppressed: false });
    const out = correlate(e, [...burst, login(T0 + 5 * 60_000)]);
    expect(firedAt(out, ID.sshBruteForce)).toEqual([19]);
    expect(firedAt(out, ID.sshLoginAfterBruteForce)).toEqual([20]);
    // the chain step and the building blocks raise nothing of their own
    expect(out.flat().filter((id) => id === ID.sshFailedBurst)).toEqual([]);
    expect(e.evaluate(login(T0 + 6 * 60_000, '10.10.2.11'))).toEqual([]);
  });

  it('stays quiet on a login from another address, after a few failures, or too late', () => {
    expect(
      firedAt(
        correlate(engine(), [...burst, login(T0 + 60_000, '10.10.2.11')]),
        ID.sshLoginAfterBruteForce,
      ),
    ).toEqual([]);
    expect(
      firedAt(
        correlate(engine(), [...burst.slice(0, 5), login(T0 + 60_000)]),
        ID.sshLoginAfterBruteForce,
      ),
    ).toEqual([]);
    expect(
      firedAt(correlate(engine(), [...burst, login(T0 + 12 * 60_000)]), ID.sshLoginAfterBruteForce),
    ).toEqual([]);
    expect(firedAt(correlate(engine(), [login(T0), ...burst]), ID.sshLoginAfterBruteForce)).toEqual(
      [],
    );
  });
});

describe('RDP / Windows logon brute force and spraying (windows/security 4625)', () => {
  const failed = JSON.parse(wazuhLine('malicious-ioc.ini', '"eventID":4625')) as {
    win: { system: Record<string, unknown>; eventdata: Record<string, unknown> };
  };
  const success = wazuhLine('malicious-ioc.ini', '"eventID":"4624"');

  const wazuh4625 = (ms: number, user = 'administrator', ip = '218.92.0.222'): string =>
    json({
      win: {
        system: { ...failed.win.system, systemTime: new Date(ms).toISOString() },
        eventdata: { ...failed.win.eventdata, targetUserName: user, ipAddress: ip },
      },
    });

  /**
   * The same record in SigmaHQ's evtx_dump layout. The engine's Windows pipeline reads it as it
   * is (as `prahari detect` does); parseMessage keeps such JSON as a generic event without a
   * logsource, so it must reach the engine raw to meet Windows rules.
   */
  const evtx4625 = (ms: number, user = 'administrator', ip = '218.92.0.222'): unknown => {
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(failed.win.eventdata))
      data[k[0]!.toUpperCase() + k.slice(1)] = String(v);
    return {
      Event: {
        System: {
          Provider: { '#attributes': { Name: failed.win.system.providerName } },
          EventID: 4625,
          TimeCreated: { '#attributes': { SystemTime: new Date(ms).toISOString() } },
          Channel: 'Security',
          Computer: failed.win.system.computer,
        },
        EventData: { ...data, TargetUserName: user, IpAddress: ip },
      },
    };
  };

  it('marks the real 4625 network logon failure, not the 4624 success or a local failure', () => {
    const e = engine();
    expect(fires(e, wazuhLine('malicious-ioc.ini', '"eventID":4625'))).toEqual([ID.winFailed]);
    expect(fires(e, success)).toEqual([]);
    expect(fires(e, wazuh4625(T0, 'administrator', '-'))).toEqual([]);
    expect(fires(e, wazuh4625(T0, 'administrator', '127.0.0.1'))).toEqual([]);
    expect(ids(e.evaluate(evtx4625(T0)))).toEqual([ID.winFailed]);
  });

  it('brute force: 20 failures from one address within 60 s fire on the 20th (JSON ingest)', () => {
    const events = Array.from({ length: 20 }, (_, i) => parse(wazuh4625(T0 + i * 2500)));
    expect(firedAt(correlate(engine(), events), ID.winBruteForce)).toEqual([19]);
    expect(firedAt(correlate(engine(), events.slice(0, 19)), ID.winBruteForce)).toEqual([]);
    const slow = Array.from({ length: 20 }, (_, i) => parse(wazuh4625(T0 + i * 5000)));
    expect(firedAt(correlate(engine(), slow), ID.winBruteForce)).toEqual([]);
  });

  it('brute force: the same holds for evtx_dump events given to the engine as they are', () => {
    const events = Array.from({ length: 20 }, (_, i) => evtx4625(T0 + i * 2500));
    const e = engine();
    const matches = events.flatMap((ev) => e.evaluate(ev));
    const alerts = matches.filter((m) => m.kind === 'correlation');
    expect(alerts.map((m) => [m.ruleId, m.fields])).toEqual([
      [ID.winBruteForce, { IpAddress: '218.92.0.222' }],
    ]);
    expect(matches.filter((m) => m.ruleId === ID.winFailed).length).toBe(20);
  });

  it('spraying: ten account names from one address within 10 min fire, nine do not', () => {
    const names = ['administrator', 'admin', 'iccc.operator', 'scada', 'backup', 'svc_sql'];
    const all = [...names, 'helpdesk', 'guest', 'test', 'ptax.clerk'];
    const events = all.map((u, i) => parse(wazuh4625(T0 + i * 45_000, u)));
    const out = correlate(engine(), events);
    expect(firedAt(out, ID.winSpraying)).toEqual([9]);
    expect(firedAt(out, ID.winBruteForce)).toEqual([]);
    expect(firedAt(correlate(engine(), events.slice(0, 9)), ID.winSpraying)).toEqual([]);
    const evtx = all.map((u, i) => evtx4625(T0 + i * 45_000, u));
    expect(firedAt(correlate(engine(), evtx), ID.winSpraying)).toEqual([9]);
  });
});

describe('port scans across city hosts (firewall denies, Zeek conn)', () => {
  it('marks real firewall denies (ASA, FortiGate, iptables) and not allowed traffic', () => {
    const e = engine();
    for (const [file, text] of [
      ['cisco_asa.ini', 'Inbound TCP connection denied from 111.93.241.59'],
      ['cisco_asa.ini', 'Deny inbound UDP from 185.158.113.158'],
      ['fortigate.ini', 'srcip=7.3.8.5 srcport=57727'],
      ['iptables.ini', 'SFW2-INext-DROP-DEFLT'],
      ['iptables.ini', '[UFW BLOCK]'],
    ] as const) {
      expect(fires(e, wazuhLine(file, text)), text).toEqual([ID.firewallDenied]);
    }
    for (const [file, text] of [
      ['iptables.ini', 'FIREWALL_OUT IN= OUT=eth0'],
      ['cisco_asa.ini', 'Module ips, application up'],
      ['fortigate.ini', 'IPsec DPD failure'],
    ] as const) {
      expect(fires(e, wazuhLine(file, text)), text).toEqual([]);
    }
  });

  const owlhConn = JSON.parse(wazuhLine('owlh.ini', '"conn_state":"SH"')) as Record<
    string,
    unknown
  >;
  const conn = (ms: number, dst: string, port: number, state = 'S0', src = '10.0.2.2'): string =>
    json({
      ...owlhConn,
      ts: ms / 1000,
      'id.orig_h': src,
      'id.resp_h': dst,
      'id.resp_p': port,
      conn_state: state,
    });

  it('marks unanswered Zeek connection attempts, not established ones', () => {
    const e = engine();
    expect(fires(e, wazuhLine('owlh.ini', '"conn_state":"SH"'))).toEqual([ID.zeekUnanswered]);
    expect(fires(e, conn(T0, '10.0.2.15', 22, 'REJ'))).toEqual([ID.zeekUnanswered]);
    expect(fires(e, conn(T0, '10.0.2.15', 22, 'SF'))).toEqual([]);
    for (const rec of zeekTsvAsJson(join(MODBUS_TSV, 'conn.log'), (i) => T0 / 1000 + i)) {
      expect(fires(e, json(rec))).not.toContain(ID.zeekUnanswered); // SF and OTH
    }
  });

  const asa = wazuhLine('cisco_asa.ini', 'Inbound TCP connection denied from 111.93.241.59');
  const asaDeny = (ms: number, dst: string, port = 1433, src = '111.93.241.59'): string =>
    `<162>${bsdTime(ms)} asa-dc1 ${asa
      .replace('111.93.241.59', src)
      .replace('116.6.127.122/1433', `${dst}/${port}`)}`;

  it('horizontal: 20 different hosts from one source within 5 min fire, 19 do not', () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      parse(asaDeny(T0 + i * 10_000, `10.42.${i}.10`)),
    );
    expect(events[0]!.fields['destination.ip']).toBe('10.42.0.10');
    expect(firedAt(correlate(engine(), events), ID.horizontalScan)).toEqual([19]);
    expect(firedAt(correlate(engine(), events.slice(0, 19)), ID.horizontalScan)).toEqual([]);
    // one host hit twenty times is not a sweep; twenty hosts over an hour are too slow
    const same = Array.from({ length: 20 }, (_, i) => parse(asaDeny(T0 + i * 1000, '10.42.0.10')));
    expect(firedAt(correlate(engine(), same), ID.horizontalScan)).toEqual([]);
    const slow = Array.from({ length: 20 }, (_, i) =>
      parse(asaDeny(T0 + i * 3 * 60_000, `10.42.${i}.10`)),
    );
    expect(firedAt(correlate(engine(), slow), ID.horizontalScan)).toEqual([]);
  });

  it('horizontal: firewall denies and Zeek attempts from one source add up', () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? parse(asaDeny(T0 + i * 5000, `10.42.${i}.10`, 502, '10.0.2.2'))
        : parse(conn(T0 + i * 5000, `10.42.${i}.10`, 502)),
    );
    expect(firedAt(correlate(engine(), events), ID.horizontalScan)).toEqual([19]);
  });

  it('vertical: 50 ports of one host within 5 min fire, 49 do not', () => {
    const drop = wazuhLine('iptables.ini', 'SFW2-INext-DROP-DEFLT');
    const line = (ms: number, port: number): string =>
      retime3164(drop, ms).replace(
        'PROTO=ICMP TYPE=8 CODE=0 ID=10466 SEQ=21229',
        `PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0`,
      );
    const events = Array.from({ length: 50 }, (_, i) => parse(line(T0 + i * 1000, 1000 + i)));
    expect(events[0]!.fields['destination.port']).toBe(1000);
    const out = correlate(engine(), events);
    expect(firedAt(out, ID.verticalScan)).toEqual([49]);
    expect(firedAt(out, ID.horizontalScan)).toEqual([]);
    expect(firedAt(correlate(engine(), events.slice(0, 49)), ID.verticalScan)).toEqual([]);
  });
});

describe('distributed floods against one host (firewall DoS anomaly logs)', () => {
  const real = wazuhLine('fortigate.ini', 'attack="tcp_syn_flood"');
  const flood = (ms: number, src: string, dst = '10.15.0.31'): ParsedEvent => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return parse(
      real
        .replace(
          /date=\S+ time=\S+/,
          `date=${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} time=${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
        )
        .replace(/srcip=\S+/, `srcip=${src}`)
        .replace(/dstip=\S+/, `dstip=${dst}`),
    );
  };
  const bots = Array.from({ length: 12 }, (_, i) => `198.18.${i}.${i + 7}`);

  it('marks the real FortiGate flood anomaly, not other anomalies', () => {
    const e = engine();
    expect(fires(e, real)).toEqual([ID.floodAnomaly]);
    // a dropped malformed packet is a firewall deny (port-scan building block), not a flood
    expect(fires(e, wazuhLine('fortigate.ini', 'attack="IP.Bad.Header"'))).toEqual([
      ID.firewallDenied,
    ]);
  });

  it('ten sources flooding one host within a minute fire; nine, or ten hosts, do not', () => {
    const ten = bots.slice(0, 10).map((b, i) => flood(T0 + i * 3000, b));
    expect(firedAt(correlate(engine(), ten), ID.distributedFlood)).toEqual([9]);
    expect(firedAt(correlate(engine(), ten.slice(0, 9)), ID.distributedFlood)).toEqual([]);
    const spread = bots.slice(0, 10).map((b, i) => flood(T0 + i * 3000, b, `10.15.0.${i + 1}`));
    expect(firedAt(correlate(engine(), spread), ID.distributedFlood)).toEqual([]);
    const oneBot = Array.from({ length: 12 }, (_, i) => flood(T0 + i * 1000, bots[0]!));
    expect(firedAt(correlate(engine(), oneBot), ID.distributedFlood)).toEqual([]);
  });
});

describe('a web service refusing many clients (webserver 503/429)', () => {
  const access = (ms: number, ip: string, status: number): string =>
    `<190>${new Date(ms).toISOString()} pay-gw-01 nginx: ${ip} - - [${clfTime(ms)}] "GET /checkout/TXN123 HTTP/1.1" ${status} 197 "-" "python-requests/2.31.0"`;
  const clients = (n: number) =>
    Array.from({ length: n }, (_, i) => `198.18.${Math.floor(i / 200)}.${(i % 200) + 1}`);

  it('marks 503 and 429 answers, not successes or client errors', () => {
    const e = engine();
    expect(fires(e, access(T0, '198.18.0.1', 503))).toEqual([ID.webRefusedForLoad]);
    expect(fires(e, access(T0, '198.18.0.1', 429))).toEqual([ID.webRefusedForLoad]);
    expect(fires(e, access(T0, '198.18.0.1', 200))).toEqual([]);
    expect(fires(e, access(T0, '198.18.0.1', 500))).toEqual([]);
  });

  it('fifty clients refused by one server within a minute fire; forty-nine or one client do not', () => {
    const fifty = clients(50).map((ip, i) => parse(access(T0 + i * 1000, ip, 503)));
    expect(firedAt(correlate(engine(), fifty), ID.webRefusingManyClients)).toEqual([49]);
    expect(firedAt(correlate(engine(), fifty.slice(0, 49)), ID.webRefusingManyClients)).toEqual([]);
    const one = Array.from({ length: 80 }, (_, i) =>
      parse(access(T0 + i * 500, '198.18.0.1', 503)),
    );
    expect(firedAt(correlate(engine(), one), ID.webRefusingManyClients)).toEqual([]);
    const slow = clients(50).map((ip, i) => parse(access(T0 + i * 2000, ip, 503)));
    expect(firedAt(correlate(engine(), slow), ID.webRefusingManyClients)).toEqual([]);
  });
});

describe('cameras calling the same internet host (Zeek conn, %camera_networks%)', () => {
  const conn = (ms: number, orig: string, resp = '203.0.113.66'): unknown =>
    parse(
      json({
        _path: 'conn',
        ts: ms / 1000,
        uid: `C${orig.replaceAll('.', '')}`,
        'id.orig_h': orig,
        'id.orig_p': 40_122,
        'id.resp_h': resp,
        'id.resp_p': 443,
        proto: 'tcp',
        service: 'ssl',
        orig_bytes: 900,
        resp_bytes: 2_400,
        conn_state: 'SF',
      }),
    );

  it('marks a camera reaching an internet address, not a camera talking inside or a server going out', () => {
    const e = engine();
    expect(ids(e.evaluate(conn(T0, '10.30.1.14')))).toEqual([ID.cameraInternet]);
    expect(ids(e.evaluate(conn(T0, '10.30.1.14', '10.20.1.11')))).toEqual([]);
    expect(ids(e.evaluate(conn(T0, '10.30.1.14', '100.64.3.9')))).toEqual([]);
    expect(ids(e.evaluate(conn(T0, '10.10.1.30')))).toEqual([]);
    expect(ids(engine({ placeholders: {} }).evaluate(conn(T0, '10.30.1.14')))).toEqual([]);
  });

  it('three cameras to one address within 15 min fire; two, or three addresses, do not', () => {
    const three = ['10.30.1.14', '10.30.2.40', '10.30.1.15'].map((ip, i) =>
      conn(T0 + i * 4 * 60_000, ip),
    );
    expect(firedAt(correlate(engine(), three), ID.camerasSameInternetHost)).toEqual([2]);
    expect(firedAt(correlate(engine(), three.slice(0, 2)), ID.camerasSameInternetHost)).toEqual([]);
    const apart = ['10.30.1.14', '10.30.2.40', '10.30.1.15'].map((ip, i) =>
      conn(T0 + i * 60_000, ip, `203.0.113.${i + 1}`),
    );
    expect(firedAt(correlate(engine(), apart), ID.camerasSameInternetHost)).toEqual([]);
    const oneCamera = Array.from({ length: 5 }, (_, i) => conn(T0 + i * 60_000, '10.30.1.14'));
    expect(firedAt(correlate(engine(), oneCamera), ID.camerasSameInternetHost)).toEqual([]);
  });
});

describe('large uploads to the internet (Zeek conn)', () => {
  const upload = (ms: number, bytes: number, orig = '10.10.3.21', resp = '203.0.113.80'): unknown =>
    parse(
      json({
        _path: 'conn',
        ts: ms / 1000,
        uid: 'CxUpload',
        'id.orig_h': orig,
        'id.orig_p': 51_000,
        'id.resp_h': resp,
        'id.resp_p': 443,
        proto: 'tcp',
        orig_bytes: bytes,
        resp_bytes: 8_000,
        conn_state: 'SF',
      }),
    );
  const MB = 1_000_000;

  it('marks an outbound connection carrying more than 1 MB out, not downloads or internal copies', () => {
    const e = engine();
    expect(ids(e.evaluate(upload(T0, 2 * MB)))).toEqual([ID.internetUpload]);
    expect(ids(e.evaluate(upload(T0, 900_000)))).toEqual([]);
    expect(ids(e.evaluate(upload(T0, 200 * MB, '10.10.3.21', '10.10.1.20')))).toEqual([]);
    expect(ids(e.evaluate(upload(T0, 200 * MB, '203.0.113.80', '10.10.3.21')))).toEqual([]);
  });

  it('more than 500 MB from one host within 30 min fires; 400 MB, or spread over hours, does not', () => {
    const chunks = Array.from({ length: 6 }, (_, i) => upload(T0 + i * 5 * 60_000, 100 * MB));
    expect(firedAt(correlate(engine(), chunks), ID.largeUpload)).toEqual([4]);
    expect(firedAt(correlate(engine(), chunks.slice(0, 4)), ID.largeUpload)).toEqual([]);
    const slow = Array.from({ length: 6 }, (_, i) => upload(T0 + i * 20 * 60_000, 100 * MB));
    expect(firedAt(correlate(engine(), slow), ID.largeUpload)).toEqual([]);
  });
});

describe('Modbus (Zeek modbus / modbus_detailed)', () => {
  it('real WRCCDC 2018 traffic: non-standard function codes are reconnaissance, nothing else fires', () => {
    const e = engine();
    const lines = zeekLines('modbus.json.gz');
    const counts: Record<string, number> = {};
    for (const l of lines) for (const id of fires(e, l)) counts[id] = (counts[id] ?? 0) + 1;
    // 223 × unknown-100 and 45 × unknown-34 from the red team; none from a listed master
    expect(counts).toEqual({ [ID.modbusRecon]: 268, [ID.icsUnlistedClient]: 268 });
  });

  const basic = zeekTsvAsJson(join(MODBUS_TSV, 'modbus.log'), (i) => T0 / 1000 + i, MODBUS_HEADER);

  it('ICSNPP baseline: writes, reconnaissance and the exception each go to their rule', () => {
    const e = engine({ placeholders: { scada_masters: ['127.0.0.1', '192.168.1.6'] } });
    const byFunc: Record<string, string[]> = {};
    for (const rec of basic) byFunc[String(rec.func)] = fires(e, json(rec));
    expect(byFunc).toEqual({
      READ_COILS: [],
      READ_DISCRETE_INPUTS: [],
      READ_HOLDING_REGISTERS: [],
      READ_INPUT_REGISTERS: [],
      WRITE_SINGLE_COIL: [ID.modbusWrite],
      WRITE_SINGLE_REGISTER: [ID.modbusWrite],
      READ_EXCEPTION_STATUS: [],
      DIAGNOSTICS: [],
      WRITE_MULTIPLE_COILS: [ID.modbusWrite],
      WRITE_MULTIPLE_REGISTERS: [ID.modbusWrite],
      REPORT_SLAVE_ID: [ID.modbusRecon],
      READ_FILE_RECORD: [],
      WRITE_FILE_RECORD: [ID.modbusWrite],
      MASK_WRITE_REGISTER: [ID.modbusWrite],
      READ_WRITE_MULTIPLE_REGISTERS: [ID.modbusWrite],
      READ_FIFO_QUEUE: [],
      ENCAP_INTERFACE_TRANSPORT: [ID.modbusRecon],
      READ_HOLDING_REGISTERS_EXCEPTION: [ID.modbusException],
    });
  });

  it('programming, firmware and Unity/UMAS function codes fire, reads do not', () => {
    const e = engine();
    const [real] = zeekLines('modbus.json.gz');
    const rec = JSON.parse(real!) as Record<string, unknown>;
    const from = { 'id.orig_h': '10.10.20.5' };
    for (const func of ['PROGRAM_UNITY', 'FIRMWARE_REPLACEMENT', 'PROGRAM_584_984']) {
      expect(fires(e, json({ ...rec, ...from, func })), func).toEqual([ID.modbusProgramming]);
    }
    expect(fires(e, json({ ...rec, ...from, func: 'READ_HOLDING_REGISTERS' }))).toEqual([]);
  });

  it('DIAGNOSTICS forcing listen-only mode fires; the real Return Diagnostic Register does not', () => {
    const e = engine({ placeholders: { scada_masters: ['127.0.0.1', '192.168.1.6'] } });
    const detailed = zeekTsvAsJson(join(MODBUS_TSV, 'modbus_detailed.log'), (i) => T0 / 1000 + i);
    const diag = detailed.find((r) => r.func === 'DIAGNOSTICS')!;
    expect(diag.request_subfunction_code).toBe('Return Diagnostic Register');
    expect(fires(e, json(diag))).toEqual([]);
    for (const sub of ['Force Listen Only Mode', 'Restart Communications Option']) {
      expect(fires(e, json({ ...diag, request_subfunction_code: sub })), sub).toEqual([
        ID.modbusDiagnostics,
      ]);
    }
    for (const rec of detailed) expect(fires(e, json(rec))).toEqual([]);
  });

  it('write burst: 20 writes to one PLC within 60 s fire, 19 or slow ones do not', () => {
    const write = basic.find((r) => r.func === 'WRITE_SINGLE_REGISTER')!;
    const at = (ms: number): ParsedEvent => parse(json({ ...write, ts: ms / 1000 }));
    const burst = Array.from({ length: 20 }, (_, i) => at(T0 + i * 1000));
    expect(firedAt(correlate(engine(), burst), ID.modbusWriteBurst)).toEqual([19]);
    expect(firedAt(correlate(engine(), burst.slice(0, 19)), ID.modbusWriteBurst)).toEqual([]);
    const slow = Array.from({ length: 20 }, (_, i) => at(T0 + i * 5000));
    expect(firedAt(correlate(engine(), slow), ID.modbusWriteBurst)).toEqual([]);
  });

  it('exception burst: 10 exceptions to one client within 60 s fire, 9 do not', () => {
    const exc = basic.find((r) => r.exception === 'ILLEGAL_DATA_ADDRESS')!;
    const at = (ms: number): ParsedEvent => parse(json({ ...exc, ts: ms / 1000 }));
    const burst = Array.from({ length: 10 }, (_, i) => at(T0 + i * 3000));
    expect(firedAt(correlate(engine(), burst), ID.modbusExceptionBurst)).toEqual([9]);
    expect(firedAt(correlate(engine(), burst.slice(0, 9)), ID.modbusExceptionBurst)).toEqual([]);
    const slow = Array.from({ length: 10 }, (_, i) => at(T0 + i * 10_000));
    expect(firedAt(correlate(engine(), slow), ID.modbusExceptionBurst)).toEqual([]);
  });
});

describe('DNP3 (Zeek dnp3)', () => {
  // 03:00 IST and 11:30 IST; the shipped maintenance window is 09:30-17:30 IST (UTC 4-11)
  const night = Date.parse('2026-11-24T21:30:00Z') / 1000;
  const day = Date.parse('2026-11-25T06:00:00Z') / 1000;
  const records = (start: number): Record<string, unknown>[] =>
    zeekTsvAsJson(join(DNP3_TSV, 'dnp3.log'), (i) => start + i * 0.5);

  it('OPERATE outside the maintenance window fires on exactly the real OPERATE requests', () => {
    const e = engine();
    const recs = records(night);
    const fired = recs.filter((r) => fires(e, json(r)).includes(ID.dnp3Control));
    const operate = recs.filter((r) => r.fc_request === 'OPERATE');
    expect(operate.length).toBeGreaterThan(50);
    expect(fired).toEqual(operate);
    // READ and SELECT never do
    expect(recs.some((r) => r.fc_request === 'SELECT')).toBe(true);
  });

  it('the same commands inside the maintenance window do not fire', () => {
    const e = engine();
    for (const r of records(day)) expect(fires(e, json(r))).not.toContain(ID.dnp3Control);
  });

  it('the window edges are whole UTC hours: 04:00-11:59 UTC (09:30-17:29 IST) is maintenance', () => {
    const e = engine();
    const operate = records(night).find((r) => r.fc_request === 'OPERATE')!;
    const at = (iso: string): string[] =>
      fires(e, json({ ...operate, ts: Date.parse(iso) / 1000 }));
    expect(at('2026-11-25T03:59:59Z')).toEqual([ID.dnp3Control]);
    expect(at('2026-11-25T04:00:00Z')).toEqual([]);
    expect(at('2026-11-25T11:59:59Z')).toEqual([]);
    expect(at('2026-11-25T12:00:00Z')).toEqual([ID.dnp3Control]);
  });

  it('restart commands outside the window fire too', () => {
    const e = engine();
    const [first] = records(night);
    for (const fc of ['COLD_RESTART', 'WARM_RESTART', 'DIRECT_OPERATE', 'STOP_APPL']) {
      expect(fires(e, json({ ...first, fc_request: fc, fc_reply: undefined })), fc).toEqual([
        ID.dnp3Control,
      ]);
    }
  });

  it('unsolicited responses fire on exactly the real UNSOLICITED_RESPONSE records', () => {
    const e = engine();
    const recs = records(day);
    const fired = recs.filter((r) => fires(e, json(r)).includes(ID.dnp3Unsolicited));
    const unsolicited = recs.filter((r) => r.fc_reply === 'UNSOLICITED_RESPONSE');
    expect(unsolicited.length).toBeGreaterThan(0);
    expect(fired).toEqual(unsolicited);
  });
});

describe('unlisted hosts talking to SCADA devices (%scada_masters%)', () => {
  const dnp3 = zeekTsvAsJson(join(DNP3_TSV, 'dnp3.log'), (i) => T0 / 1000 + i);
  const modbusConn = zeekTsvAsJson(join(MODBUS_TSV, 'conn.log'), (i) => T0 / 1000 + i);

  it('the listed DNP3 master stays quiet; Modbus clients not in the list fire', () => {
    const e = engine();
    for (const r of dnp3) expect(fires(e, json(r))).not.toContain(ID.icsUnlistedClient);
    // conn.log: 127.0.0.1 and 192.168.1.6 to port 502, neither is a master
    for (const r of modbusConn) expect(fires(e, json(r))).toContain(ID.icsUnlistedClient);
  });

  it('wildcards in the placeholder cover a subnet; non-ICS ports never fire', () => {
    const e = engine({ placeholders: { scada_masters: ['10.10.20.*', '127.0.0.1'] } });
    for (const r of [...dnp3, ...modbusConn]) {
      const hit = fires(e, json(r)).includes(ID.icsUnlistedClient);
      expect(hit).toBe(r['id.orig_h'] === '192.168.1.6');
    }
    for (const l of zeekLines('ssh.json.gz')) {
      expect(fires(e, l)).not.toContain(ID.icsUnlistedClient);
    }
  });

  it('with the placeholder unset, every host counts as unlisted (the stated default)', () => {
    const e = engine({ placeholders: {} });
    expect(fires(e, json(dnp3[0]))).toContain(ID.icsUnlistedClient);
  });
});

describe('CCTV / NVR default credentials', () => {
  // Zeek http.log of a Hikvision ISAPI login with HTTP::default_capture_password=T
  const http = (username: string, password: string, status = 200): string =>
    json({
      _path: 'http',
      ts: T0 / 1000,
      uid: 'CkV9yN3TrJc7fQ2m1a',
      'id.orig_h': '10.50.3.77',
      'id.orig_p': 51544,
      'id.resp_h': '10.60.1.21',
      'id.resp_p': 80,
      trans_depth: 1,
      method: 'GET',
      host: '10.60.1.21',
      uri: '/ISAPI/Security/userCheck',
      version: '1.1',
      user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      request_body_len: 0,
      response_body_len: 102,
      status_code: status,
      status_msg: status === 200 ? 'OK' : 'Unauthorized',
      username,
      password,
      tags: [],
    });
  const ftp = JSON.parse(zeekLines('ftp.json.gz')[0]!) as Record<string, unknown>;

  it('fires on vendor default pairs that logged in, over HTTP and FTP', () => {
    const e = engine();
    expect(fires(e, http('admin', '12345'))).toEqual([ID.cctvDefaultCreds]);
    expect(fires(e, http('888888', '888888'))).toEqual([ID.cctvDefaultCreds]);
    expect(fires(e, json({ ...ftp, user: 'root', password: 'xc3511' }))).toEqual([
      ID.cctvDefaultCreds,
    ]);
  });

  it('stays quiet on refused defaults, strong passwords and the real anonymous FTP log', () => {
    const e = engine();
    expect(fires(e, http('admin', '12345', 401))).toEqual([]);
    expect(fires(e, http('admin', 'Vr7#kq2!Lm9p'))).toEqual([]);
    expect(fires(e, http('operator', 'admin'))).toEqual([]);
    expect(fires(e, json({ ...ftp, user: 'root', password: 'xc3511', reply_code: 530 }))).toEqual(
      [],
    );
    for (const l of zeekLines('ftp.json.gz')) expect(fires(e, l)).toEqual([]);
  });

  it('fires on Dropbear password and BusyBox telnet logins of built-in accounts', () => {
    const e = engine();
    expect(
      fires(
        e,
        "<38>Nov 25 03:12:09 cam-ward12-jn04 dropbear[1187]: Password auth succeeded for 'root' from 10.44.7.19:40012",
      ),
    ).toEqual([ID.cctvShellLogin]);
    expect(fires(e, "<38>Nov 25 03:14:51 nvr-ward12 login[812]: root login on 'pts/0'")).toEqual([
      ID.cctvShellLogin,
    ]);
    expect(
      fires(
        e,
        "<38>Nov 25 03:15:02 dvr-ghatkopar dropbear[522]: Password auth succeeded for '888888' from 10.44.7.19:40117",
      ),
    ).toEqual([ID.cctvShellLogin]);
  });

  it('stays quiet on the real Dropbear failures and key logins, and on util-linux console logins', () => {
    const e = engine();
    const lines = wazuhLines('dropbear.ini');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(fires(e, l), l).toEqual([]);
    expect(fires(e, '<38>Nov 25 09:01:44 srv-ptax-01 login[2210]: ROOT LOGIN  ON tty1')).toEqual(
      [],
    );
    expect(
      fires(
        e,
        "<38>Nov 25 09:02:10 cam-ward12-jn04 dropbear[1190]: Password auth succeeded for 'svc_vms' from 10.44.1.5:50122",
      ),
    ).toEqual([]);
  });
});

describe('e-governance web portals (webserver)', () => {
  const access = (ms: number, request: string, status: number, ip = '203.0.113.45'): string =>
    `${ip} - - [${clfTime(ms)}] "${request} HTTP/1.1" ${status} 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"`;

  it('defacement: a successful PUT/DELETE of an index page or a "hacked by" URI fires', () => {
    const e = engine();
    expect(fires(e, access(T0, 'PUT /index.html', 201))).toEqual([ID.webDefacement]);
    expect(fires(e, access(T0, 'DELETE /', 204))).toEqual([ID.webDefacement]);
    // a PHP page written with PUT is both a defacement and a script upload
    expect(fires(e, access(T0, 'PUT /propertytax/index.php', 200))).toEqual([
      ID.webDefacement,
      ID.webShell,
    ]);
    expect(fires(e, access(T0, 'GET /images/hacked%20by%20xyz_team.jpg', 404))).toEqual([
      ID.webDefacement,
    ]);
  });

  it('defacement: refused PUTs and ordinary page views stay quiet', () => {
    const e = engine();
    expect(fires(e, access(T0, 'PUT /index.html', 405))).toEqual([]);
    expect(fires(e, access(T0, 'GET /index.html', 200))).toEqual([]);
    expect(fires(e, access(T0, 'POST /index.php?route=certificate/apply', 200))).toEqual([]);
    expect(fires(e, wazuhLine('web_appsec.ini', '"GET /index.html? HTTP/1.1" 200'))).toEqual([]);
  });

  it('web shell: a script PUT or served from an upload folder fires; documents do not', () => {
    const e = engine();
    expect(fires(e, access(T0, 'PUT /uploads/cmd.jsp/', 201))).toEqual([ID.webShell]);
    expect(fires(e, access(T0, 'GET /uploads/certificates/2026/up.php?cmd=id', 200))).toEqual([
      ID.webShell,
    ]);
    expect(fires(e, access(T0, 'GET /uploads/certificates/2026/birth_1187.pdf', 200))).toEqual([]);
    expect(fires(e, access(T0, 'GET /uploads/certificates/2026/up.php', 404))).toEqual([]);
    expect(fires(e, access(T0, 'GET /index.php', 200))).toEqual([]);
    expect(fires(e, wazuhLine('web_appsec.ini', 'example/shell.php?cmd='))).toEqual([]);
  });

  it('probing: the real refused admin and sensitive-file requests are marked, allowed ones not', () => {
    const e = engine();
    for (const text of [
      'GET /phpMyAdmin/scripts/setup.php',
      'GET /db/config.php.bak',
      'GET /db/.htaccess',
      'GET /server-status',
      'GET /.ssh',
      'POST /admin/example.php/login.php',
    ]) {
      expect(fires(e, wazuhLine('web_appsec.ini', text)), text).toEqual([ID.webProbe]);
    }
    for (const text of ['"POST /wp-admin HTTP/1.1" 200', '"POST /admin HTTP/1.1" 200']) {
      expect(fires(e, wazuhLine('web_appsec.ini', text)), text).toEqual([]);
    }
    expect(fires(e, wazuhLine('web_appsec.ini', 'POST /wp-comments-post.php'))).toEqual([]);
  });

  const probes = [
    '/wp-login.php',
    '/phpmyadmin/index.php',
    '/.env',
    '/.git/config',
    '/admin/login.php',
    '/backup.sql',
    '/server-status',
    '/manager/html',
    '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
  ];

  it('probing burst: 8 different probe paths from one client within 5 min fire, 7 do not', () => {
    const events = probes.map((p, i) => parse(access(T0 + i * 20_000, `GET ${p}`, 404)));
    const out = correlate(engine(), events);
    expect(firedAt(out, ID.webProbeBurst)).toEqual([7]);
    expect(firedAt(correlate(engine(), events.slice(0, 7)), ID.webProbeBurst)).toEqual([]);
  });

  it('probing burst: one path repeated, slow probing, or many clients do not fire', () => {
    const same = Array.from({ length: 20 }, (_, i) =>
      parse(access(T0 + i * 5000, 'GET /wp-login.php', 404)),
    );
    expect(firedAt(correlate(engine(), same), ID.webProbeBurst)).toEqual([]);
    const slow = probes.map((p, i) => parse(access(T0 + i * 60_000, `GET ${p}`, 404)));
    expect(firedAt(correlate(engine(), slow), ID.webProbeBurst)).toEqual([]);
    const many = probes.map((p, i) =>
      parse(access(T0 + i * 1000, `GET ${p}`, 404, `198.51.100.${i + 1}`)),
    );
    expect(firedAt(correlate(engine(), many), ID.webProbeBurst)).toEqual([]);
  });
});

describe('Suricata high-severity alerts (real EVE samples)', () => {
  const dir = join(DATA, 'suricata-eve/samples');
  const samples = ['first-org-conf-2015', 'honeypot-2018', 'wrccdc-2017', 'wrccdc-2018'];

  it('severity 1 and 2 alerts go to their rule; severity 3 stays quiet', () => {
    const e = engine();
    let checked = 0;
    for (const sample of samples) {
      const alerts = JSON.parse(readFileSync(join(dir, sample, 'alerts-only.json'), 'utf8')) as {
        alert: { severity: number };
      }[];
      for (const a of alerts) {
        const expected =
          a.alert.severity === 1
            ? [ID.suricataSev1]
            : a.alert.severity === 2
              ? [ID.suricataSev2]
              : [];
        expect(fires(e, json(a))).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBe(548);
  });
});
