/**
 * The notices a personal-data breach calls for under section 8(6) of the Digital Personal Data
 * Protection Act, 2023 and rule 7 of the DPDP Rules, 2025:
 *
 * - to the Data Protection Board, without delay: the nature, extent, timing and location of the
 *   breach and its likely impact (rule 7(2)(a)); and within 72 hours the further particulars —
 *   circumstances, mitigation, who caused it, how recurrence is prevented, the intimations given
 *   to the people affected (rule 7(2)(b)). `dpdpBoardIntimation` carries both; the second part
 *   says "to follow" until an analyst fills it in.
 * - to each affected Data Principal, without delay and in plain language: what happened and when,
 *   the likely consequences for them, what the city is doing, what they can do, and whom to
 *   contact (rule 7(1)). `dpdpPrincipalNotice`.
 *
 * Each as JSON (with the notice's plain text) and as PDF. What an analyst has not yet written
 * shows as "NOT YET DESCRIBED" and is listed in `missing`: a notice sent without delay with what
 * is known beats one sent late and complete.
 */
import { ConflictError } from '@prahari/core';
import { renderText, type ReportDocument } from './document.js';
import type { PersonalDataBreachFacts, ReportFacts } from './facts.js';
import { NOT_SET, bothTimes, istAndUtc, istLong, listText, type BothTimes } from './format.js';
import { renderPdf } from './pdf.js';
import { clockOf, clockStatusText, generatedLine, missingSettingsBlocks } from './sections.js';

const NOT_DESCRIBED = 'NOT YET DESCRIBED';

const LEGAL_BASIS =
  'Section 8(6) of the Digital Personal Data Protection Act, 2023 and rule 7 of the Digital Personal Data Protection Rules, 2025';

/** The breach details as given, with empty text and lists counted as not given. */
function breachOf(facts: ReportFacts): {
  details: PersonalDataBreachFacts | null;
  missing: string[];
} {
  if (!facts.incident.personalDataBreach)
    throw new ConflictError(
      `${facts.incident.number} is not marked as a personal-data breach, so it carries no DPDP duty: classify it as one first.`,
    );
  const details = facts.personalData;
  if (details === null)
    return {
      details: null,
      missing: [
        'nature',
        'extent',
        'likelyImpact',
        'likelyConsequences',
        'categoriesOfPersonalData',
        'categoriesOfDataPrincipals',
        'approximateNumberAffected',
        'mitigation',
        'whatPrincipalsCanDo',
      ],
    };
  const missing: string[] = [];
  for (const key of [
    'nature',
    'extent',
    'likelyImpact',
    'likelyConsequences',
    'mitigation',
  ] as const)
    if (details[key].trim() === '') missing.push(key);
  for (const key of [
    'categoriesOfPersonalData',
    'categoriesOfDataPrincipals',
    'whatPrincipalsCanDo',
  ] as const)
    if (details[key].length === 0) missing.push(key);
  if (details.approximateNumberAffected === null) missing.push('approximateNumberAffected');
  return { details, missing };
}

function said(text: string | null | undefined): string {
  return text && text.trim() !== '' ? text.trim() : NOT_DESCRIBED;
}

/** When, in words: the analyst's own, else from the incident's times. */
function timingText(facts: ReportFacts, details: PersonalDataBreachFacts | null): string {
  if (details?.timing) return details.timing;
  const i = facts.incident;
  return i.occurredAt
    ? `From ${istAndUtc(i.occurredAt)}; the city became aware of it at ${istAndUtc(i.noticedAt)}.`
    : `The city became aware of it at ${istAndUtc(i.noticedAt)}; when it began is not yet known.`;
}

/** The person citizens should contact: the one given for the breach, else the point of contact. */
function contactFor(
  facts: ReportFacts,
  details: PersonalDataBreachFacts | null,
): { name: string; email: string | null; phone: string | null } {
  if (details?.contactForPrincipals) return details.contactForPrincipals;
  const c = facts.organisation.pointOfContact;
  return {
    name: [c.name, c.designation].filter(Boolean).join(', ') || NOT_SET,
    email: c.email,
    phone: c.phone ?? c.mobile,
  };
}

