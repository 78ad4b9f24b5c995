/** The parts several reports share, as document blocks and as the facts derived from the facts. */
import { CERT_IN_INCIDENT_TYPES, type LegalClock } from '@prahari/core';
import { missingReportingFields } from '../settings/service.js';
import type { Block } from './document.js';
import type { LogLine, ReportFacts } from './facts.js';
import {
  NOT_SET,
  citizenImpactText,
  criticalityText,
  duration,
  ist,
  istAndUtc,
  listText,
  locationText,
  minutesText,
  productText,
} from './format.js';

export const TIME_NOTE =
  'Times are India Standard Time (IST, UTC+05:30); the main times also give UTC.';

/** `Generated 2026-03-14 10:30:00 IST (05:00:00 UTC) by anjali • Prepared by Prahari` */
export function generatedLine(facts: ReportFacts): string {
  return `Generated ${istAndUtc(facts.generatedAt)} by ${facts.generatedBy} \u2022 Prepared by Prahari`;
}

/** The Annexure I entry of the incident's type, or null while it is not classified. */
export function certInType(facts: ReportFacts) {
  const code = facts.incident.certInType;
  return code === null ? null : CERT_IN_INCIDENT_TYPES.find((t) => t.code === code)!;
}

export function certInTypeText(facts: ReportFacts): string {
  const type = certInType(facts);
  return type
    ? `(${type.number}) ${type.title}`
    : 'Not classified under Annexure I of the CERT-In Directions';
}

/** Addresses the attack seems to come from: alert sources and IP observables not the city's own. */
export function suspectedSources(facts: ReportFacts): string[] {
  const own = new Set(facts.affectedSystems.flatMap((s) => s.ipAddresses));
  const seen = new Set<string>();
  for (const s of facts.symptoms) if (s.sourceIp) seen.add(s.sourceIp);
  for (const o of facts.observables) if (o.type === 'ip') seen.add(o.value);
  return [...seen].filter((ip) => !own.has(ip)).sort();
}

export function clockOf(facts: ReportFacts, duty: LegalClock['duty']): LegalClock | null {
  return facts.clocks.find((c) => c.duty === duty) ?? null;
}

/** Where a legal clock stands, in words. */
export function clockStatusText(clock: LegalClock): string {
  const left = clock.remainingMs ?? 0;
  switch (clock.state) {
    case 'running':
      return `running: ${duration(left)} left`;
    case 'warning':
      return `DUE SOON: ${duration(left)} left`;
    case 'overdue':
      return `OVERDUE by ${duration(left)}`;
    case 'met':
      return `met: reported ${ist(clock.reportedAt)} by ${clock.reportedBy ?? 'unknown'}`;
    case 'met-late': {
      const late = Date.parse(clock.reportedAt!) - Date.parse(clock.dueAt);
      return `met LATE: reported ${ist(clock.reportedAt)} by ${clock.reportedBy ?? 'unknown'}, ${duration(late)} after the deadline`;
    }
  }
}

export function missingSettingsBlocks(facts: ReportFacts): Block[] {
  const missing = missingReportingFields(facts.organisation);
  return missing.length === 0
    ? []
    : [
        {
          kind: 'paragraph',
          tone: 'warning',
          text: `Reporting settings not yet set: ${missing.join(', ')}. An admin sets them under Settings > Reporting (PUT /api/v1/settings/reporting); until then this report says "${NOT_SET}".`,
        },
      ];
}

export function organisationFields(facts: ReportFacts): Block {
  const o = facts.organisation;
  const c = o.pointOfContact;
  const v = (value: string | null) => value ?? NOT_SET;
  return {
    kind: 'fields',
    rows: [
      ['Organisation', v(o.organisation)],
      ['Sector', v(o.sector)],
      ['Address', v(o.address)],
      ['City / State', `${v(o.city)} / ${v(o.state)}`],
      ['Point of contact', v(c.name)],
      ['Designation', v(c.designation)],
      ['E-mail', v(c.email)],
      ['Phone', v(c.phone)],
      ['Mobile', v(c.mobile)],
    ],
  };
}

