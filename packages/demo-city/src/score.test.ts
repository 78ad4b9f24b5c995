import { describe, expect, it } from 'vitest';
import { RULES } from './rules.js';
import type { ScenarioRun } from './scenario.js';
import { scoreScenario, type ObservedAlert, type ObservedIncident } from './score.js';

const START = 1_000_000;

const run: ScenarioRun = {
  name: 'example',
  title: 'An example attack',
  steps: [],
  indicators: [],
  expected: [
    {
      key: 'burst',
      match: { kind: 'rule', rule: RULES.sshBruteForce },
      assets: ['srv-1'],
      per: 'one',
    },
    {
      key: 'c2',
      match: { kind: 'indicator', value: '203.0.113.9', level: 'high' },
      assets: ['cam-1', 'cam-2'],
      per: 'each',
    },
    {
      key: 'ransom',
      match: { kind: 'rule', rule: RULES.shadowCopyDeletion },
      assets: ['vms-1'],
      per: 'one',
    },
  ],
  expectedIncidents: [
    {
      key: 'one',
      summary: 'all of it',
      alerts: ['burst', 'c2'],
      certInType: 'unauthorised-access',
    },
  ],
};

let n = 0;
function alert(over: Partial<ObservedAlert>): ObservedAlert {
  n++;
  return {
    id: `a${n}`,
    kind: 'correlation',
    ruleId: RULES.sshBruteForce.id,
    ruleTitle: RULES.sshBruteForce.title,
    level: 'high',
    severity: 'high',
    asset: 'srv-1',
    indicator: null,
    seenAtMs: START + 4_000,
    // the server's clock runs an hour behind the drill's
    createdAtMs: (over.seenAtMs ?? START + 4_000) - 3_600_000,
    ...over,
  };
}
const indicator = (asset: string, seenAtMs: number) =>
  alert({ kind: 'indicator', ruleId: 'indicator:x', indicator: '203.0.113.9', asset, seenAtMs });

