/**
 * The legal reporting duties an incident can carry, and the clocks they start. Pure: the caller
 * passes the time it is now.
 *
 * - CERT-In Directions of 28 April 2022 (under s.70B(6) of the IT Act): the incident types of
 *   Annexure I are reported to CERT-In within 6 hours of noticing them or being told of them.
 * - Digital Personal Data Protection Act 2023 and the DPDP Rules 2025 (Rule 7): on becoming aware
 *   of a personal-data breach, the Data Fiduciary tells the Data Protection Board and each
 *   affected Data Principal without delay, and gives the Board the detailed report within 72
 *   hours. "Without delay" has no figure in law; the city sets its own target (a setting), shown
 *   as the city's target, never as a legal deadline.
 */

/** CERT-In Directions, Annexure I: the incidents that must be reported within 6 hours. */
export const CERT_IN_INCIDENT_TYPES = [
  {
    code: 'targeted-scanning',
    number: 'i',
    title: 'Targeted scanning/probing of critical networks/systems',
  },
  {
    code: 'critical-system-compromise',
    number: 'ii',
    title: 'Compromise of critical systems/information',
  },
  { code: 'unauthorised-access', number: 'iii', title: 'Unauthorised access of IT systems/data' },
  {
    code: 'website-defacement',
    number: 'iv',
    title:
      'Defacement of website or intrusion into a website and unauthorised changes such as inserting malicious code, links to external websites',
  },
  {
    code: 'malicious-code',
    number: 'v',
    title:
      'Malicious code attacks such as spreading of virus/worm/Trojan/bots/spyware/ransomware/cryptominers',
  },
  {
    code: 'server-attack',
    number: 'vi',
    title: 'Attack on servers such as database, mail and DNS and network devices such as routers',
  },
  {
    code: 'identity-theft-phishing',
    number: 'vii',
    title: 'Identity theft, spoofing and phishing attacks',
  },
  {
    code: 'dos-ddos',
    number: 'viii',
    title: 'Denial of Service (DoS) and Distributed Denial of Service (DDoS) attacks',
  },
  {
    code: 'critical-infrastructure',
    number: 'ix',
    title:
      'Attacks on critical infrastructure, SCADA and operational technology systems and wireless networks',
  },
  {
    code: 'application-attack',
    number: 'x',
    title: 'Attacks on applications such as e-governance, e-commerce',
  },
  { code: 'data-breach', number: 'xi', title: 'Data breach' },
  { code: 'data-leak', number: 'xii', title: 'Data leak' },
  {
    code: 'iot-attack',
    number: 'xiii',
    title:
      'Attacks on Internet of Things (IoT) devices and associated systems, networks, software, servers',
  },
  {
    code: 'digital-payments',
    number: 'xiv',
    title: 'Attacks or incidents affecting digital payment systems',
  },
  { code: 'malicious-mobile-app', number: 'xv', title: 'Attacks through malicious mobile apps' },
  { code: 'fake-mobile-app', number: 'xvi', title: 'Fake mobile apps' },
  {
    code: 'social-media-account',
    number: 'xvii',
    title: 'Unauthorised access to social media accounts',
  },
  {
    code: 'cloud',
    number: 'xviii',
    title:
      'Attacks or malicious/suspicious activities affecting cloud computing systems/servers/software/applications',
  },
  {
    code: 'emerging-tech',
    number: 'xix',
    title:
      'Attacks or malicious/suspicious activities affecting systems related to Big Data, blockchain, virtual assets and exchanges, custodian wallets, robotics, 3D and 4D printing, additive manufacturing, drones',
  },
  {
    code: 'ai-ml',
    number: 'xx',
    title:
      'Attacks or malicious/suspicious activities affecting systems/servers/software/applications related to Artificial Intelligence and Machine Learning',
  },
] as const;

export type CertInIncidentType = (typeof CERT_IN_INCIDENT_TYPES)[number]['code'];

export function isCertInIncidentType(value: unknown): value is CertInIncidentType {
  return CERT_IN_INCIDENT_TYPES.some((t) => t.code === value);
}

export function certInTypeTitle(code: CertInIncidentType): string {
  return CERT_IN_INCIDENT_TYPES.find((t) => t.code === code)!.title;
}

/** The duties, one clock each. */
export const LEGAL_DUTIES = {
  'cert-in': {
    title: 'Report to CERT-In',
    authority: 'CERT-In Directions of 28 April 2022, para (ii)',
    hours: 6,
    legal: true,
  },
  'dpdp-board-intimation': {
    title: 'Intimate the Data Protection Board',
    authority: 'DPDP Rules 2025, rule 7(2)(a): without delay',
    hours: null,
    legal: true,
  },
  'dpdp-principals': {
    title: 'Tell each affected Data Principal',
    authority: 'DPDP Rules 2025, rule 7(1): without delay',
    hours: null,
    legal: true,
  },
  'dpdp-board-report': {
    title: 'Detailed report to the Data Protection Board',
    authority: 'DPDP Rules 2025, rule 7(2)(b): within 72 hours',
    hours: 72,
    legal: true,
  },
} as const;

