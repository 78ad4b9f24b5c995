import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { ValidationError, type QueryNode } from '@prahari/core';
import type { DialectHelper } from './dialect.js';
import { fromEventRow } from './event-repositories.js';
import type { EventRecord } from './repositories.js';
import type { Database } from './schema.js';

export interface EventSearch {
  query: QueryNode;
  /** event-time range, ISO 8601 UTC, from inclusive, to exclusive */
  from?: string;
  to?: string;
  order?: 'desc' | 'asc';
  limit: number;
  /** the `nextCursor` of the previous page */
  cursor?: string;
}

export interface EventPage {
  events: EventRecord[];
  nextCursor: string | null;
}

type Column =
  | 'seq'
  | 'received_at'
  | 'event_time'
  | 'listener'
  | 'parser'
  | 'source_ip'
  | 'source_port'
  | 'source_name'
  | 'product'
  | 'category'
  | 'service'
  | 'host_name'
  | 'src_ip'
  | 'dst_ip'
  | 'dst_port'
  | 'user_name'
  | 'action'
  | 'outcome'
  | 'message';

/** Query field names that live in their own indexed column; every other name is a parsed field. */
export const COLUMN_FIELDS: Record<string, { column: Column; kind: 'text' | 'number' | 'time' }> = {
  seq: { column: 'seq', kind: 'number' },
  '@timestamp': { column: 'event_time', kind: 'time' },
  time: { column: 'event_time', kind: 'time' },
  received: { column: 'received_at', kind: 'time' },
  listener: { column: 'listener', kind: 'text' },
  parser: { column: 'parser', kind: 'text' },
  sender: { column: 'source_ip', kind: 'text' },
  'sender.port': { column: 'source_port', kind: 'number' },
  source: { column: 'source_name', kind: 'text' },
  product: { column: 'product', kind: 'text' },
  category: { column: 'category', kind: 'text' },
  service: { column: 'service', kind: 'text' },
  'host.name': { column: 'host_name', kind: 'text' },
  'source.ip': { column: 'src_ip', kind: 'text' },
  'destination.ip': { column: 'dst_ip', kind: 'text' },
  'destination.port': { column: 'dst_port', kind: 'number' },
  'user.name': { column: 'user_name', kind: 'text' },
  'event.action': { column: 'action', kind: 'text' },
  'event.outcome': { column: 'outcome', kind: 'text' },
  message: { column: 'message', kind: 'text' },
};

const hasWildcard = (v: string) => /(?<!\\)[*?]/.test(v);

/** Sigma-style wildcards to a LIKE pattern with `\` as the escape character. */
export function likePattern(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1]!)) {
      out += value[++i] === '\\' ? '\\\\' : value[i];
    } else if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else if (c === '%' || c === '_' || c === '\\') out += `\\${c}`;
    else out += c;
  }
  return out;
}

function literal(value: string): string {
  return value.replace(/\\([*?\\])/g, '$1');
}

function toTime(field: string, value: string): string {
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) {
    throw new ValidationError(
      `'${field}' is compared with '${value}', which is not a time; write it as ISO 8601, e.g. 2026-11-25T10:00:00Z.`,
      { field: 'q' },
    );
  }
  return t.toISOString();
}

function toNumber(field: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new ValidationError(`'${field}' is compared with '${value}', which is not a number.`, {
      field: 'q',
    });
  }
  return n;
}

const SQL_OPS = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/** A free-text term the full-text index answers (not a `*` pattern inside a word). */
function usesFullTextIndex(n: Extract<QueryNode, { type: 'text' }>): boolean {
  return n.phrase || !hasWildcard(n.value.replace(/\*$/, ''));
}

function fullTextTerms(n: QueryNode, into = new Set<string>()): Set<string> {
  if (n.type === 'and' || n.type === 'or') for (const item of n.items) fullTextTerms(item, into);
  else if (n.type === 'not') fullTextTerms(n.item, into);
  else if (n.type === 'text' && usesFullTextIndex(n)) into.add(n.value);
  return into;
}

