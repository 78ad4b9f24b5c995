/**
 * The CISO's post-incident report: what happened and in what order, what it did to the city's
 * services, whether the legal duties were met, how fast the team acknowledged, contained and
 * closed it, and what is left to do.
 */
import type { Block, ReportDocument } from './document.js';
import type { ReportFacts } from './facts.js';
import { duration, ist, istAndUtc, listText } from './format.js';
import { renderPdf } from './pdf.js';
import {
  TIME_NOTE,
  affectedSystemsTable,
  cascadeBlocks,
  certInTypeText,
  clocksTable,
  generatedLine,
  servicesBlocks,
  tasksTable,
} from './sections.js';

/** One measure of the response: from one moment to another, or how long so far. */
export interface ResponseMetric {
  name: string;
  from: string | null;
  to: string | null;
  /** null when a moment is not known, or (with `open`) not reached yet */
  ms: number | null;
  /** not reached yet: `ms` is then the time elapsed so far (to the report's generation) */
  open: boolean;
}

/**
 * Detection (first evidence to noticed), then acknowledge, contain and close, each measured from
 * when the city noticed it: the moment the legal clocks start and the team is accountable from.
 */
export function responseMetrics(facts: ReportFacts): ResponseMetric[] {
  const i = facts.incident;
  const since = (name: string, from: string | null, to: string | null): ResponseMetric => {
    if (from === null) return { name, from, to, ms: null, open: false };
    if (to === null)
      return {
        name,
        from,
        to,
        ms: i.closedAt === null ? Date.parse(facts.generatedAt) - Date.parse(from) : null,
        open: i.closedAt === null,
      };
    return { name, from, to, ms: Date.parse(to) - Date.parse(from), open: false };
  };
  return [
    {
      name: 'Time to detect (first evidence to noticed)',
      from: i.occurredAt,
      to: i.noticedAt,
      ms: i.occurredAt === null ? null : Date.parse(i.noticedAt) - Date.parse(i.occurredAt),
      open: false,
    },
    since('Time to acknowledge', i.noticedAt, i.acknowledgedAt),
    since('Time to contain', i.noticedAt, i.containedAt),
    since('Time to close', i.noticedAt, i.closedAt),
  ];
}

function metricText(m: ResponseMetric): string {
  if (m.ms === null)
    return m.from === null ? 'not known (first evidence not recorded)' : 'not reached';
  return m.open ? `not yet: ${duration(m.ms)} so far` : duration(m.ms);
}