export function affectedSystemsTable(facts: ReportFacts): Block {
  return {
    kind: 'table',
    columns: [
      { title: 'System', width: 1.3 },
      { title: 'IP addresses / hostnames', width: 1.4 },
      { title: 'OS / product', width: 1.4 },
      { title: 'Location / zone / department', width: 1.5 },
      { title: 'Owner', width: 0.8 },
      { title: 'Criticality', width: 1.8 },
    ],
    rows: facts.affectedSystems.map((s) => [
      [
        `${s.name} (${s.kind})`,
        s.description,
        s.personalData ? 'holds personal data' : null,
        s.internetExposed ? 'internet-facing' : null,
      ]
        .filter(Boolean)
        .join('\n'),
      [listText(s.ipAddresses, 'no IP known'), ...s.hostnames].join('\n'),
      [s.operatingSystem ?? 'OS not known', productText(s)].filter(Boolean).join('\n'),
      [
        locationText(s) ?? 'location not set',
        `zone ${s.zone ?? NOT_SET}`,
        s.department ?? 'no department',
      ].join('\n'),
      s.owner ?? 'no owner',
      criticalityText(s.criticality),
    ]),
    empty: 'No system of the asset register is attached to this incident.',
  };
}

export function servicesBlocks(facts: ReportFacts): Block[] {
  return [
    {
      kind: 'table',
      columns: [
        { title: 'City service', width: 1.4 },
        { title: 'Citizen impact', width: 2.2 },
        { title: 'People served', width: 0.8 },
        { title: 'Max. tolerable downtime', width: 0.9 },
        { title: 'Department / owner', width: 1.1 },
      ],
      rows: facts.affectedServices.map((s) => [
        s.name,
        citizenImpactText(s.citizenImpact),
        s.populationServed === null ? NOT_SET : s.populationServed.toLocaleString('en-IN'),
        minutesText(s.maxTolerableDowntimeMinutes),
        `${s.department ?? 'no department'} / ${s.owner ?? 'no owner'}`,
      ]),
      empty: 'The affected systems support no city service directly.',
    },
  ];
}

export function cascadeBlocks(facts: ReportFacts): Block[] {
  const rows = [...facts.cascade].sort(
    (a, b) => a.afterMinutes - b.afterMinutes || a.name.localeCompare(b.name),
  );
  return [
    {
      kind: 'paragraph',
      text: 'If the affected systems stop working, these depend on them and would stop too, after the time shown (from the dependency graph of the asset register).',
    },
    {
      kind: 'table',
      columns: [
        { title: 'At risk', width: 1.3 },
        { title: 'Stops after', width: 0.8 },
        { title: 'Through', width: 2.2 },
        { title: 'Weight', width: 1.8 },
      ],
      rows: rows.map((r) => [
        `${r.name} (${r.kind === 'service' ? 'city service' : 'asset'})`,
        minutesText(r.afterMinutes),
        r.via.join(' -> '),
        r.kind === 'service'
          ? `citizen impact ${citizenImpactText(r.citizenImpact)}; max. tolerable downtime ${minutesText(r.maxTolerableDowntimeMinutes)}${
              r.maxTolerableDowntimeMinutes === null
                ? ''
                : `, so beyond tolerance ${minutesText(r.afterMinutes + r.maxTolerableDowntimeMinutes)} after the failure`
            }`
          : `criticality ${criticalityText(r.criticality)}`,
      ]),
      empty: 'Nothing else in the register depends on the affected systems.',
    },
  ];
}

export function symptomsTable(facts: ReportFacts): Block {
  return {
    kind: 'table',
    columns: [
      { title: 'What was seen (rule)', width: 2.2 },
      { title: 'Level', width: 0.6 },
      { title: 'Count', width: 0.5 },
      { title: 'First seen / last seen', width: 1.1 },
      { title: 'Source / host / user', width: 1.2 },
    ],
    rows: facts.symptoms.map((s) => [
      s.description ? `${s.ruleTitle}\n${s.description.trim()}` : s.ruleTitle,
      s.level,
      String(s.count),
      `${ist(s.firstSeen)}\n${ist(s.lastSeen)}`,
      [
        s.sourceIp ? `from ${s.sourceIp}` : null,
        s.hostName ? `host ${s.hostName}` : null,
        s.userName ? `user ${s.userName}` : null,
      ]
        .filter(Boolean)
        .join('\n') || 'not recorded',
    ]),
    empty: 'No alert is attached to this incident.',
  };
}

const DETECTED_BY = {
  sigma: 'Sigma detection rule',
  correlation: 'correlation rule (a pattern over many events)',
  indicator: 'threat indicator match (a known-bad value)',
} as const;

/** How it was found: each rule with its kind and the sensors that fed it. */
export function detectionItems(facts: ReportFacts): string[] {
  const items = facts.symptoms.map((s) => {
    const from = [s.sensor, s.logSource].filter(Boolean).join(', ');
    return `${DETECTED_BY[s.detectedBy]}: "${s.ruleTitle}"${from ? ` on logs from ${from}` : ''}`;
  });
  const unique = [...new Set(items)];
  if (facts.detectionNote) unique.unshift(facts.detectionNote);
  if (unique.length === 0) unique.push('Reported by hand; no detection rule is attached.');
  return unique;
}

