/**
 * The raw log lines a report attaches: read from the raw archive (the legal record, kept as
 * received) for the incident's period, keeping the lines sent by an affected system or mentioning
 * one of the incident's addresses or hosts, up to a cap. Reading is bounded too: past the scan
 * limit it stops and says the count of lines left out is a lower bound.
 */
import { isUtf8 } from 'node:buffer';
import type { ArchiveRecord } from '@prahari/ingest';
import type { LogExcerpt, LogLine, ReportFacts } from './facts.js';
import { suspectedSources } from './sections.js';

/** What reads the archive: `RawArchive`, or `exportArchive(dir, range)` for a closed one. */
export interface ArchiveReader {
  export(range: { from: Date; to: Date }): AsyncIterable<ArchiveRecord>;
}

export interface LogQuery {
  /** the period, [from, to) by receive time */
  from: Date;
  to: Date;
  /** keep lines sent from these addresses */
  senders: readonly string[];
  /** keep lines whose text mentions one of these (addresses, hostnames), as a whole word */
  terms: readonly string[];
  /** lines kept at most (default 2000) */
  maxLines?: number;
  /** records read at most (default 5,000,000) */
  scanLimit?: number;
}

export const DEFAULT_MAX_LOG_LINES = 2000;
export const DEFAULT_LOG_SCAN_LIMIT = 5_000_000;

/** How long before the first evidence the period starts: the reconnaissance that led to it. */
const LEAD_IN_MS = 60 * 60_000;

/**
 * The period a report's logs cover: from an hour before the first evidence (or before it was
 * noticed) until it was closed, or until the report is generated while it is open.
 */
export function logPeriod(facts: ReportFacts): { from: Date; to: Date } {
  const start = Date.parse(facts.incident.occurredAt ?? facts.incident.noticedAt) - LEAD_IN_MS;
  const end = Date.parse(facts.incident.closedAt ?? facts.generatedAt);
  return { from: new Date(start), to: new Date(Math.max(end, start + 1)) };
}

/**
 * What makes a line relevant: sent by an affected system, or mentioning an affected system's
 * address or hostname, a suspected source or a host/domain observable.
 */
export function logCriteria(facts: ReportFacts): { senders: string[]; terms: string[] } {
  const senders = [...new Set(facts.affectedSystems.flatMap((s) => s.ipAddresses))].sort();
  const terms = new Set<string>([
    ...senders,
    ...facts.affectedSystems.flatMap((s) => s.hostnames),
    ...suspectedSources(facts),
    ...facts.observables
      .filter((o) => o.type === 'host' || o.type === 'domain')
      .map((o) => o.value),
  ]);
  return { senders, terms: [...terms].sort() };
}

/** `::ffff:10.0.0.5` (an IPv4 sender on a dual-stack socket) is `10.0.0.5`. */
function plainAddress(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

const WORD = /[a-z0-9_]/i;

/**
 * `text` mentions `term` as a whole: `10.0.0.1` is not found in `10.0.0.15` or `110.0.0.1`, and
 * `web-01` is found in `web-01.pmc.local` but not in `web-010`.
 */
export function mentions(text: string, term: string): boolean {
  if (term === '') return false;
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
    const before = at > 0 ? text[at - 1]! : ' ';
    const after = text[at + term.length] ?? ' ';
    const next = text[at + term.length + 1] ?? ' ';
    const boundedBefore = !WORD.test(before) && before !== '.' && before !== '-';
    const boundedAfter =
      !WORD.test(after) && after !== '-' && !(after === '.' && /[0-9]/.test(next));
    if (boundedBefore && boundedAfter) return true;
  }
  return false;
}

function lineOf(record: ArchiveRecord, utf8: boolean): LogLine {
  return {
    receivedAt: record.receivedAt.toISOString(),
    listener: record.listener,
    sourceIp: record.sourceIp,
    sourcePort: record.sourcePort,
    message: record.raw.toString(utf8 ? 'utf8' : 'base64'),
    encoding: utf8 ? 'utf8' : 'base64',
    flags: record.flags ?? [],
  };
}

/** The matching lines of the period, in archive order, capped. */
export async function gatherLogs(archive: ArchiveReader, query: LogQuery): Promise<LogExcerpt> {
  const maxLines = query.maxLines ?? DEFAULT_MAX_LOG_LINES;
  const scanLimit = query.scanLimit ?? DEFAULT_LOG_SCAN_LIMIT;
  const senders = new Set(query.senders.map(plainAddress));
  const terms = [...new Set(query.terms.map((t) => t.trim().toLowerCase()))].filter(Boolean);
  const lines: LogLine[] = [];
  let omitted = 0;
  let scanned = 0;
  let complete = true;
  for await (const record of archive.export({ from: query.from, to: query.to })) {
    if (scanned >= scanLimit) {
      complete = false;
      break;
    }
    scanned++;
    const utf8 = isUtf8(record.raw);
    const fromSender = record.sourceIp !== null && senders.has(plainAddress(record.sourceIp));
    let relevant = fromSender;
    if (!relevant && utf8 && terms.length > 0) {
      const text = record.raw.toString('utf8').toLowerCase();
      relevant = terms.some((term) => mentions(text, term));
    }
    if (!relevant) continue;
    if (lines.length < maxLines) lines.push(lineOf(record, utf8));
    else omitted++;
  }
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    senders: [...senders].sort(),
    terms,
    lines,
    omitted,
    scanned,
    complete,
  };
}

/** The lines as NDJSON, one JSON object (a `LogLine`) per line: the bundle's logs.ndjson. */
export function logsNdjson(logs: LogExcerpt | null): Buffer {
  if (logs === null || logs.lines.length === 0) return Buffer.alloc(0);
  return Buffer.from(`${logs.lines.map((l) => JSON.stringify(l)).join('\n')}\n`, 'utf8');
}
