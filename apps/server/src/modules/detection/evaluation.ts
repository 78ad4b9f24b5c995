/**
 * Events through the rules, the correlation engine and the indicators, into findings: plain data
 * that crosses from the detection thread to the thread that records alerts. Pure apart from the
 * engine's correlation state.
 */
import type { Match, SigmaEngine } from '@prahari/sigma';
import type { AlertAsset, AlertHit } from '@prahari/store';
import { isEvtxDocument, type FeedEvent } from '@prahari/store/event-feed-reader';
import { assetConcerned, type AssetDirectory, type ObservedEvent } from '../assets/directory.js';
import type { IndicatorMatch, MatchableEvent } from '../indicators/matcher.js';

/** Something that finds indicators in an event (the `IndicatorMatcher`). */
export interface IndicatorFinder {
  match(event: MatchableEvent): IndicatorMatch[];
}

/**
 * A rule, correlation or indicator hit before it is recorded: an `AlertHit` without the asset it
 * concerns and the severity that follows from it, which the recording side looks up in its asset
 * register (hits are few; the register stays in one place).
 */
export interface Finding extends Omit<AlertHit, 'asset' | 'severity'> {
  /** what the asset lookup reads (`assetConcerned`) */
  concerns: ObservedEvent;
  /** when the event that completed the finding was received */
  receivedAt: string;
}

export interface Findings {
  /** in event order */
  findings: Finding[];
  /** hits by indicator id: how many, and the latest event time */
  indicatorHits: Map<string, { count: number; at: string }>;
  /**
   * The senders of the events for asset discovery, in short: per sender address, host name and
   * source address, the first and the last event (all that discovery reads of them).
   */
  senders: ObservedEvent[];
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const DEFAULT_LEVEL = 'medium';

/**
 * The rule's level weighed by what the alert concerns: one step up on a criticality-5 asset
 * (life and safety, city-wide services), one step down on a criticality 1–2 asset (test benches,
 * lab kit); unchanged on 3–4 and on assets nobody has rated.
 */
export function severityOf(level: string, criticality: number | null | undefined): string {
  const i = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (i < 0 || criticality === null || criticality === undefined) return level;
  const shift = criticality >= 5 ? 1 : criticality <= 2 ? -1 : 0;
  return LEVELS[Math.max(0, Math.min(LEVELS.length - 1, i + shift))]!;
}

/** The alert hit of a finding, with the asset it concerns from the register. */
export function hitOf(
  finding: Finding,
  directory: Pick<AssetDirectory, 'lookup'> | null,
): AlertHit {
  const { concerns, receivedAt: _receivedAt, ...hit } = finding;
  const found = directory ? assetConcerned(directory, concerns) : undefined;
  const asset: AlertAsset | null = found
    ? {
        id: found.id,
        name: found.name,
        criticality: found.criticality,
        zone: found.zone,
        ownerId: found.owner,
        ownerName: found.ownerName,
      }
    : null;
  return { ...hit, asset, severity: severityOf(hit.level, asset?.criticality) };
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

/** The first value when a parser produced a list. */
function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A Windows event in the evtx_dump JSON layout (`Event.System`, `Event.EventData`), as received:
 * the engine's Windows pipeline classifies it by channel and event id (Sysmon 1 is
 * process_creation, Security 4688 too with its own field names), which its flattened stored
 * fields cannot show.
 */
function windowsEventOf(e: FeedEvent): Record<string, unknown> | undefined {
  if (!isEvtxDocument(e.fields) || !e.raw?.startsWith('{')) return undefined;
  try {
    const root = JSON.parse(e.raw) as unknown;
    return typeof root === 'object' && root !== null && 'Event' in root ? root : undefined;
  } catch {
    return undefined;
  }
}

/** What the asset lookup and discovery read of an event. */
function concernsOf(e: FeedEvent): ObservedEvent {
  const f = e.fields;
  return {
    sourceIp: e.sourceIp,
    fields: {
      'destination.ip': first(f['destination.ip']),
      'host.name': first(f['host.name']),
      'source.ip': first(f['source.ip']),
    },
    receivedAt: e.receivedAt,
  };
}

/**
 * Evaluates events with one engine and indicator finder, both replaceable between calls (a rule
 * reload, new indicators). It remembers which event each correlation's evidence came from, across
 * calls, so a correlation alert lists the seqs of all the events it counted.
 */
export class EventEvaluator {
  #seqOfFields = new WeakMap<object, number>();

  constructor(
    public engine: SigmaEngine,
    public indicators: IndicatorFinder | null,
  ) {}

  evaluate(events: readonly FeedEvent[]): Findings {
    const step = new StepFindings();
    this.evaluateInto(events, step);
    return step.result();
  }

