import { describe, expect, it } from 'vitest';
import { CERT_IN_INCIDENT_TYPES, clockWarningsBetween, dutiesFor, legalClocks } from './legal.js';
import { statusChangeProblem } from './lifecycle.js';

const noticed = '2026-11-25T03:00:00.000Z';
const at = (iso: string) => new Date(iso);

describe('legal clocks', () => {
  it('lists the twenty Annexure I types once each', () => {
    expect(CERT_IN_INCIDENT_TYPES).toHaveLength(20);
    expect(new Set(CERT_IN_INCIDENT_TYPES.map((t) => t.code)).size).toBe(20);
  });

  it('a CERT-In type starts a 6-hour clock from when the incident was noticed', () => {
    const incident = {
      certInType: 'unauthorised-access' as const,
      personalDataBreach: false,
      noticedAt: noticed,
      reports: [],
    };
    const [clock] = legalClocks(incident, at('2026-11-25T04:00:00Z'));
    expect(clock).toMatchObject({
      duty: 'cert-in',
      dueAt: '2026-11-25T09:00:00.000Z',
      // the first of the default warnings, 60 and 15 minutes before
      warningAt: '2026-11-25T08:00:00.000Z',
      state: 'running',
      statutoryDeadline: true,
    });
    expect(clock!.remainingMs).toBe(5 * 3_600_000);
    expect(legalClocks(incident, at('2026-11-25T08:30:00Z'))[0]!.state).toBe('warning');
    expect(legalClocks(incident, at('2026-11-25T09:00:00Z'))[0]!.state).toBe('overdue');
  });

  it('a personal-data breach starts the DPDP clocks; "without delay" uses the city target', () => {
    expect(dutiesFor({ certInType: null, personalDataBreach: true })).toEqual([
      'dpdp-board-intimation',
      'dpdp-principals',
      'dpdp-board-report',
    ]);
    const clocks = legalClocks(
      { certInType: 'data-breach', personalDataBreach: true, noticedAt: noticed, reports: [] },
      at(noticed),
      { withoutDelayTargetHours: 2, warnBeforeMinutes: [30] },
    );
    expect(clocks[0]!.warningAt).toBe('2026-11-25T08:30:00.000Z');
    expect(clocks.map((c) => [c.duty, c.dueAt, c.statutoryDeadline])).toEqual([
      ['cert-in', '2026-11-25T09:00:00.000Z', true],
      ['dpdp-board-intimation', '2026-11-25T05:00:00.000Z', false],
      ['dpdp-principals', '2026-11-25T05:00:00.000Z', false],
      ['dpdp-board-report', '2026-11-28T03:00:00.000Z', true],
    ]);
  });

  it('records when the report was sent, on time or late', () => {
    const base = { certInType: 'dos-ddos' as const, personalDataBreach: false, noticedAt: noticed };
    const onTime = legalClocks(
      {
        ...base,
        reports: [
          {
            duty: 'cert-in',
            reportedAt: '2026-11-25T08:59:00Z',
            reportedBy: 'asha',
            reference: 'CERTIn-123',
          },
        ],
      },
      at('2026-11-25T12:00:00Z'),
    );
    expect(onTime[0]).toMatchObject({
      state: 'met',
      remainingMs: null,
      reportedBy: 'asha',
      reference: 'CERTIn-123',
    });
    const late = legalClocks(
      {
        ...base,
        reports: [
          {
            duty: 'cert-in',
            reportedAt: '2026-11-25T10:00:00Z',
            reportedBy: 'asha',
            reference: null,
          },
        ],
      },
      at('2026-11-25T12:00:00Z'),
    );
    expect(late[0]!.state).toBe('met-late');
  });

  it('warns once per threshold crossed and when the clock runs out', () => {
    const clocks = legalClocks(
      { certInType: 'iot-attack', personalDataBreach: false, noticedAt: noticed, reports: [] },
      at(noticed),
    );
    expect(
      clockWarningsBetween(clocks, at('2026-11-25T07:00:00Z'), at('2026-11-25T07:59:59Z')),
    ).toEqual([]);
    expect(
      clockWarningsBetween(clocks, at('2026-11-25T07:59:59Z'), at('2026-11-25T08:00:00Z')),
    ).toEqual([{ duty: 'cert-in', minutesLeft: 60, dueAt: '2026-11-25T09:00:00.000Z' }]);
    expect(
      clockWarningsBetween(clocks, at('2026-11-25T08:00:00Z'), at('2026-11-25T09:30:00Z')).map(
        (w) => w.minutesLeft,
      ),
    ).toEqual([15, 0]);
  });
});

describe('incident lifecycle', () => {
  it('needs a resolution to close and only then', () => {
    expect(statusChangeProblem('triage', 'closed', null)).toMatch(/resolution/);
    expect(statusChangeProblem('triage', 'closed', 'false_positive')).toBeNull();
    expect(statusChangeProblem('triage', 'contained', 'resolved')).toMatch(/only when closing/);
    expect(statusChangeProblem('closed', 'triage', null)).toBeNull();
    expect(statusChangeProblem('triage', 'new', null)).toMatch(/cannot go back/);
  });
});