describe('scoring a drill', () => {
  const loaded = new Set([RULES.sshBruteForce.id, RULES.shadowCopyDeletion.id]);

  it('counts a scenario detected when every expected alert is there, and says how fast', () => {
    const alerts = [
      alert({}),
      indicator('cam-2', START + 9_000),
      indicator('cam-1', START + 7_500),
      alert({
        kind: 'sigma',
        ruleId: RULES.shadowCopyDeletion.id,
        asset: 'vms-1',
        seenAtMs: START + 2_000,
      }),
    ];
    const score = scoreScenario(run, {
      startMs: START,
      alerts,
      loadedRules: loaded,
      incidents: null,
    });
    expect(score.verdict).toBe('detected');
    expect(score.expectations.map((e) => [e.key, e.status, e.found, e.timeToAlertMs])).toEqual([
      ['burst', 'detected', 1, 4_000],
      ['c2', 'detected', 2, 7_500],
      ['ransom', 'detected', 1, 2_000],
    ]);
    expect(score.unexpectedHigh).toEqual([]);
    expect(score.incidents).toEqual([
      {
        key: 'one',
        summary: 'all of it',
        status: 'not-checked',
        incidents: [],
        timeToIncidentMs: null,
        problems: [],
      },
    ]);
  });

  it('names the assets a per-device expectation is still missing, and calls it partial', () => {
    const score = scoreScenario(run, {
      startMs: START,
      alerts: [alert({}), indicator('cam-1', START + 1)],
      loadedRules: loaded,
      incidents: null,
    });
    expect(score.verdict).toBe('partly-detected');
    const c2 = score.expectations.find((e) => e.key === 'c2')!;
    expect([c2.status, c2.missingAssets]).toEqual(['partial', ['cam-2']]);
    expect(score.expectations.find((e) => e.key === 'ransom')!.status).toBe('missed');
  });

  it('does not fail a scenario for a rule the server does not have, but says so', () => {
    const score = scoreScenario(run, {
      startMs: START,
      alerts: [alert({}), indicator('cam-1', START), indicator('cam-2', START)],
      loadedRules: new Set([RULES.sshBruteForce.id]),
      incidents: null,
    });
    expect(score.verdict).toBe('detected');
    expect(score.expectations.find((e) => e.key === 'ransom')!.status).toBe('not-loaded');
    const nothing = scoreScenario(
      { ...run, expected: run.expected.filter((e) => e.key === 'ransom') },
      { startMs: START, alerts: [], loadedRules: new Set(), incidents: null },
    );
    expect(nothing.verdict).toBe('not-scored');
  });

  it('reports high alerts the ground truth does not name, and right rules on wrong assets', () => {
    const stray = alert({
      id: 'stray',
      kind: 'sigma',
      ruleId: 'other',
      severity: 'critical',
      asset: 'srv-9',
    });
    const wrongAsset = alert({ id: 'wrong', asset: 'srv-2' });
    const low = alert({ id: 'low', kind: 'sigma', ruleId: 'noise', severity: 'low' });
    const score = scoreScenario(run, {
      startMs: START,
      alerts: [stray, wrongAsset, low],
      loadedRules: loaded,
      incidents: null,
    });
    expect(score.verdict).toBe('missed');
    expect(score.unexpectedHigh.map((a) => a.id)).toEqual(['stray', 'wrong']);
    expect(score.unexpectedOther.map((a) => a.id)).toEqual(['low']);
  });

  it('checks that the alerts end up in one incident with the right classification, and how fast', () => {
    const alerts = [
      alert({ id: 'b' }),
      indicator('cam-1', START + 1_000),
      indicator('cam-2', START + 1_500),
    ];
    const ids = alerts.map((a) => a.id);
    const incident = (over: Partial<ObservedIncident>): ObservedIncident => ({
      id: 'i1',
      number: 'INC-2026-0001',
      title: 'x',
      certInType: 'unauthorised-access',
      personalDataBreach: false,
      alertIds: ids,
      // opened 2 s after the server raised the first camera's alert, by the server's clock
      createdAtMs: START + 1_000 - 3_600_000 + 2_000,
      ...over,
    });
    const score = (incidents: ObservedIncident[]) =>
      scoreScenario(run, { startMs: START, alerts, loadedRules: loaded, incidents }).incidents[0]!;
    expect(score([incident({})])).toMatchObject({
      status: 'detected',
      incidents: ['INC-2026-0001'],
      timeToIncidentMs: 3_000,
      problems: [],
    });
    // an alert that joined an incident opened before it: in an incident as soon as seen
    expect(score([incident({ createdAtMs: START - 3_600_000 - 60_000 })]).timeToIncidentMs).toBe(
      1_000,
    );
    expect(
      score([
        incident({ alertIds: ids.slice(0, 1) }),
        incident({ id: 'i2', number: 'INC-2026-0002', alertIds: ids.slice(1) }),
      ]),
    ).toMatchObject({ status: 'split', incidents: ['INC-2026-0001', 'INC-2026-0002'] });
    expect(score([])).toMatchObject({ status: 'missed', timeToIncidentMs: null });
    // an incident an earlier attack of the drill is in: merged, not detected
    expect(
      scoreScenario(run, {
        startMs: START,
        alerts,
        loadedRules: loaded,
        incidents: [incident({})],
        earlierIncidents: new Map([['INC-2026-0001', 'water-plc-modbus']]),
      }).incidents[0],
    ).toMatchObject({
      status: 'merged',
      incidents: ['INC-2026-0001'],
      problems: ['INC-2026-0001 holds the water-plc-modbus attack too: one incident per attack'],
    });
    expect(score([incident({ certInType: null })]).problems).toEqual([
      'INC-2026-0001 is not classified for CERT-In yet; the ground truth says unauthorised-access',
    ]);
    expect(score([incident({ certInType: 'dos-ddos' })]).problems).toEqual([
      'INC-2026-0001 is classified dos-ddos for CERT-In; the ground truth says unauthorised-access',
    ]);
  });
});
