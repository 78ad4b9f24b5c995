/**
 * The incident service over a real SQLite store with a manual clock: the legal clocks across a
 * restart, the DPDP duties, and the pure parts (observables, severity and title, medians).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, SYSTEM_PRINCIPAL } from '@prahari/core';
import { Store, type AlertRecord, type EventRecord } from '@prahari/store';
import type { ConfigError } from '../../config/index.js';
import { loadConfig } from '../../config/index.js';
import { AssetService } from '../assets/service.js';
import { AuditService } from '../audit/service.js';
import { AlertService } from '../detection/alerts.js';
import { AlertStream } from '../detection/stream.js';
import { ImpactService } from '../impact/service.js';
import { median } from './metrics.js';
import { sightingsOf } from './observables.js';
import { buildTimeline } from './timeline.js';
import {
  IncidentService,
  incidentSettings,
  severityOfAlerts,
  titleOfAlerts,
  type IncidentSettings,
} from './service.js';

const T0 = Date.parse('2026-11-25T03:00:00.000Z');
const HOUR = 3_600_000;
const system = { principal: SYSTEM_PRINCIPAL, ip: null };

let store: Store;
let clock: ManualClock;
let dataDir: string;
const settings: IncidentSettings = incidentSettings(
  loadConfig({ cwd: tmpdir(), env: {}, flags: { 'incidents.withoutDelayTargetHours': 2 } }).config
    .incidents,
);

function service(changed: Partial<IncidentSettings> = {}): IncidentService {
  const audit = new AuditService(store.audit, clock);
  return new IncidentService(
    store,
    audit,
    new AlertService(store, new AlertStream(), audit, clock),
    new ImpactService(store, clock),
    clock,
    { ...settings, ...changed },
    dataDir,
    { error: (obj) => expect.fail(JSON.stringify(obj)) },
  );
}

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  clock = new ManualClock(T0);
  dataDir = mkdtempSync(join(tmpdir(), 'prahari-incidents-'));
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('legal clocks', () => {
  it('warn once per threshold across a restart: nothing repeated, nothing skipped', async () => {
    const first = service();
    await first.start(new AlertStream());
    const heard: number[] = [];
    first.onClockWarning((w) => heard.push(w.minutesLeft));
    const { incident } = await first.create(
      {
        title: 'Defaced property-tax portal',
        certInType: 'website-defacement',
        noticedAt: new Date(T0).toISOString(),
      },
      system,
    );
    clock.set(T0 + 5 * HOUR);
    expect((await first.tickClocks()).map((w) => w.minutesLeft)).toEqual([60]);
    await first.stop();

    // down across the 15-minute threshold; the restarted service catches it up, once
    const second = service();
    await second.start(new AlertStream());
    second.onClockWarning((w) => heard.push(w.minutesLeft));
    clock.set(T0 + 5 * HOUR + 50 * 60_000);
    expect(await second.tickClocks()).toEqual([
      expect.objectContaining({
        duty: 'cert-in',
        minutesLeft: 15,
        dueAt: new Date(T0 + 6 * HOUR).toISOString(),
        incident: expect.objectContaining({ number: incident.number }),
      }),
    ]);
    expect(await second.tickClocks()).toEqual([]);
    await second.stop();
    expect(heard).toEqual([60, 15]);
  });

  it("starts the DPDP clocks on a personal-data breach, 'without delay' at the city's target", async () => {
    const s = service();
    const created = await s.create(
      { title: 'Citizen records exposed', personalDataBreach: true },
      system,
    );
    expect(created.clocks.map((c) => [c.duty, c.dueAt, c.statutoryDeadline])).toEqual([
      ['dpdp-board-intimation', new Date(T0 + 2 * HOUR).toISOString(), false],
      ['dpdp-principals', new Date(T0 + 2 * HOUR).toISOString(), false],
      ['dpdp-board-report', new Date(T0 + 72 * HOUR).toISOString(), true],
    ]);
    clock.set(T0 + HOUR);
    const reported = await s.reportDuty(
      created.incident.id,
      'dpdp-board-intimation',
      { reference: 'DPB/2026/77' },
      system,
    );
    expect(reported.clocks[0]).toMatchObject({ state: 'met', reference: 'DPB/2026/77' });
    await expect(s.reportDuty(created.incident.id, 'cert-in', {}, system)).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      s.reportDuty(created.incident.id, 'dpdp-principals', { reportedAt: 'yesterday' }, system),
    ).rejects.toMatchObject({ status: 400, details: { field: 'reportedAt' } });
  });
});

describe('opening and changing', () => {
  it('names what is wrong: unknown alerts, types, people, statuses', async () => {
    const s = service();
    await expect(s.create({ alertIds: ['nope'] }, system)).rejects.toMatchObject({
      status: 400,
      details: { field: 'alertIds', missing: ['nope'] },
    });
    await expect(s.create({}, system)).rejects.toMatchObject({ details: { field: 'title' } });
    await expect(s.create({ title: 'x', certInType: 'hacking' }, system)).rejects.toMatchObject({
      details: { field: 'certInType' },
    });
    await expect(s.create({ title: 'x', owner: 'ghost' }, system)).rejects.toMatchObject({
      details: { field: 'owner' },
    });
    const { incident } = await s.create({ title: 'x' }, system);
    await expect(s.setStatus(incident.id, { status: 'closed' }, system)).rejects.toMatchObject({
      message: expect.stringMatching(/needs a resolution/),
    });
    const closed = await s.setStatus(
      incident.number,
      { status: 'closed', resolution: 'false_positive' },
      system,
    );
    const numbers = async (q: Partial<Parameters<IncidentService['list']>[0]>) =>
      (await s.list({ limit: 10, ...q }, system)).incidents.map((i) => i.number);
    expect(await numbers({ state: 'closed' })).toEqual([incident.number]);
    expect(await numbers({ state: 'open' })).toEqual([]);
    expect(await numbers({ state: 'closed', status: ['triage'] })).toEqual([]);
    await expect(numbers({ status: ['done'] })).rejects.toMatchObject({
      details: { field: 'status' },
    });
    expect(closed.incident).toMatchObject({
      status: 'closed',
      acknowledgedAt: closed.incident.closedAt,
    });
    await expect(
      s.addTask(incident.id, { title: 'late', dueAt: 'tomorrow' }, system),
    ).rejects.toMatchObject({ details: { field: 'dueAt' } });
  });
});

describe('what playbooks use', () => {
  it('assigns the owners of affected assets, adds tasks and finds the incident of an alert', async () => {
    const at = new Date(T0).toISOString();
    await store.users.insert({
      id: 'u-water',
      username: 'water',
      displayName: 'Water department',
      role: 'owner',
      department: 'Water',
      passwordHash: 'h',
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: at,
      updatedAt: at,
      lastLoginAt: null,
    });
    const s = service();
    await s.start(new AlertStream());
    const heard: [string, string | null | undefined, string | undefined][] = [];
    s.onChange((c) => heard.push([c.kind, c.assigneeId, c.task?.title]));
    await new AssetService(store, new AuditService(store.audit, clock), clock).create(system, {
      name: 'scada-water-01',
      kind: 'scada_server',
      owner: 'water',
    });
    const { incident } = await s.create(
      { title: 'Pump station', assets: ['scada-water-01'] },
      system,
    );
    heard.length = 0;
    expect(await s.assignOwnersOfAffectedAssets(incident.id, system)).toEqual(['u-water']);
    expect(await s.assignOwnersOfAffectedAssets(incident.id, system)).toEqual(['u-water']);
    await s.addTask(incident.id, { title: 'Check the PLC', assigneeId: 'u-water' }, system);
    expect(heard).toEqual([
      ['assigned', 'u-water', undefined],
      ['assigned', 'u-water', 'Check the PLC'],
    ]);

    const { opened } = await store.alerts.record(
      [
        {
          kind: 'sigma',
          ruleId: 'r-1',
          ruleTitle: 'Modbus write',
          level: 'high',
          logsource: { product: 'zeek' },
          tags: [],
          dedupeKey: 'k-1',
          groupFields: {},
          seenAt: at,
          sourceIp: '10.50.0.7',
          hostName: null,
          sourceName: null,
          userName: null,
          eventSeqs: [],
          matched: {},
          asset: null,
          severity: 'high',
        },
      ],
      { windowMs: 3_600_000, now: at, newId: () => 'alert-1' },
    );
    expect(opened.map((a) => a.id)).toEqual(['alert-1']);
    const first = await s.incidentForAlert('alert-1', system);
    expect(first.opened).toBe(true);
    expect(await s.incidentForAlert('alert-1', system)).toEqual({ id: first.id, opened: false });
    await s.stop();
  });
});

describe('opening incidents by itself (incidents.autoOpen.minSeverity)', () => {
  let n = 0;

  /** Records one alert on the asset (or from the address) and hands it to the stream. */
  async function alert(
    stream: AlertStream,
    a: { rule: string; severity: string; asset?: { id: string; name: string }; sourceIp?: string },
  ): Promise<AlertRecord> {
    n++;
    const { opened } = await store.alerts.record(
      [
        {
          kind: 'sigma',
          ruleId: `r-${a.rule}`,
          ruleTitle: a.rule,
          level: a.severity,
          logsource: { product: 'linux' },
          tags: [],
          dedupeKey: `k-${n}`,
          groupFields: {},
          seenAt: clock.now().toISOString(),
          sourceIp: a.sourceIp ?? null,
          hostName: null,
          sourceName: null,
          userName: null,
          eventSeqs: [],
          matched: {},
          asset: a.asset
            ? { ...a.asset, criticality: 4, zone: 'it', ownerId: null, ownerName: null }
            : null,
          severity: a.severity,
        },
      ],
      { windowMs: HOUR, now: clock.now().toISOString(), newId: () => `alert-${n}` },
    );
    stream.publish(opened);
    return opened[0]!;
  }

  async function register() {
    const assets = new AssetService(store, new AuditService(store.audit, clock), clock);
    const web = (await assets.create(system, { name: 'ptax-web-01', kind: 'web_application' }))
      .asset;
    const db = (await assets.create(system, { name: 'ptax-db-01', kind: 'database' })).asset;
    return { web, db };
  }

  const withAutoOpen = (
    minSeverity: IncidentSettings['autoOpen']['minSeverity'],
    autoAttach: Partial<IncidentSettings['autoAttach']> = {},
  ): Partial<IncidentSettings> => ({
    autoOpen: { minSeverity },
    autoAttach: { ...settings.autoAttach, ...autoAttach },
  });

  it('opens one incident for a burst of one attack, with the earlier lesser alerts on its asset', async () => {
    const { web, db } = await register();
    const s = service(withAutoOpen('high', { sameAsset: true, sameSourceIp: true }));
    const stream = new AlertStream();
    await s.start(stream);
    const probe = await alert(stream, {
      rule: 'Admin panel probes',
      severity: 'medium',
      asset: web,
    });
    await s.whenGroupingIdle();
    expect((await s.list({ limit: 10 }, system)).incidents).toEqual([]);

    clock.set(T0 + 5 * 60_000);
    const shell = await alert(stream, { rule: 'Web shell upload', severity: 'high', asset: web });
    // the rest of the attack: 50 alerts on the portal, and its database reached from the portal
    for (let i = 0; i < 50; i++)
      await alert(stream, { rule: `Defacement step ${i % 5}`, severity: 'critical', asset: web });
    await alert(stream, { rule: 'Bulk read', severity: 'high', asset: db, sourceIp: '10.1.2.3' });
    await alert(stream, { rule: 'Bulk read 2', severity: 'high', asset: db, sourceIp: '10.1.2.3' });
    await s.whenGroupingIdle();

    const { incidents } = await s.list({ limit: 10 }, system);
    expect(incidents.map((i) => [i.title, i.severity, i.createdBy])).toEqual([
      ['Bulk read on ptax-db-01', 'high', 'system'],
      ['Web shell upload on ptax-web-01', 'critical', 'system'],
    ]);
    const portal = await s.get(incidents[1]!.id);
    expect(portal.alerts.map((a) => a.id).sort()).toEqual(
      [probe.id, shell.id, ...Array.from({ length: 50 }, (_, i) => `alert-${i + 3}`)].sort(),
    );
    expect(portal.assets.map((a) => a.name)).toEqual(['ptax-web-01']);
    // noticed when the first alert of the attack was raised, so a classification runs the
    // CERT-In clock from then, as for any incident
    expect(portal.incident.noticedAt).toBe(probe.createdAt);
    expect(portal.clocks).toEqual([]);
    const classified = await s.update(
      portal.incident.id,
      { certInType: 'website-defacement' },
      system,
    );
    expect(classified.clocks.map((c) => [c.duty, c.dueAt])).toEqual([
      ['cert-in', new Date(Date.parse(probe.createdAt) + 6 * HOUR).toISOString()],
    ]);
    const audit = await store.audit.query({
      action: 'incident.auto-open',
      limit: 10,
      order: 'asc',
    });
    expect(audit.map((e) => [e.actorName, e.target])).toEqual([
      ['system', `incident:${portal.incident.id}`],
      ['system', `incident:${incidents[0]!.id}`],
    ]);
    expect(audit[0]!.details).toMatchObject({
      reason:
        'high alert Web shell upload, at or above incidents.autoOpen.minSeverity high, that no open incident takes',
      summary: expect.stringMatching(
        /^Automatically opened INC-2026-0001 \(\w+\): Web shell upload on ptax-web-01 from \d+ alert/,
      ),
    });
    await s.stop();
  });

  it('leaves the rest of a burst proposed for the incident when nothing attaches by rule', async () => {
    const { web } = await register();
    const s = service(withAutoOpen('high'));
    const stream = new AlertStream();
    await s.start(stream);
    await alert(stream, { rule: 'Medium thing', severity: 'medium', asset: web });
    const first = await alert(stream, { rule: 'Flood', severity: 'high', asset: web });
    for (let i = 0; i < 20; i++)
      await alert(stream, { rule: 'Flood', severity: 'high', asset: web });
    await s.whenGroupingIdle();
    const { incidents } = await s.list({ limit: 10 }, system);
    expect(incidents).toHaveLength(1);
    const d = await s.get(incidents[0]!.id);
    expect(d.alerts.map((a) => a.id)).toEqual([first.id]);
    expect(d.proposals).toHaveLength(20);
    await s.stop();
  });

  it('opens nothing when off (the default) or below the severity', async () => {
    const { web } = await register();
    expect(settings.autoOpen.minSeverity).toBe('off');
    for (const changed of [{}, withAutoOpen('critical', { sameAsset: true })]) {
      const s = service(changed);
      const stream = new AlertStream();
      await s.start(stream);
      await alert(stream, { rule: 'Web shell upload', severity: 'high', asset: web });
      await alert(stream, { rule: 'From outside', severity: 'high', sourceIp: '203.0.113.9' });
      await s.whenGroupingIdle();
      await s.stop();
      expect((await s.list({ limit: 10 }, system)).incidents).toEqual([]);
    }
  });
});