export interface DpdpBoardIntimation {
  format: 'prahari-dpdp-board-intimation/1';
  legalBasis: string;
  generatedAt: BothTimes;
  generatedBy: string;
  dataFiduciary: {
    name: string | null;
    address: string | null;
    city: string | null;
    state: string | null;
    contact: ReportFacts['organisation']['pointOfContact'];
  };
  incident: { reference: string; title: string };
  /** rule 7(2)(a) */
  breach: {
    nature: string;
    extent: string;
    timing: string;
    occurredAt: BothTimes | null;
    becameAwareAt: BothTimes;
    location: string;
    likelyImpact: string;
    categoriesOfPersonalData: string[];
    categoriesOfDataPrincipals: string[];
    approximateNumberAffected: number | null;
    affectedSystems: string[];
  };
  /** rule 7(2)(b): due within 72 hours of becoming aware */
  furtherParticulars: {
    dueAt: BothTimes | null;
    circumstances: string;
    mitigation: string;
    causedBy: string;
    preventRecurrence: string;
    principalsInformed: { at: BothTimes; how: string } | null;
  };
  legalClocks: ReportFacts['clocks'];
  /** what an analyst has still to describe */
  missing: string[];
  /** the notice as plain text */
  text: string;
}

function boardDocument(facts: ReportFacts): ReportDocument {
  const { details, missing } = breachOf(facts);
  const i = facts.incident;
  const o = facts.organisation;
  const report = clockOf(facts, 'dpdp-board-report');
  const dpdpClocks = facts.clocks.filter((c) => c.duty !== 'cert-in');
  return {
    title: 'Intimation of personal data breach to the Data Protection Board of India',
    subtitle: `${o.organisation ?? NOT_SET}: ${i.number}, ${i.title}`,
    reference: i.number,
    footer: generatedLine(facts),
    author: o.organisation ?? 'Prahari',
    generatedAt: facts.generatedAt,
    blocks: [
      { kind: 'paragraph', text: `Under ${LEGAL_BASIS}.` },
      ...missingSettingsBlocks(facts),
      ...(missing.length > 0
        ? [
            {
              kind: 'paragraph' as const,
              tone: 'warning' as const,
              text: `Still to be described by the analyst: ${missing.join(', ')}.`,
            },
          ]
        : []),
      { kind: 'heading', level: 1, text: 'Data Fiduciary' },
      {
        kind: 'fields',
        rows: [
          ['Name', o.organisation ?? NOT_SET],
          ['Address', [o.address, o.city, o.state].filter(Boolean).join(', ') || NOT_SET],
          [
            'Contact',
            [o.pointOfContact.name, o.pointOfContact.designation].filter(Boolean).join(', ') ||
              NOT_SET,
          ],
          [
            'E-mail / phone',
            `${o.pointOfContact.email ?? NOT_SET} / ${o.pointOfContact.phone ?? o.pointOfContact.mobile ?? NOT_SET}`,
          ],
        ],
      },
      { kind: 'heading', level: 1, text: 'The breach (rule 7(2)(a))' },
      {
        kind: 'fields',
        rows: [
          ['Nature', said(details?.nature)],
          ['Extent', said(details?.extent)],
          ['Timing', timingText(facts, details)],
          ['Became aware', istAndUtc(i.noticedAt)],
          [
            'Location',
            said(details?.location ?? facts.affectedSystems.map((s) => s.name).join(', ')),
          ],
          ['Likely impact', said(details?.likelyImpact)],
          ['Personal data', listText(details?.categoriesOfPersonalData ?? [], NOT_DESCRIBED)],
          ['Data Principals', listText(details?.categoriesOfDataPrincipals ?? [], NOT_DESCRIBED)],
          [
            'Approximate number affected',
            details?.approximateNumberAffected == null
              ? 'not yet known'
              : details.approximateNumberAffected.toLocaleString('en-IN'),
          ],
        ],
      },
      {
        kind: 'heading',
        level: 1,
        text: 'Further particulars (rule 7(2)(b), within 72 hours)',
      },
      ...(report
        ? [
            {
              kind: 'paragraph' as const,
              text: `Due ${istAndUtc(report.dueAt)}: ${clockStatusText(report)}.`,
            },
          ]
        : []),
      {
        kind: 'fields',
        rows: [
          ['Facts and circumstances', details?.circumstances ?? 'to follow'],
          ['Measures to mitigate risk', said(details?.mitigation)],
          ['Who caused it (findings)', details?.causedBy ?? 'to follow'],
          ['Preventing recurrence', details?.preventRecurrence ?? 'to follow'],
          [
            'Data Principals informed',
            details?.principalsInformed
              ? `${istAndUtc(details.principalsInformed.at)}, ${details.principalsInformed.how}`
              : 'not yet',
          ],
        ],
      },
      { kind: 'heading', level: 1, text: 'Duties and their clocks' },
      {
        kind: 'table',
        columns: [
          { title: 'Duty', width: 1.5 },
          { title: 'Due', width: 1.2 },
          { title: 'Status', width: 2 },
        ],
        rows: dpdpClocks.map((c) => [
          `${c.title}\n${c.authority}`,
          `${istAndUtc(c.dueAt)}${c.statutoryDeadline ? '' : "\n(the city's own target)"}`,
          clockStatusText(c),
        ]),
        empty: 'No DPDP clock runs for this incident.',
      },
    ],
  };
}

