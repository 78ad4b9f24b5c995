import Sqlite from 'better-sqlite3';
// Only types from the repositories: the detection thread loads this module, and loading Kysely
// there would cost it time and memory for nothing.
import type { EventRecord } from './repositories.js';

/** An event as detection reads it: what rules, indicators and asset enrichment look at. */
export interface FeedEvent extends Pick<
  EventRecord,
  | 'seq'
  | 'receivedAt'
  | 'eventTime'
  | 'sourceIp'
  | 'sourceName'
  | 'logsource'
  | 'message'
  | 'fields'
> {
  /**
   * The text as received, only where detection needs it: a Windows event in the evtx_dump JSON
   * layout (`isEvtxDocument`), which rules see as the original document.
   */
  raw: string | null;
}

/**
 * Whether stored fields are those of a Windows event in the evtx_dump JSON layout: an
 * `Event.System.EventID`, flattened as a value or, where the element has attributes, as
 * `{ "#text", "#attributes" }`.
 */
export function isEvtxDocument(fields: Record<string, unknown>): boolean {
  return (
    fields['Event.System.EventID'] !== undefined ||
    fields['Event.System.EventID.#text'] !== undefined
  );
}

type FeedRow = [
  seq: number,
  receivedAt: string,
  eventTime: string,
  sourceIp: string | null,
  sourceName: string | null,
  product: string | null,
  category: string | null,
  service: string | null,
  message: string,
  fields: string,
];

/**
 * Reads the events table in `seq` order on a read-only connection of its own, for a thread that
 * follows it (detection): only the columns detection uses, as arrays rather than named rows, and
 * the raw text only of the events that need it — the raw text is most of a row's bytes.
 */
export class EventFeedReader {
  readonly #sqlite: Sqlite.Database;
  readonly #after: Sqlite.Statement<[number, number, number], FeedRow>;
  readonly #raw: Sqlite.Statement<[number], string>;

  constructor(options: { path: string; busyTimeoutMs: number }) {
    this.#sqlite = new Sqlite(options.path, {
      readonly: true,
      fileMustExist: true,
      timeout: options.busyTimeoutMs,
    });
    this.#after = this.#sqlite
      .prepare<[number, number, number], FeedRow>(
        `select seq, received_at, event_time, source_ip, source_name, product, category, service,
           message, fields
         from events where seq > ? and seq <= ? order by seq limit ?`,
      )
      .raw(true);
    this.#raw = this.#sqlite
      .prepare<[number], string>('select raw from events where seq = ?')
      .pluck(true);
  }

  /** Events after `seq` up to `untilSeq`, oldest first, at most `limit`. */
  readAfter(seq: number, untilSeq: number, limit: number): FeedEvent[] {
    return this.#after.all(seq, untilSeq, limit).map((r) => {
      const logsource: FeedEvent['logsource'] = {};
      if (r[5] !== null) logsource.product = r[5];
      if (r[6] !== null) logsource.category = r[6];
      if (r[7] !== null) logsource.service = r[7];
      const fields = JSON.parse(r[9]) as Record<string, unknown>;
      return {
        seq: r[0],
        receivedAt: r[1],
        eventTime: r[2],
        sourceIp: r[3],
        sourceName: r[4],
        logsource,
        message: r[8],
        fields,
        // Fetched by key only for these events: asking SQL to look for the key in every row's
        // fields text (`instr`) cost as much as reading the row.
        raw: isEvtxDocument(fields) ? (this.#raw.get(r[0]) ?? null) : null,
      };
    });
  }

  close(): void {
    this.#sqlite.close();
  }
}