describe('observables', () => {
  const alert = {
    id: 'al-1',
    firstSeen: '2026-11-25T03:00:00.000Z',
    sourceIp: '203.0.113.9',
    userName: 'ravi@city.gov.in',
    hostName: 'WEB-01',
    matched: { 'url.original': 'http://evil.example/dl/x.exe' },
  } as unknown as AlertRecord;
  const event = (seq: number, eventTime: string, fields: Record<string, unknown>) =>
    ({ seq, eventTime, fields }) as unknown as EventRecord;

  it('reads addresses, names, URLs, hashes, users and hosts from the alert and its events', () => {
    const sightings = sightingsOf(alert, [
      event(7, '2026-11-25T02:59:00.000Z', {
        'source.ip': '203.0.113.9',
        'destination.ip': '10.10.1.5',
        'fileinfo.sha256': 'AB'.repeat(32),
        'dns.rrname': 'Evil.Example.',
        Hashes: 'SHA1=0123456789ABCDEF0123456789ABCDEF01234567,IMPHASH=FFFF',
        'user.name': 'svc-backup',
        'http.url': '/dl/x.exe',
      }),
      event(9, '2026-11-25T03:05:00.000Z', { 'source.ip': '203.0.113.9' }),
    ]);
    const seen = (type: string, value: string) =>
      sightings.filter((s) => s.type === type && s.value === value);
    expect(seen('ip', '203.0.113.9').map((s) => [s.seenAt, s.eventSeqs])).toEqual([
      ['2026-11-25T02:59:00.000Z', [7, 9]],
      ['2026-11-25T03:05:00.000Z', [7, 9]],
    ]);
    expect(seen('ip', '10.10.1.5')).toHaveLength(1);
    expect(seen('hash', 'ab'.repeat(32))).toHaveLength(1);
    expect(seen('hash', '0123456789abcdef0123456789abcdef01234567')).toHaveLength(1);
    expect(seen('domain', 'evil.example')).toHaveLength(1);
    expect(seen('url', 'http://evil.example/dl/x.exe')).toHaveLength(1);
    expect(seen('email', 'ravi@city.gov.in')).toHaveLength(1);
    expect(seen('user', 'svc-backup')).toHaveLength(1);
    expect(seen('host', 'web-01')).toHaveLength(1);
    // a bare path says nothing without its host, and IMPHASH is not a file hash
    expect(sightings.some((s) => s.value === '/dl/x.exe' || s.value === 'ffff')).toBe(false);
  });
});