/** The intimation to the Data Protection Board as JSON, with its plain text. */
export function dpdpBoardIntimation(facts: ReportFacts): DpdpBoardIntimation {
  const { details, missing } = breachOf(facts);
  const i = facts.incident;
  const o = facts.organisation;
  const report = clockOf(facts, 'dpdp-board-report');
  return {
    format: 'prahari-dpdp-board-intimation/1',
    legalBasis: LEGAL_BASIS,
    generatedAt: bothTimes(facts.generatedAt),
    generatedBy: facts.generatedBy,
    dataFiduciary: {
      name: o.organisation,
      address: o.address,
      city: o.city,
      state: o.state,
      contact: o.pointOfContact,
    },
    incident: { reference: i.number, title: i.title },
    breach: {
      nature: said(details?.nature),
      extent: said(details?.extent),
      timing: timingText(facts, details),
      occurredAt: i.occurredAt === null ? null : bothTimes(i.occurredAt),
      becameAwareAt: bothTimes(i.noticedAt),
      location: said(details?.location ?? facts.affectedSystems.map((s) => s.name).join(', ')),
      likelyImpact: said(details?.likelyImpact),
      categoriesOfPersonalData: details?.categoriesOfPersonalData ?? [],
      categoriesOfDataPrincipals: details?.categoriesOfDataPrincipals ?? [],
      approximateNumberAffected: details?.approximateNumberAffected ?? null,
      affectedSystems: facts.affectedSystems.map((s) => s.name),
    },
    furtherParticulars: {
      dueAt: report ? bothTimes(report.dueAt) : null,
      circumstances: details?.circumstances ?? 'to follow',
      mitigation: said(details?.mitigation),
      causedBy: details?.causedBy ?? 'to follow',
      preventRecurrence: details?.preventRecurrence ?? 'to follow',
      principalsInformed: details?.principalsInformed
        ? {
            at: bothTimes(details.principalsInformed.at),
            how: details.principalsInformed.how,
          }
        : null,
    },
    legalClocks: facts.clocks.filter((c) => c.duty !== 'cert-in'),
    missing,
    text: renderText(boardDocument(facts)),
  };
}

export function renderDpdpBoardIntimationPdf(facts: ReportFacts): Promise<Buffer> {
  return renderPdf(boardDocument(facts));
}

export interface DpdpPrincipalNotice {
  format: 'prahari-dpdp-principal-notice/1';
  language: 'en';
  legalBasis: string;
  generatedAt: BothTimes;
  from: { organisation: string | null; address: string | null };
  incident: { reference: string };
  subject: string;
  whatHappened: string;
  when: string;
  personalDataInvolved: string[];
  likelyConsequences: string;
  whatTheCityIsDoing: string;
  whatYouCanDo: string[];
  contact: { name: string; email: string | null; phone: string | null };
  /** what an analyst has still to describe before sending */
  missing: string[];
  /** the notice as a letter, for e-mail or print */
  text: string;
}