export type LegalDuty = keyof typeof LEGAL_DUTIES;
export const LEGAL_DUTY_NAMES = Object.keys(LEGAL_DUTIES) as LegalDuty[];

/** The duties an incident carries: CERT-In when it has an Annexure I type, DPDP on a personal-data breach. */
export function dutiesFor(incident: {
  certInType: CertInIncidentType | null;
  personalDataBreach: boolean;
}): LegalDuty[] {
  const duties: LegalDuty[] = [];
  if (incident.certInType) duties.push('cert-in');
  if (incident.personalDataBreach)
    duties.push('dpdp-board-intimation', 'dpdp-principals', 'dpdp-board-report');
  return duties;
}

export interface ClockSettings {
  /** the city's own target for a "without delay" duty, in hours */
  withoutDelayTargetHours: number;
  /** warn this many minutes before a deadline (each threshold warns once) */
  warnBeforeMinutes: readonly number[];
}

export const DEFAULT_CLOCK_SETTINGS: ClockSettings = {
  withoutDelayTargetHours: 6,
  warnBeforeMinutes: [60, 15],
};

export type ClockState = 'running' | 'warning' | 'overdue' | 'met' | 'met-late';

export interface LegalClock {
  duty: LegalDuty;
  title: string;
  authority: string;
  /** when the clock started: the incident's noticed time */
  startedAt: string;
  dueAt: string;
  /** when it turns to warning: the first of `warnBeforeMinutes` before the due time */
  warningAt: string;
  /** false when the due time is the city's target for a "without delay" duty */
  statutoryDeadline: boolean;
  state: ClockState;
  /** ms until due (negative once overdue); null once the report was sent */
  remainingMs: number | null;
  reportedAt: string | null;
  reportedBy: string | null;
  reference: string | null;
}

export interface DutyReport {
  duty: LegalDuty;
  reportedAt: string;
  reportedBy: string;
  reference: string | null;
}

/** The clocks of an incident, as they stand at `now`. */
export function legalClocks(
  incident: {
    certInType: CertInIncidentType | null;
    personalDataBreach: boolean;
    noticedAt: string;
    reports: readonly DutyReport[];
  },
  now: Date,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): LegalClock[] {
  const started = Date.parse(incident.noticedAt);
  const firstWarning = Math.max(0, ...settings.warnBeforeMinutes) * 60_000;
  return dutiesFor(incident).map((duty) => {
    const spec = LEGAL_DUTIES[duty];
    const hours = spec.hours ?? settings.withoutDelayTargetHours;
    const due = started + hours * 3_600_000;
    const report = incident.reports.find((r) => r.duty === duty) ?? null;
    let state: ClockState;
    if (report) state = Date.parse(report.reportedAt) <= due ? 'met' : 'met-late';
    else if (now.getTime() >= due) state = 'overdue';
    else if (due - now.getTime() <= firstWarning) state = 'warning';
    else state = 'running';
    return {
      duty,
      title: spec.title,
      authority: spec.authority,
      startedAt: new Date(started).toISOString(),
      dueAt: new Date(due).toISOString(),
      warningAt: new Date(due - firstWarning).toISOString(),
      statutoryDeadline: spec.hours !== null,
      state,
      remainingMs: report ? null : due - now.getTime(),
      reportedAt: report?.reportedAt ?? null,
      reportedBy: report?.reportedBy ?? null,
      reference: report?.reference ?? null,
    };
  });
}

/**
 * The warnings due between `since` (exclusive) and `now` (inclusive): one per clock and
 * threshold crossed, plus one when a clock runs out. A notifier calls this every tick with the
 * time of its previous tick, so each warning is sent once even across a restart that keeps `since`.
 */
export function clockWarningsBetween(
  clocks: readonly LegalClock[],
  since: Date,
  now: Date,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): { duty: LegalDuty; minutesLeft: number; dueAt: string }[] {
  const out: { duty: LegalDuty; minutesLeft: number; dueAt: string }[] = [];
  for (const clock of clocks) {
    if (clock.reportedAt) continue;
    const due = Date.parse(clock.dueAt);
    for (const minutes of [...settings.warnBeforeMinutes, 0]) {
      const at = due - minutes * 60_000;
      if (at > since.getTime() && at <= now.getTime())
        out.push({ duty: clock.duty, minutesLeft: minutes, dueAt: clock.dueAt });
    }
  }
  return out;
}