describe('the pure parts', () => {
  it('takes the severity of the worst alert and a title from the rules', () => {
    expect(severityOfAlerts([{ severity: 'informational' }])).toBe('low');
    expect(severityOfAlerts([{ severity: 'medium' }, { severity: 'critical' }])).toBe('critical');
    expect(severityOfAlerts([])).toBe('low');
    expect(titleOfAlerts([{ ruleTitle: 'A' }, { ruleTitle: 'B' }, { ruleTitle: 'A' }])).toBe(
      'A and 1 more',
    );
  });

  it('orders the timeline, shows each audited action once and counts the events left out', () => {
    const timeline = buildTimeline({
      alerts: [],
      events: [
        {
          seq: 2,
          eventTime: '2026-11-25T03:00:02Z',
          message: 'second',
          fields: { 'host.name': 'web-1' },
        },
        { seq: 1, eventTime: '2026-11-25T03:00:01Z', message: 'first', fields: {} },
      ] as unknown as EventRecord[],
      eventsLeftOut: 48,
      actions: [
        {
          at: '2026-11-25T03:00:01Z',
          actorName: 'asha',
          action: 'incident.status',
          target: 'incident:b',
          details: { summary: 'Status new → triage' },
        },
        {
          at: '2026-11-25T03:00:03Z',
          actorName: 'asha',
          action: 'incident.note',
          target: 'incident:a',
          details: { summary: 'Note: x' },
        },
      ],
      notes: [],
      tasks: [],
      evidence: [],
      reports: [],
      mergedNumbers: new Map([['incident:b', 'INC-2026-0002']]),
    });
    expect(timeline.map((t) => [t.kind, t.by, t.text])).toEqual([
      ['event', null, 'first'],
      ['action', 'asha', '[INC-2026-0002] Status new → triage'],
      ['event', null, 'web-1: second'],
      ['event', null, '… and 48 more events of the attached alerts (see each alert)'],
    ]);
  });

  it('takes medians over what has happened', () => {
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null])).toBeNull();
  });

  it('refuses a wrong incidents setting by its key', () => {
    const issues = (() => {
      try {
        loadConfig({
          cwd: tmpdir(),
          env: { PRAHARI_INCIDENTS_WARN_BEFORE_MINUTES: '60,0' },
          flags: {
            'incidents.autoAttach.withinHours': 0,
            'incidents.autoOpen.minSeverity': 'severe',
          },
        });
      } catch (err) {
        return (err as ConfigError).issues;
      }
      return [];
    })();
    expect(issues.map((i) => [i.key, i.origin, i.allowed])).toEqual([
      [
        'incidents.warnBeforeMinutes.1',
        'environment PRAHARI_INCIDENTS_WARN_BEFORE_MINUTES',
        'a whole number from 1 to 4320',
      ],
      ['incidents.autoAttach.withinHours', 'command line', 'a whole number from 1 to 2160'],
      [
        'incidents.autoOpen.minSeverity',
        'command line',
        'one of "off", "low", "medium", "high", "critical"',
      ],
    ]);
  });
});