function principalParts(facts: ReportFacts) {
  const { details, missing } = breachOf(facts);
  const i = facts.incident;
  const o = facts.organisation;
  const who = o.organisation ?? 'The city';
  const when = details?.timing
    ? details.timing
    : i.occurredAt
      ? `It happened on ${istLong(i.occurredAt)}. We found out on ${istLong(i.noticedAt)}.`
      : `We found out on ${istLong(i.noticedAt)}.`;
  return {
    details,
    missing,
    who,
    subject: `${who}: your personal data may have been affected`,
    whatHappened: said(details?.nature),
    when,
    personalDataInvolved: details?.categoriesOfPersonalData ?? [],
    likelyConsequences: said(details?.likelyConsequences),
    whatTheCityIsDoing: said(details?.mitigation),
    whatYouCanDo: details?.whatPrincipalsCanDo ?? [],
    contact: contactFor(facts, details),
  };
}

function principalDocument(facts: ReportFacts): ReportDocument {
  const p = principalParts(facts);
  const o = facts.organisation;
  const contact = [
    p.contact.name,
    p.contact.email ? `e-mail ${p.contact.email}` : null,
    p.contact.phone ? `phone ${p.contact.phone}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    title: p.subject,
    subtitle: `Notice of a personal data breach (reference ${facts.incident.number})`,
    reference: facts.incident.number,
    footer: generatedLine(facts),
    author: o.organisation ?? 'Prahari',
    generatedAt: facts.generatedAt,
    blocks: [
      ...(p.missing.length > 0
        ? [
            {
              kind: 'paragraph' as const,
              tone: 'warning' as const,
              text: `DRAFT, do not send: still to be described by the analyst: ${p.missing.join(', ')}.`,
            },
          ]
        : []),
      {
        kind: 'paragraph',
        text: `Dear citizen, we are writing to tell you that some of your personal data held by ${p.who} may have been seen or taken by someone who should not have it. We are telling you as the Digital Personal Data Protection Act, 2023 requires, so that you can protect yourself.`,
      },
      { kind: 'heading', level: 2, text: 'What happened' },
      { kind: 'paragraph', text: p.whatHappened },
      { kind: 'heading', level: 2, text: 'When' },
      { kind: 'paragraph', text: p.when },
      { kind: 'heading', level: 2, text: 'Which of your details' },
      p.personalDataInvolved.length > 0
        ? { kind: 'bullets', items: p.personalDataInvolved }
        : { kind: 'paragraph', text: NOT_DESCRIBED },
      { kind: 'heading', level: 2, text: 'What this may mean for you' },
      { kind: 'paragraph', text: p.likelyConsequences },
      { kind: 'heading', level: 2, text: 'What we are doing' },
      { kind: 'paragraph', text: p.whatTheCityIsDoing },
      { kind: 'heading', level: 2, text: 'What you can do' },
      p.whatYouCanDo.length > 0
        ? { kind: 'bullets', items: p.whatYouCanDo }
        : { kind: 'paragraph', text: NOT_DESCRIBED },
      { kind: 'heading', level: 2, text: 'Whom to contact' },
      { kind: 'paragraph', text: `If you have questions, contact ${contact}.` },
      {
        kind: 'paragraph',
        text: [p.who, o.address, [o.city, o.state].filter(Boolean).join(', ')]
          .filter(Boolean)
          .join('\n'),
      },
    ],
  };
}

/** The notice to each affected citizen as JSON, with the letter's plain text. */
export function dpdpPrincipalNotice(facts: ReportFacts): DpdpPrincipalNotice {
  const p = principalParts(facts);
  const o = facts.organisation;
  return {
    format: 'prahari-dpdp-principal-notice/1',
    language: 'en',
    legalBasis: LEGAL_BASIS,
    generatedAt: bothTimes(facts.generatedAt),
    from: { organisation: o.organisation, address: o.address },
    incident: { reference: facts.incident.number },
    subject: p.subject,
    whatHappened: p.whatHappened,
    when: p.when,
    personalDataInvolved: p.personalDataInvolved,
    likelyConsequences: p.likelyConsequences,
    whatTheCityIsDoing: p.whatTheCityIsDoing,
    whatYouCanDo: p.whatYouCanDo,
    contact: p.contact,
    missing: p.missing,
    // Internal details (who generated it) stay out of the letter citizens receive.
    text: renderText(principalDocument(facts), { footer: false }),
  };
}

export function renderDpdpPrincipalNoticePdf(facts: ReportFacts): Promise<Buffer> {
  return renderPdf(principalDocument(facts));
}
