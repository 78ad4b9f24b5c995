import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from './store.js';
import {
  AlertInOpenIncidentError,
  type NewIncident,
  type ObservableSighting,
} from './incident-repositories.js';

let store: Store;
const at = '2026-11-25T10:00:00.000Z';
const later = '2026-11-25T11:00:00.000Z';

async function user(id: string, username: string, department: string | null = null) {
  await store.users.insert({
    id,
    username,
    displayName: username,
    role: 'owner',
    department,
    passwordHash: 'h',
    disabled: false,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
  });
}

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  await user('u-water', 'water', 'Water');
  await user('u-asha', 'asha', 'SOC');
  await store.assets.write({
    insertAssets: ['scada-01', 'portal-01'].map((name) => ({
      id: `a-${name}`,
      name,
      kind: 'server',
      zone: 'it',
      department: null,
      ownerId: name === 'scada-01' ? 'u-water' : null,
      criticality: 3,
      description: null,
      vendor: null,
      product: null,
      version: null,
      cpe: null,
      ward: null,
      site: null,
      latitude: null,
      longitude: null,
      tags: [],
      personalData: false,
      internetExposed: false,
      status: 'active',
      source: 'manual',
      osGuess: null,
      openServices: [],
      firstSeen: null,
      lastSeen: null,
      addresses: [],
      createdBy: 'test',
      createdAt: at,
      updatedBy: 'test',
      updatedAt: at,
    })),
  });
});
afterEach(() => store.close());

function incident(id: string, over: Partial<NewIncident> = {}): NewIncident {
  return {
    id,
    title: `Incident ${id}`,
    description: null,
    severity: 'high',
    status: 'new',
    ownerId: null,
    certInType: null,
    personalDataBreach: false,
    noticedAt: at,
    createdAt: at,
    createdBy: 'asha',
    ...over,
  };
}

const ip = (value: string, alertId: string | null, seenAt = at, eventSeqs: number[] = []) =>
  ({ type: 'ip', value, alertId, seenAt, eventSeqs, source: 'alert' }) as ObservableSighting;