export function actionsTable(facts: ReportFacts): Block {
  return {
    kind: 'table',
    columns: [
      { title: 'When', width: 0.9 },
      { title: 'Who', width: 0.8 },
      { title: 'Action', width: 3.3 },
    ],
    rows: facts.actions.map((a) => [ist(a.at), a.by, a.text]),
    empty: 'No action is recorded yet.',
  };
}

export function tasksTable(facts: ReportFacts): Block {
  return {
    kind: 'table',
    columns: [
      { title: 'Task', width: 2.4 },
      { title: 'Assigned to', width: 0.9 },
      { title: 'Due', width: 0.9 },
      { title: 'Status', width: 1.2 },
    ],
    rows: facts.tasks.map((t) => [
      t.title,
      t.assignee ?? 'unassigned',
      ist(t.dueAt, 'no due time'),
      t.status === 'done'
        ? `done ${ist(t.doneAt)}${t.doneBy ? ` by ${t.doneBy}` : ''}`
        : t.dueAt !== null && Date.parse(t.dueAt) < Date.parse(facts.generatedAt)
          ? 'open, OVERDUE'
          : 'open',
    ]),
    empty: 'No task.',
  };
}

export function clocksTable(facts: ReportFacts): Block {
  return {
    kind: 'table',
    columns: [
      { title: 'Duty', width: 1.4 },
      { title: 'Authority', width: 1.4 },
      { title: 'Started / due', width: 1.1 },
      { title: 'Status', width: 1.6 },
    ],
    rows: facts.clocks.map((c) => [
      c.title,
      `${c.authority}${c.statutoryDeadline ? '' : "\n(due time is the city's own target)"}`,
      `${ist(c.startedAt)}\n${ist(c.dueAt)}`,
      `${clockStatusText(c)}${c.reference ? `\nreference ${c.reference}` : ''}`,
    ]),
    empty:
      'No legal reporting duty: the incident is not classified under Annexure I of the CERT-In Directions and is not a personal-data breach.',
  };
}

export function observablesTable(facts: ReportFacts): Block {
  return {
    kind: 'table',
    columns: [
      { title: 'Type', width: 0.6 },
      { title: 'Value', width: 2.4 },
      { title: 'First seen', width: 1 },
      { title: 'Last seen', width: 1 },
    ],
    rows: facts.observables.map((o) => [o.type, o.value, ist(o.firstSeen), ist(o.lastSeen)]),
    empty: 'No observable recorded.',
  };
}

/** A log line as one line of text: time, sender, message. */
export function logLineText(line: LogLine): string {
  const from = line.sourceIp ?? line.listener;
  const message = line.encoding === 'base64' ? `(bytes, base64) ${line.message}` : line.message;
  return `${line.receivedAt} ${from} ${message.replace(/\r?\n/g, ' \\n ')}`;
}

/** How many log lines the PDF prints; the bundle's logs.ndjson holds them all. */
export const PDF_LOG_LINES = 40;

export function logsBlocks(facts: ReportFacts, file: string): Block[] {
  const logs = facts.logs;
  if (logs === null)
    return [{ kind: 'paragraph', text: 'No log lines were gathered for this report.' }];
  const omitted = logs.complete
    ? `${logs.omitted} more matching line${logs.omitted === 1 ? ' was' : 's were'} left out (the cap)`
    : `at least ${logs.omitted} more matching lines were left out: reading stopped after ${logs.scanned.toLocaleString('en-IN')} records`;
  const blocks: Block[] = [
    {
      kind: 'fields',
      rows: [
        ['Period', `${istAndUtc(logs.from)} to ${istAndUtc(logs.to)}`],
        [
          'Lines matched',
          `${logs.lines.length} attached in ${file}${logs.omitted > 0 ? `; ${omitted}` : ''}`,
        ],
        ['From senders', listText(logs.senders)],
        ['Mentioning', listText(logs.terms)],
        [
          'Source',
          `Prahari's raw log archive (${logs.scanned.toLocaleString('en-IN')} records read), kept as received; "prahari archive verify" proves it unaltered`,
        ],
      ],
    },
  ];
  if (logs.lines.length > 0) {
    const shown = logs.lines.slice(0, PDF_LOG_LINES);
    blocks.push(
      {
        kind: 'paragraph',
        tone: 'small',
        text:
          shown.length < logs.lines.length
            ? `The first ${shown.length} of ${logs.lines.length} lines (times UTC); all are in ${file}:`
            : `The lines (times UTC):`,
      },
      { kind: 'lines', lines: shown.map(logLineText) },
    );
  }
  return blocks;
}
