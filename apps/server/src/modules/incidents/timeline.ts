/**
 * An incident's timeline: one list, in time order, of what happened (alerts and their events)
 * and what people and Prahari did about it (every audited action, notes, tasks, evidence, duty
 * reports). Pure: the service gathers the pieces.
 */
import { LEGAL_DUTIES } from '@prahari/core';
import type {
  AlertRecord,
  DutyReportRecord,
  EventRecord,
  EvidenceRecord,
  IncidentNote,
  IncidentTask,
} from '@prahari/store';

export type TimelineKind =
  'alert' | 'event' | 'action' | 'note' | 'task' | 'task-done' | 'evidence' | 'duty-report';

export interface TimelineEntry {
  /** ISO 8601 UTC */
  at: string;
  kind: TimelineKind;
  /** who did it; null for what happened on the network */
  by: string | null;
  text: string;
  /** what it is about: an alert id, an event seq, a task, evidence or note id */
  ref: string | null;
}

export interface AuditedAction {
  at: string;
  actorName: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

/**
 * Audited actions shown by an entry of their own (with the note's text, the file's hash …), so
 * the timeline does not list them twice.
 */
const SHOWN_ELSEWHERE = new Set([
  'incident.note',
  'incident.evidence.upload',
  'incident.duty.report',
  'incident.task.create',
]);

/** The events an incident's timeline shows at most (the earliest); the rest are counted. */
export const TIMELINE_EVENTS = 200;
const TEXT_MAX = 300;

const ORDER: Record<TimelineKind, number> = {
  event: 0,
  alert: 1,
  action: 2,
  note: 3,
  task: 4,
  'task-done': 5,
  evidence: 6,
  'duty-report': 7,
};

const clip = (s: string) => (s.length > TEXT_MAX ? `${s.slice(0, TEXT_MAX - 1)}…` : s);

export function buildTimeline(parts: {
  alerts: readonly AlertRecord[];
  /** the first events of the attached alerts (at most TIMELINE_EVENTS) */
  events: readonly EventRecord[];
  /** how many more events the alerts kept, not read */
  eventsLeftOut: number;
  actions: readonly AuditedAction[];
  notes: readonly IncidentNote[];
  tasks: readonly IncidentTask[];
  evidence: readonly EvidenceRecord[];
  reports: readonly DutyReportRecord[];
  /** target → incident number, for actions recorded on incidents merged into this one */
  mergedNumbers: ReadonlyMap<string, string>;
}): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const a of parts.alerts) {
    out.push({
      at: a.firstSeen,
      kind: 'alert',
      by: null,
      text: `Alert ${a.ruleTitle} (${a.severity}) first seen${a.sourceIp ? ` from ${a.sourceIp}` : ''}${a.asset ? ` on ${a.asset.name}` : ''}`,
      ref: a.id,
    });
    if (a.lastSeen !== a.firstSeen)
      out.push({
        at: a.lastSeen,
        kind: 'alert',
        by: null,
        text: `Alert ${a.ruleTitle} last seen (${a.count} hits in all)`,
        ref: a.id,
      });
  }
  const events = [...parts.events].sort((x, y) =>
    x.eventTime < y.eventTime ? -1 : x.eventTime > y.eventTime ? 1 : x.seq - y.seq,
  );
  for (const e of events) {
    const host = typeof e.fields['host.name'] === 'string' ? `${e.fields['host.name']}: ` : '';
    out.push({
      at: e.eventTime,
      kind: 'event',
      by: null,
      text: clip(`${host}${e.message || e.raw}`),
      ref: String(e.seq),
    });
  }
  const last = events.at(-1);
  if (parts.eventsLeftOut > 0 && last)
    out.push({
      at: last.eventTime,
      kind: 'event',
      by: null,
      text: `… and ${parts.eventsLeftOut} more events of the attached alerts (see each alert)`,
      ref: null,
    });
  for (const a of parts.actions) {
    if (SHOWN_ELSEWHERE.has(a.action)) continue;
    const summary = typeof a.details.summary === 'string' ? a.details.summary : a.action;
    const from = parts.mergedNumbers.get(a.target);
    out.push({
      at: a.at,
      kind: 'action',
      by: a.actorName,
      text: from ? `[${from}] ${summary}` : summary,
      ref: null,
    });
  }
  for (const n of parts.notes)
    out.push({ at: n.createdAt, kind: 'note', by: n.authorName, text: clip(n.text), ref: n.id });
  for (const t of parts.tasks) {
    const to = t.assigneeName ? ` for ${t.assigneeName}` : '';
    const due = t.dueAt ? `, due ${t.dueAt}` : '';
    out.push({
      at: t.createdAt,
      kind: 'task',
      by: t.createdBy,
      text: `Task: ${t.title}${to}${due}`,
      ref: t.id,
    });
    if (t.doneAt)
      out.push({
        at: t.doneAt,
        kind: 'task-done',
        by: t.doneBy,
        text: `Task done: ${t.title}`,
        ref: t.id,
      });
  }
  for (const e of parts.evidence)
    out.push({
      at: e.uploadedAt,
      kind: 'evidence',
      by: e.uploadedBy,
      text: `Evidence ${e.fileName} (${e.size} bytes, SHA-256 ${e.sha256})`,
      ref: e.id,
    });
  for (const r of parts.reports)
    out.push({
      at: r.reportedAt,
      kind: 'duty-report',
      by: r.reportedBy,
      text: `${LEGAL_DUTIES[r.duty].title}: reported${r.reference ? ` (reference ${r.reference})` : ''}`,
      ref: r.duty,
    });
  return out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : ORDER[x.kind] - ORDER[y.kind]));
}