/**
 * Compiles the query language into one WHERE expression over `events`. Free-text terms listed in
 * `frequentTerms` filter rows rather than lead the query (see `FullTextUse`).
 */
export function compileQuery(
  node: QueryNode,
  dialect: DialectHelper,
  frequentTerms: ReadonlySet<string> = new Set(),
): (eb: ExpressionBuilder<Database, 'events'>) => Expression<SqlBool> {
  return (eb) => {
    const walk = (n: QueryNode): Expression<SqlBool> => {
      switch (n.type) {
        case 'all':
          return sql<SqlBool>`1 = 1`;
        case 'and':
          return eb.and(n.items.map(walk));
        case 'or':
          return eb.or(n.items.map(walk));
        case 'not':
          return eb.not(walk(n.item));
        case 'text':
          if (!usesFullTextIndex(n)) {
            return eb('message', 'like', sql<string>`${`%${likePattern(n.value)}%`} escape '\\'`);
          }
          return dialect.fullTextMatch(
            'events',
            'seq',
            n.value,
            frequentTerms.has(n.value) ? 'filter' : 'lead',
          );
        case 'field':
          return fieldCondition(eb, n, dialect);
      }
    };
    return walk(node);
  };
}

function fieldCondition(
  eb: ExpressionBuilder<Database, 'events'>,
  n: Extract<QueryNode, { type: 'field' }>,
  dialect: DialectHelper,
): Expression<SqlBool> {
  const mapped = COLUMN_FIELDS[n.field];
  // A missing value must make the condition false, not unknown, so that NOT selects those rows.
  const present = (value: Expression<unknown>, cond: Expression<SqlBool>) =>
    eb.and([eb(value, 'is not', null), cond]);
  if (n.op !== 'eq') {
    const op = SQL_OPS[n.op];
    if (mapped?.kind === 'time') return eb(mapped.column, op, toTime(n.field, n.value));
    if (mapped?.kind === 'number') return eb(mapped.column, op, toNumber(n.field, n.value));
    if (mapped) return present(eb.ref(mapped.column), eb(mapped.column, op, n.value));
    const value = dialect.jsonNumber('fields', n.field);
    return present(value, eb(value, op, toNumber(n.field, n.value)));
  }
  const wildcard = !n.quoted && hasWildcard(n.value);
  if (mapped) {
    if (mapped.kind === 'time' && !wildcard)
      return eb(mapped.column, '=', toTime(n.field, n.value));
    if (mapped.kind === 'number' && !wildcard)
      return eb(mapped.column, '=', toNumber(n.field, n.value));
    const ref = eb.ref(mapped.column);
    return present(
      ref,
      wildcard
        ? eb(ref, 'like', sql<string>`${likePattern(n.value)} escape '\\'`)
        : eb(ref, '=', n.quoted ? n.value : literal(n.value)),
    );
  }
  const value = dialect.jsonText('fields', n.field);
  return present(
    value,
    wildcard
      ? eb(value, 'like', sql<string>`${likePattern(n.value)} escape '\\'`)
      : eb(value, '=', n.quoted ? n.value : literal(n.value)),
  );
}

function encodeCursor(time: string, seq: number): string {
  return Buffer.from(JSON.stringify([time, seq])).toString('base64url');
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'number')
      return [value[0], value[1]];
  } catch {
    // reported below
  }
  throw new ValidationError('The cursor is not one this server gave out; start again without it.', {
    field: 'cursor',
  });
}

const FREQUENT_TERM_MIN_MATCHES = 5000;