  /**
   * Adds the findings of these events to a step's: a step read in several parts (so the thread
   * holds only one part's events at a time) is recorded as one.
   */
  evaluateInto(events: readonly FeedEvent[], step: StepFindings): void {
    const { findings, indicatorHits } = step;
    const engine = this.engine;
    const matcher = this.indicators;
    for (const e of events) {
      this.#seqOfFields.set(e.fields, e.seq);
      const matches = engine.evaluate(
        windowsEventOf(e) ?? {
          fields: e.fields,
          logsource: e.logsource,
          message: e.message,
          eventTime: e.eventTime,
        },
      );
      for (const m of matches) findings.push(this.#findingOf(m, e));
      if (!matcher) continue;
      for (const found of matcher.match(e)) {
        const ind = found.indicator;
        const h = indicatorHits.get(ind.id) ?? { count: 0, at: e.eventTime };
        h.count++;
        if (e.eventTime > h.at) h.at = e.eventTime;
        indicatorHits.set(ind.id, h);
        const who = whoOf(e);
        findings.push({
          kind: 'indicator',
          ruleId: `indicator:${ind.id}`,
          ruleTitle: `Known-bad ${ind.type} ${ind.value} (${ind.source}, TLP:${ind.tlp.toUpperCase()})`,
          level: 'high',
          logsource: e.logsource,
          tags: [],
          dedupeKey: `indicator|${ind.id}|${raisedBy(who, e)}`,
          groupFields: { indicator: ind.value, field: found.field },
          seenAt: e.eventTime,
          ...who,
          eventSeqs: [e.seq],
          matched: {
            [found.field]: found.value,
            indicator: { id: ind.id, type: ind.type, value: ind.value, source: ind.source },
          },
          concerns: concernsOf(e),
          receivedAt: e.receivedAt,
        });
      }
    }
    step.observeSenders(events);
  }

  #findingOf(m: Match, e: FeedEvent): Finding {
    const ruleId = m.ruleId ?? m.ruleName ?? m.title;
    const who = whoOf(e);
    const level = m.level ?? DEFAULT_LEVEL;
    const about = { concerns: concernsOf(e), receivedAt: e.receivedAt };
    if (m.kind === 'correlation') {
      const c = m.correlation as {
        group: Record<string, unknown>;
        value: number;
        eventCount: number;
        windowStartMs: number;
        windowEndMs: number;
        evidence: { event: Record<string, unknown> }[];
        rule: { type: string };
      };
      const seqs = c.evidence
        .map((ev) => this.#seqOfFields.get(ev.event))
        .filter((s): s is number => s !== undefined);
      return {
        kind: 'correlation',
        ruleId,
        ruleTitle: m.title,
        level,
        logsource: e.logsource,
        tags: m.tags,
        dedupeKey: `${ruleId}|${JSON.stringify(c.group)}`,
        groupFields: c.group,
        seenAt: new Date(c.windowEndMs).toISOString(),
        ...who,
        sourceIp: text(first(c.group['source.ip'])) ?? who.sourceIp,
        eventSeqs: seqs.length > 0 ? seqs : [e.seq],
        matched: {
          type: c.rule.type,
          value: c.value,
          events: c.eventCount,
          windowStart: new Date(c.windowStartMs).toISOString(),
          windowEnd: new Date(c.windowEndMs).toISOString(),
          group: c.group,
        },
        ...about,
      };
    }
    return {
      kind: 'sigma',
      ruleId,
      ruleTitle: m.title,
      level,
      logsource: e.logsource,
      tags: m.tags,
      dedupeKey: `${ruleId}|${raisedBy(who, e)}`,
      groupFields: { 'source.ip': who.sourceIp, 'host.name': who.hostName },
      seenAt: e.eventTime,
      ...who,
      eventSeqs: [e.seq],
      matched: m.fields,
      ...about,
    };
  }
}

function whoOf(e: FeedEvent) {
  const f = e.fields;
  return {
    // The address the event names as its source, never the sender's: a sender may be a log
    // collector relaying a whole network, whose address must neither be blocked by a playbook
    // nor gather unrelated attacks into one incident.
    sourceIp: text(first(f['source.ip'])),
    hostName: namedHost(e),
    sourceName: e.sourceName,
    userName: text(first(f['user.name'])),
  };
}

/**
 * The host the message names as its own. Ingest fills in the sender's address where a message
 * names none (as an RFC 3164 relay does); that is the network sensor or log collector for every
 * event it forwards, not a host the alert is about.
 */
function namedHost(e: FeedEvent): string | null {
  const host = text(first(e.fields['host.name']));
  return host !== null && host !== e.sourceIp ? host : null;
}

/**
 * Whose alert it is, for de-duplication: source address, host and sender, so two devices logging
 * the same finding about themselves keep an alert each.
 */
function raisedBy(who: ReturnType<typeof whoOf>, e: FeedEvent): string {
  return `${who.sourceIp ?? ''}|${who.hostName ?? ''}|${e.sourceIp ?? ''}`;
}

/** The findings of one detection step, gathered over the parts it was read in. */
export class StepFindings {
  /** in event order */
  readonly findings: Finding[] = [];
  readonly indicatorHits = new Map<string, { count: number; at: string }>();
  readonly #bySender = new Map<string, { first: ObservedEvent; last: ObservedEvent }>();

  /**
   * Keeps what asset discovery reads of these events: one or two per distinct sender address,
   * host name and source address, the first and the last received (discovery keeps first and
   * last seen).
   */
  observeSenders(events: readonly FeedEvent[]): void {
    const bySender = this.#bySender;
    for (const e of events) {
      const f = e.fields;
      const key = `${e.sourceIp ?? ''}\u0000${text(first(f['host.name'])) ?? ''}\u0000${text(first(f['source.ip'])) ?? ''}`;
      const seen = bySender.get(key);
      if (!seen) {
        const observed = concernsOf(e);
        bySender.set(key, { first: observed, last: observed });
      } else if (e.receivedAt < seen.first.receivedAt) seen.first = concernsOf(e);
      else if (e.receivedAt > seen.last.receivedAt) seen.last = concernsOf(e);
    }
  }

  result(): Findings {
    const senders: ObservedEvent[] = [];
    for (const { first: a, last: b } of this.#bySender.values()) {
      senders.push(a);
      if (b !== a) senders.push(b);
    }
    return { findings: this.findings, indicatorHits: this.indicatorHits, senders };
  }
}