describe('incidents', () => {
  it('numbers incidents per year, and finds them by number in any case', async () => {
    const a = await store.incidents.create(incident('i1'));
    const b = await store.incidents.create(incident('i2'));
    const c = await store.incidents.create(incident('i3', { createdAt: '2027-01-01T00:00:00Z' }));
    expect([a.number, b.number, c.number]).toEqual([
      'INC-2026-0001',
      'INC-2026-0002',
      'INC-2027-0001',
    ]);
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect((await store.incidents.getByNumber('inc-2026-0002'))?.id).toBe('i2');
  });

  it('keeps an alert in one open incident at a time, and writes nothing on a conflict', async () => {
    await store.incidents.create(incident('i1'), { addAlerts: ['al-1', 'al-2'] });
    const refused = await store.incidents
      .create(incident('i2'), { addAlerts: ['al-3', 'al-2'] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AlertInOpenIncidentError);
    expect((refused as AlertInOpenIncidentError).conflicts).toEqual([
      { alertId: 'al-2', incidentId: 'i1', number: 'INC-2026-0001' },
    ]);
    expect(await store.incidents.get('i2')).toBeUndefined();
    // once the first incident is closed its alerts may join another
    await store.incidents.change('i1', { at, by: 'asha', patch: { status: 'closed' } });
    await store.incidents.create(incident('i2'), { addAlerts: ['al-2'] });
    expect((await store.incidents.incidentsOfAlerts(['al-2'])).get('al-2')).toHaveLength(2);
  });

  it('merges sightings of one observable, widening when and where it was seen', async () => {
    await store.incidents.create(incident('i1'), {
      addAlerts: ['al-1', 'al-2'],
      observables: [ip('203.0.113.9', 'al-1', at, [3, 1]), ip('203.0.113.9', 'al-2', later, [7])],
    });
    const [obs] = (await store.incidents.links('i1')).observables;
    expect(obs).toMatchObject({
      type: 'ip',
      value: '203.0.113.9',
      firstSeen: at,
      lastSeen: later,
      alertIds: ['al-1', 'al-2'],
      eventSeqs: [1, 3, 7],
      source: 'alert',
    });
    // detaching an alert drops what only it brought
    await store.incidents.change('i1', { at, by: 'asha', removeAlerts: ['al-1'] });
    expect((await store.incidents.links('i1')).observables[0]?.alertIds).toEqual(['al-2']);
    await store.incidents.change('i1', { at, by: 'asha', removeAlerts: ['al-2'] });
    expect((await store.incidents.links('i1')).observables).toEqual([]);
  });

  it('lists with filters, and scopes a system owner to theirs, assigned or on their assets', async () => {
    await store.incidents.create(incident('i1', { severity: 'critical' }), {
      addAssets: [{ id: 'a-scada-01', source: 'alert' }],
    });
    await store.incidents.create(incident('i2', { ownerId: 'u-asha', title: 'Portal defaced' }));
    await store.incidents.create(incident('i3', { certInType: 'website-defacement' }), {
      setAssignees: ['u-water'],
      addAssets: [{ id: 'a-portal-01', source: 'manual' }],
    });
    const ids = async (q: Parameters<Store['incidents']['list']>[0]) =>
      (await store.incidents.list(q)).map((i) => i.id);
    expect(await ids({ limit: 10 })).toEqual(['i3', 'i2', 'i1']);
    expect(await ids({ limit: 10, severity: ['critical'] })).toEqual(['i1']);
    expect(await ids({ limit: 10, ownerId: 'u-asha' })).toEqual(['i2']);
    expect(await ids({ limit: 10, assigneeId: 'u-water' })).toEqual(['i3']);
    expect(await ids({ limit: 10, assetId: 'a-portal-01' })).toEqual(['i3']);
    expect(await ids({ limit: 10, text: 'defaced' })).toEqual(['i2']);
    expect(await ids({ limit: 10, text: '2026-0001' })).toEqual(['i1']);
    expect(await ids({ limit: 10, withDuties: true })).toEqual(['i3']);
    expect(await ids({ limit: 10, visibleTo: 'u-water' })).toEqual(['i3', 'i1']);
    expect(await ids({ limit: 1, beforeSeq: 3 })).toEqual(['i2']);
    const links = await store.incidents.links('i3');
    expect(links.assignees.map((a) => [a.username, a.department])).toEqual([['water', 'Water']]);
    expect(links.assets.map((a) => [a.name, a.source])).toEqual([['portal-01', 'manual']]);
  });

  it('finds open incidents touching an asset or observable', async () => {
    await store.incidents.create(incident('i1'), {
      addAssets: [{ id: 'a-scada-01', source: 'alert' }],
      observables: [ip('198.51.100.7', null)],
    });
    await store.incidents.create(incident('i2', { status: 'closed' }), {
      addAssets: [{ id: 'a-scada-01', source: 'alert' }],
    });
    expect(
      await store.incidents.openTouching({
        assetIds: ['a-scada-01'],
        observables: [{ type: 'ip', value: '198.51.100.7' }],
      }),
    ).toEqual([
      {
        incidentId: 'i1',
        shared: [
          { kind: 'asset', value: 'a-scada-01' },
          { kind: 'observable', type: 'ip', value: '198.51.100.7' },
        ],
      },
    ]);
  });

  it('merges one incident into another: everything moves, the duplicate closes pointing at it', async () => {
    await store.incidents.create(incident('a'), {
      addAlerts: ['al-1'],
      observables: [ip('203.0.113.9', 'al-1', later)],
    });
    await store.incidents.create(incident('b'), {
      addAlerts: ['al-2'],
      addAssets: [{ id: 'a-scada-01', source: 'alert' }],
      setAssignees: ['u-water'],
      observables: [ip('203.0.113.9', 'al-2', at), ip('10.0.0.5', 'al-2')],
    });
    await store.incidents.addTask({
      id: 't1',
      incidentId: 'b',
      title: 'Reset passwords',
      assigneeId: 'u-water',
      dueAt: null,
      status: 'open',
      createdAt: at,
      createdBy: 'asha',
    });
    await store.incidents.addNote({
      id: 'n1',
      incidentId: 'b',
      authorId: null,
      authorName: 'asha',
      text: 'same attacker',
      createdAt: at,
    });
    await store.incidents.reportDuty({
      incidentId: 'b',
      duty: 'cert-in',
      reportedAt: at,
      reportedBy: 'asha',
      reference: 'CERTIn-1',
      recordedAt: at,
    });
    await store.incidents.merge(
      'a',
      'b',
      { status: 'closed', resolution: 'duplicate', mergedIntoId: 'a', closedAt: later },
      later,
      'asha',
    );
    const links = await store.incidents.links('a');
    expect(links.alerts.map((l) => l.alertId)).toEqual(['al-1', 'al-2']);
    expect(links.assets.map((l) => l.assetId)).toEqual(['a-scada-01']);
    expect(links.assignees.map((l) => l.userId)).toEqual(['u-water']);
    expect(links.observables.map((o) => [o.value, o.alertIds, o.firstSeen, o.lastSeen])).toEqual([
      ['10.0.0.5', ['al-2'], at, at],
      ['203.0.113.9', ['al-1', 'al-2'], at, later],
    ]);
    expect((await store.incidents.tasks('a')).map((t) => t.id)).toEqual(['t1']);
    expect((await store.incidents.notes('a')).map((n) => n.id)).toEqual(['n1']);
    expect((await store.incidents.dutyReports(['a'])).map((r) => r.reference)).toEqual([
      'CERTIn-1',
    ]);
    expect(await store.incidents.get('b')).toMatchObject({
      status: 'closed',
      resolution: 'duplicate',
      mergedIntoId: 'a',
    });
    expect((await store.incidents.links('b')).alerts).toEqual([]);
    expect((await store.incidents.mergedInto('a')).map((i) => i.id)).toEqual(['b']);
  });

  it('splits chosen alerts out with the observables seen in them', async () => {
    await store.incidents.create(incident('a'), {
      addAlerts: ['al-1', 'al-2'],
      addAssets: [
        { id: 'a-scada-01', source: 'alert' },
        { id: 'a-portal-01', source: 'alert' },
      ],
      observables: [ip('203.0.113.9', 'al-1'), ip('203.0.113.9', 'al-2'), ip('10.0.0.5', 'al-2')],
    });
    const b = await store.incidents.split(
      'a',
      incident('b'),
      ['al-2'],
      { addAssets: [{ id: 'a-portal-01', source: 'alert' }] },
      { removeAssets: ['a-portal-01'] },
    );
    expect(b.number).toBe('INC-2026-0002');
    const [from, to] = [await store.incidents.links('a'), await store.incidents.links('b')];
    expect(from.alerts.map((l) => l.alertId)).toEqual(['al-1']);
    expect(to.alerts.map((l) => l.alertId)).toEqual(['al-2']);
    expect(from.assets.map((l) => l.assetId)).toEqual(['a-scada-01']);
    expect(to.assets.map((l) => l.assetId)).toEqual(['a-portal-01']);
    expect(from.observables.map((o) => [o.value, o.alertIds])).toEqual([['203.0.113.9', ['al-1']]]);
    expect(to.observables.map((o) => [o.value, o.alertIds])).toEqual([
      ['10.0.0.5', ['al-2']],
      ['203.0.113.9', ['al-2']],
    ]);
  });

  it('names the assets of many incidents at once, most critical first', async () => {
    await store.assets.write({ updateAssets: [{ id: 'a-portal-01', patch: { criticality: 5 } }] });
    await store.incidents.create(incident('a'), {
      addAssets: [
        { id: 'a-scada-01', source: 'alert' },
        { id: 'a-portal-01', source: 'manual' },
      ],
    });
    await store.incidents.create(incident('b'), {
      addAssets: [{ id: 'a-scada-01', source: 'alert' }],
    });
    await store.incidents.create(incident('c'));
    const assets = await store.incidents.assetsOfIncidents(['a', 'b', 'c']);
    expect(assets.get('a')).toEqual([
      { id: 'a-portal-01', name: 'portal-01', criticality: 5 },
      { id: 'a-scada-01', name: 'scada-01', criticality: 3 },
    ]);
    expect(assets.get('b')).toEqual([{ id: 'a-scada-01', name: 'scada-01', criticality: 3 }]);
    expect(assets.get('c')).toBeUndefined();
  });

  it('keeps evidence with an append-only chain of custody', async () => {
    await store.incidents.create(incident('i1'));
    await store.incidents.addEvidence(
      {
        id: 'e1',
        incidentId: 'i1',
        fileName: 'auth.log',
        size: 12,
        sha256: 'ab'.repeat(32),
        storedPath: 'evidence/ab/abab',
        mediaType: 'text/plain',
        uploadedBy: 'asha',
        uploadedAt: at,
      },
      {
        evidenceId: 'e1',
        action: 'uploaded',
        actorId: 'u-asha',
        actorName: 'asha',
        at,
        sha256Seen: 'ab'.repeat(32),
        outcome: 'ok',
        note: null,
      },
    );
    await store.incidents.addCustody([
      {
        evidenceId: 'e1',
        action: 'refused',
        actorId: null,
        actorName: 'water',
        at: later,
        sha256Seen: 'cd'.repeat(32),
        outcome: 'mismatch',
        note: null,
      },
    ]);
    expect((await store.incidents.evidence('i1')).map((e) => e.fileName)).toEqual(['auth.log']);
    expect((await store.incidents.custody(['e1'])).map((c) => [c.action, c.outcome])).toEqual([
      ['uploaded', 'ok'],
      ['refused', 'mismatch'],
    ]);
  });

  it('records proposals once, and attaching one dismisses the others of its alert', async () => {
    await store.incidents.create(incident('i1'));
    await store.incidents.create(incident('i2'));
    const reasons = [{ kind: 'asset' as const, value: 'a-scada-01', label: 'scada-01' }];
    const p = { reasons, status: 'open' as const, createdAt: at, alertId: 'al-9' };
    expect(await store.incidents.propose({ id: 'p1', incidentId: 'i1', ...p })).toBe(true);
    expect(await store.incidents.propose({ id: 'p1b', incidentId: 'i1', ...p })).toBe(false);
    expect(await store.incidents.propose({ id: 'p2', incidentId: 'i2', ...p })).toBe(true);
    await store.incidents.decideProposal('p1', 'accepted', later, 'asha');
    expect(
      (await store.incidents.proposals({ alertId: 'al-9' })).map((x) => [x.id, x.status]),
    ).toEqual([
      ['p1', 'accepted'],
      ['p2', 'dismissed'],
    ]);
  });

  it('reads the audit entries targeted at incidents, and keeps small state', async () => {
    for (const target of ['incident:i1', 'incident:i2', 'incident:i1'])
      await store.audit.append({
        at,
        actorKind: 'user',
        actorId: 'u-asha',
        actorName: 'asha',
        action: 'incident.note',
        target,
        outcome: 'success',
        ip: null,
        details: { text: target },
      });
    expect((await store.incidents.auditOf(['incident:i1'], 10)).map((e) => e.seq)).toEqual([1, 3]);
    expect(await store.incidents.state('tick')).toBeUndefined();
    await store.incidents.setState('tick', at, at);
    await store.incidents.setState('tick', later, later);
    expect(await store.incidents.state('tick')).toBe(later);
  });
});