/** Searches, counts and top values over stored events. */
export class EventSearcher {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectHelper,
  ) {}

  #base(search: Pick<EventSearch, 'query' | 'from' | 'to'>, frequentTerms?: ReadonlySet<string>) {
    let q = this.db
      .selectFrom('events')
      .where(compileQuery(search.query, this.dialect, frequentTerms));
    if (search.from) q = q.where('event_time', '>=', search.from);
    if (search.to) q = q.where('event_time', '<', search.to);
    return q;
  }

  async search(search: EventSearch): Promise<EventPage> {
    const desc = (search.order ?? 'desc') === 'desc';
    let q = this.#base(search, await this.frequentTerms(search.query)).selectAll();
    if (search.cursor) {
      const [time, seq] = decodeCursor(search.cursor);
      q = q.where((eb) =>
        eb.or([
          eb('event_time', desc ? '<' : '>', time),
          eb.and([eb('event_time', '=', time), eb('seq', desc ? '<' : '>', seq)]),
        ]),
      );
    }
    const rows = await q
      .orderBy('event_time', desc ? 'desc' : 'asc')
      .orderBy('seq', desc ? 'desc' : 'asc')
      .limit(search.limit + 1)
      .execute();
    const page = rows.slice(0, search.limit);
    const last = page.at(-1);
    return {
      events: page.map(fromEventRow),
      nextCursor:
        rows.length > search.limit && last ? encodeCursor(last.event_time, Number(last.seq)) : null,
    };
  }

  /**
   * The free-text terms of a query that match so many stored events that a page of results is
   * found sooner by walking the time index than by fetching and sorting every match: at least
   * one event in a thousand, and 5,000. One bounded count per term decides; a term found in a
   * million events cost 0.5-1 s to page through the other way.
   */
  async frequentTerms(query: QueryNode): Promise<ReadonlySet<string>> {
    const terms = fullTextTerms(query);
    if (terms.size === 0) return terms;
    const span = await this.db
      .selectFrom('events')
      .select((eb) => [eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')])
      .executeTakeFirst();
    const stored = span?.first == null ? 0 : Number(span.last) - Number(span.first) + 1;
    const cap = Math.max(FREQUENT_TERM_MIN_MATCHES, Math.ceil(stored / 1000));
    const frequent = new Set<string>();
    for (const term of terms) {
      const n = await this.dialect.fullTextCount(this.db as Kysely<unknown>, 'events', term, cap);
      if (n >= cap) frequent.add(term);
    }
    return frequent;
  }

  async count(search: Pick<EventSearch, 'query' | 'from' | 'to'>): Promise<number> {
    const r = await this.#base(search)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Matching events per time bucket of `bucketSeconds` over [from, to), every bucket listed (zero
   * included; the first may start before `from`), for the histogram above search results.
   */
  async histogram(
    search: Pick<EventSearch, 'query'> & { from: string; to: string },
    bucketSeconds: number,
  ): Promise<{ start: string; count: number }[]> {
    // Buckets start on whole multiples of their size, so bars fall on round times.
    const from = Math.floor(Date.parse(search.from) / 1000 / bucketSeconds) * bucketSeconds;
    const to = Math.ceil(Date.parse(search.to) / 1000);
    // Whole numbers inlined: bound JS numbers arrive as reals and would make the division real.
    const bucket = sql<number>`(${this.dialect.epochSeconds('event_time')} - ${sql.lit(from)}) / ${sql.lit(Math.trunc(bucketSeconds))}`;
    const rows = await this.#base(search)
      .select([bucket.as('bucket'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('bucket')
      .execute();
    const counts = new Map(rows.map((r) => [Number(r.bucket), Number(r.n)]));
    const out: { start: string; count: number }[] = [];
    for (let b = 0; from + b * bucketSeconds < to; b++) {
      out.push({
        start: new Date((from + b * bucketSeconds) * 1000).toISOString(),
        count: counts.get(b) ?? 0,
      });
    }
    return out;
  }

  /** The most frequent values of one field among matching events (for dashboards and sidebars). */
  async topValues(
    search: Pick<EventSearch, 'query' | 'from' | 'to'>,
    field: string,
    limit: number,
  ): Promise<{ value: string | null; count: number }[]> {
    const mapped = COLUMN_FIELDS[field];
    const value = mapped
      ? sql<string | null>`${sql.ref(mapped.column)}`
      : this.dialect.jsonText('fields', field);
    const rows = await this.#base(search)
      .select([value.as('value'), (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('value')
      .orderBy('n', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      value: r.value === null ? null : String(r.value),
      count: Number(r.n),
    }));
  }
}