/** Everything that happened, in time order: first evidence, alerts, noticing, actions, tasks done. */
function timelineRows(facts: ReportFacts): string[][] {
  const i = facts.incident;
  const entries: { at: string; who: string; what: string }[] = [];
  if (i.occurredAt)
    entries.push({ at: i.occurredAt, who: '', what: 'First evidence of the incident' });
  for (const s of facts.symptoms)
    entries.push({
      at: s.firstSeen,
      who: 'detection',
      what: `Alert: ${s.ruleTitle} (${s.level}${s.count > 1 ? `, ${s.count} times until ${ist(s.lastSeen)}` : ''})`,
    });
  entries.push({ at: i.noticedAt, who: '', what: 'Noticed: the legal clocks start' });
  for (const a of facts.actions) entries.push({ at: a.at, who: a.by, what: a.text });
  for (const t of facts.tasks)
    if (t.status === 'done' && t.doneAt)
      entries.push({ at: t.doneAt, who: t.doneBy ?? '', what: `Task done: ${t.title}` });
  return entries
    .map((e, index) => ({ ...e, index }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.index - b.index)
    .map((e) => [ist(e.at), e.who, e.what]);
}

function dutiesSummary(facts: ReportFacts): string {
  if (facts.clocks.length === 0) return 'The incident carried no legal reporting duty.';
  const count = (states: string[]) => facts.clocks.filter((c) => states.includes(c.state)).length;
  const parts = [
    `${count(['met'])} met in time`,
    `${count(['met-late'])} met late`,
    `${count(['overdue'])} overdue`,
    `${count(['running', 'warning'])} still running`,
  ];
  return `Of ${facts.clocks.length} legal duties: ${parts.join(', ')}.`;
}

function postIncidentDocument(facts: ReportFacts): ReportDocument {
  const i = facts.incident;
  const metrics = responseMetrics(facts);
  const openTasks = facts.tasks.filter((t) => t.status === 'open');
  const review: Block[] = facts.review
    ? [
        { kind: 'heading', level: 2, text: 'Root cause' },
        { kind: 'paragraph', text: facts.review.rootCause ?? 'Not yet established.' },
        { kind: 'heading', level: 2, text: 'Lessons' },
        facts.review.lessons.length > 0
          ? { kind: 'bullets', items: facts.review.lessons }
          : { kind: 'paragraph', text: 'None recorded.' },
      ]
    : [{ kind: 'paragraph', text: 'No review has been recorded yet (root cause, lessons).' }];
  return {
    title: 'Post-incident report',
    subtitle: `${i.number}: ${i.title}`,
    reference: i.number,
    footer: generatedLine(facts),
    author: facts.organisation.organisation ?? 'Prahari',
    generatedAt: facts.generatedAt,
    blocks: [
      {
        kind: 'paragraph',
        text: `For the Chief Information Security Officer${facts.organisation.organisation ? ` of ${facts.organisation.organisation}` : ''}. ${TIME_NOTE}`,
      },
      { kind: 'heading', level: 1, text: '1. Summary' },
      {
        kind: 'fields',
        rows: [
          ['Incident', `${i.number}: ${i.title}`],
          ['Type', certInTypeText(facts)],
          ['Severity', i.severity],
          ['Status', `${i.status}${i.resolution ? ` (${i.resolution})` : ''}`],
          ['Personal data breached', i.personalDataBreach ? 'yes' : 'no'],
          ['Owner / assignees', `${i.owner ?? 'unassigned'} / ${listText(i.assignees)}`],
          ['Opened', `${istAndUtc(i.createdAt)} by ${i.createdBy}`],
          ['First evidence', istAndUtc(i.occurredAt)],
          ['Noticed', istAndUtc(i.noticedAt)],
          ['Contained', istAndUtc(i.containedAt, 'not yet')],
          ['Closed', istAndUtc(i.closedAt, 'not yet')],
          [
            'Systems / services',
            `${facts.affectedSystems.length} systems, ${facts.affectedServices.length} city services directly, ${facts.cascade.length} more at risk`,
          ],
          ['Legal duties', dutiesSummary(facts)],
          [
            'Follow-up',
            `${openTasks.length} open task${openTasks.length === 1 ? '' : 's'} of ${facts.tasks.length}`,
          ],
        ],
      },
      ...(i.description ? [{ kind: 'paragraph' as const, text: i.description }] : []),
      { kind: 'heading', level: 1, text: '2. Timeline' },
      {
        kind: 'table',
        columns: [
          { title: 'When', width: 0.9 },
          { title: 'Who', width: 0.8 },
          { title: 'What', width: 3.3 },
        ],
        rows: timelineRows(facts),
        empty: 'Nothing recorded.',
      },
      { kind: 'heading', level: 1, text: '3. Impact on the city' },
      affectedSystemsTable(facts),
      { kind: 'heading', level: 2, text: 'City services affected' },
      ...servicesBlocks(facts),
      { kind: 'heading', level: 2, text: 'What else was at risk' },
      ...cascadeBlocks(facts),
      { kind: 'heading', level: 1, text: '4. Legal duties' },
      { kind: 'paragraph', text: dutiesSummary(facts) },
      clocksTable(facts),
      { kind: 'heading', level: 1, text: '5. Response times' },
      {
        kind: 'table',
        columns: [
          { title: 'Measure', width: 1.8 },
          { title: 'From', width: 1.1 },
          { title: 'To', width: 1.1 },
          { title: 'Took', width: 1.1 },
        ],
        rows: metrics.map((m) => [m.name, ist(m.from), ist(m.to, 'not yet'), metricText(m)]),
        empty: '',
      },
      { kind: 'heading', level: 1, text: '6. Lessons and follow-up' },
      ...review,
      { kind: 'heading', level: 2, text: 'Tasks' },
      tasksTable(facts),
    ],
  };
}

/** The CISO's post-incident report as an A4 PDF. */
export function renderPostIncidentPdf(facts: ReportFacts): Promise<Buffer> {
  return renderPdf(postIncidentDocument(facts));
}
