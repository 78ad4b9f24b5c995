import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError, type Clock } from '@prahari/core';
import type { IndicatorRecord, IndicatorRepository, IndicatorType, Tlp } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import { readCsv } from './csv.js';
import { IndicatorMatcher } from './matcher.js';
import { INDICATOR_TYPES, checkIndicator, detectType, likelyType } from './normalise.js';

export const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const DEFAULT_TLP: Tlp = 'amber';
export const DEFAULT_SOURCE = 'manual';

/** One indicator as a person or a script gives it; only `value` is required. */
export interface IndicatorInput {
  value: string;
  /** detected from the value when left out */
  type?: IndicatorType | undefined;
  /** where it came from (a feed, an advisory, a case); default `manual` */
  source?: string | undefined;
  /** default `amber` */
  tlp?: Tlp | undefined;
  /** ISO 8601, or an age from now: `30d`, `12h`, `2w`; null or absent: never */
  expiresAt?: string | null | undefined;
  description?: string | null | undefined;
}

export interface IndicatorListQuery {
  type?: IndicatorType | undefined;
  source?: string | undefined;
  /** part of the value */
  q?: string | undefined;
  /** true: not expired now; false: expired */
  active?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ImportOptions {
  format: 'csv' | 'text';
  /** the source of every line (a CSV `source` column overrides it) */
  source: string;
  tlp?: Tlp | undefined;
  expiresAt?: string | null | undefined;
  /** the type of every line; detected per line when left out */
  type?: IndicatorType | undefined;
  /** check every line and say what would change, changing nothing */
  dryRun?: boolean | undefined;
}

export interface ImportProblem {
  /** 1-based line in the text */
  line: number;
  /** the column or option at fault: value, type, tlp, expires, source, description */
  field: string;
  value: string | null;
  reason: string;
}

export interface IndicatorImportResult {
  dryRun: boolean;
  /** true when the indicators were written: never on a dry run or when any line is bad */
  imported: boolean;
  /** data lines read (not counting blank lines, comments and the CSV header) */
  lines: number;
  /** lines that are good indicators */
  valid: number;
  /** new indicators (or that would be, on a dry run) */
  added: number;
  /** indicators already known whose source, TLP, expiry and description were (would be) replaced */
  updated: number;
  /** lines repeating an earlier line's type and value (the later one wins) */
  duplicates: number;
  byType: Record<IndicatorType, number>;
  /** bad lines, in order (at most 1000 listed) */
  errors: ImportProblem[];
  errorCount: number;
  /** CSV columns that were not understood, and so not read */
  ignoredColumns: string[];
}

export interface IndicatorAddResult {
  added: number;
  updated: number;
  indicators: IndicatorRecord[];
}

const MAX_LISTED_ERRORS = 1000;
const CSV_COLUMNS = ['value', 'type', 'source', 'tlp', 'expires', 'description'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const COLUMN_ALIASES: Record<string, CsvColumn> = {
  indicator: 'value',
  expires_at: 'expires',
  expiresat: 'expires',
  expiry: 'expires',
};

type Problem = { field: string; reason: string };
type Row = Omit<IndicatorRecord, 'hits' | 'lastHitAt'>;
const key = (type: IndicatorType, value: string) => `${type}\u0000${value}`;

/** `amber`, `TLP:AMBER`, `white` (TLP 1.0 for clear) … → the TLP 2.0 label. */
export function parseTlp(text: string): Tlp | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/^tlp:\s*/, '');
  if (t === 'white') return 'clear';
  return (TLPS as readonly string[]).includes(t) ? (t as Tlp) : undefined;
}

const AGE = /^(\d{1,5})\s*([mhdw])$/i;
const AGE_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** An expiry as an ISO time: ISO 8601 (a date alone is its start, UTC) or an age from `now`. */
export function parseExpiry(text: string, now: Date): { ok: true; value: string } | Problem {
  const t = text.trim();
  const age = AGE.exec(t);
  let ms: number;
  if (age) ms = now.getTime() + Number(age[1]) * AGE_MS[age[2]!.toLowerCase()]!;
  else {
    ms = /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN;
    if (Number.isNaN(ms))
      return {
        field: 'expires',
        reason: `'${t}' is not a time: use ISO 8601 (2027-03-31 or 2027-03-31T18:00:00Z) or an age like 30d, 12h, 2w`,
      };
  }
  if (ms <= now.getTime())
    return { field: 'expires', reason: `'${t}' is in the past: the indicator would never match` };
  return { ok: true, value: new Date(ms).toISOString() };
}

/**
 * Indicators of compromise: validated, stored, audited, and kept as a ready `IndicatorMatcher`
 * for detection. The matcher is built by `refresh()` — call it once at start and then
 * periodically (expired indicators drop out); after that every change rebuilds it at once.
 * Until the first `refresh()` (the CLI never calls it) `matcher()` is empty and changes do not
 * rebuild it.
 */
export class IndicatorService {
  #matcher = new IndicatorMatcher([]);
  #live = false;
  #stamp: { count: number; lastUpdatedAt: string | null } | undefined;
  /** the first expiry among the indicators the matcher holds */
  #nextExpiry: string | null = null;
  #refreshing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: IndicatorRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The current matcher (empty until the first `refresh()`). */
  matcher(): IndicatorMatcher {
    return this.#matcher;
  }

  /**
   * Rebuilds the matcher from the indicators active now, unless nothing was added, changed or
   * deleted and none expired since the last build. Returns the current matcher.
   */
  refresh(options: { force?: boolean } = {}): Promise<IndicatorMatcher> {
    const next = this.#refreshing.then(() => this.#refresh(options.force ?? false));
    this.#refreshing = next.catch(() => undefined);
    return next;
  }

  async #refresh(force: boolean): Promise<IndicatorMatcher> {
    const now = this.clock.now().toISOString();
    const stamp = await this.repo.stamp();
    const unchanged =
      this.#stamp !== undefined &&
      stamp.count === this.#stamp.count &&
      stamp.lastUpdatedAt === this.#stamp.lastUpdatedAt &&
      (this.#nextExpiry === null || now < this.#nextExpiry);
    if (this.#live && unchanged && !force) return this.#matcher;
    const active = await this.repo.active(now);
    let nextExpiry: string | null = null;
    for (const ind of active)
      if (ind.expiresAt !== null && (nextExpiry === null || ind.expiresAt < nextExpiry))
        nextExpiry = ind.expiresAt;
    this.#matcher = new IndicatorMatcher(active);
    this.#nextExpiry = nextExpiry;
    this.#stamp = stamp;
    this.#live = true;
    return this.#matcher;
  }

  async #changed(): Promise<void> {
    if (this.#live) await this.refresh({ force: true });
  }

  recordHits(hits: ReadonlyMap<string, { count: number; at: string }>): Promise<void> {
    return this.repo.recordHits(hits);
  }

  async list(
    query: IndicatorListQuery,
  ): Promise<{ indicators: IndicatorRecord[]; nextCursor: string | null }> {
    const now = this.clock.now().toISOString();
    const indicators = await this.repo.list({
      limit: query.limit,
      ...(query.type !== undefined && { type: query.type }),
      ...(query.source !== undefined && query.source !== '' && { source: query.source }),
      ...(query.q !== undefined && query.q !== '' && { text: query.q }),
      ...(query.active === true && { activeAt: now }),
      ...(query.active === false && { expiredAt: now }),
      ...(query.cursor !== undefined && query.cursor !== '' && { afterId: query.cursor }),
    });
    const last = indicators.at(-1);
    return {
      indicators,
      nextCursor: indicators.length === query.limit && last ? last.id : null,
    };
  }

  async get(id: string): Promise<IndicatorRecord> {
    const found = await this.repo.get(id);
    if (!found) throw new NotFoundError(`There is no indicator '${id}'.`);
    return found;
  }

  /** One item checked: the row to store, or what is wrong with which field. */
  #row(
    actor: Actor,
    input: IndicatorInput,
    defaults: { source: string; tlp: Tlp; expiresAt: string | null },
    now: Date,
  ): Row | Problem {
    if (typeof input.value !== 'string' || input.value.trim() === '')
      return { field: 'value', reason: 'the value is empty' };
    let type = input.type;
    if (type !== undefined && !INDICATOR_TYPES.includes(type))
      return {
        field: 'type',
        reason: `'${String(type)}' is not a type; use one of ${INDICATOR_TYPES.join(', ')}`,
      };
    type ??= detectType(input.value);
    if (type === undefined) {
      const likely = likelyType(input.value);
      const why = likely && checkIndicator(likely, input.value);
      if (why && !why.ok) return { field: 'value', reason: `${why.reason} (read as ${likely})` };
    }
    if (type === undefined)
      return {
        field: 'value',
        reason: `cannot tell what kind of indicator '${input.value.trim()}' is; give its type (${INDICATOR_TYPES.join(', ')})`,
      };
    const checked = checkIndicator(type, input.value);
    if (!checked.ok) return { field: 'value', reason: `${checked.reason} (type ${type})` };
    const source = (input.source ?? defaults.source).trim();
    if (source === '' || source.length > 200)
      return { field: 'source', reason: 'the source must be 1 to 200 characters' };
    const tlp = input.tlp ?? defaults.tlp;
    if (!TLPS.includes(tlp))
      return {
        field: 'tlp',
        reason: `'${String(tlp)}' is not a TLP; use one of ${TLPS.join(', ')}`,
      };
    let expiresAt = defaults.expiresAt;
    if (input.expiresAt !== undefined && input.expiresAt !== null && input.expiresAt !== '') {
      const e = parseExpiry(input.expiresAt, now);
      if (!('ok' in e)) return { field: 'expiresAt', reason: e.reason };
      expiresAt = e.value;
    } else if (input.expiresAt === null) expiresAt = null;
    const description = input.description?.trim() || null;
    if (description !== null && description.length > 1000)
      return { field: 'description', reason: 'the description is longer than 1000 characters' };
    const at = now.toISOString();
    return {
      id: randomUUID(),
      type,
      value: checked.value,
      source,
      tlp,
      description,
      expiresAt,
      createdBy: actor.principal?.name ?? 'anonymous',
      createdAt: at,
      updatedAt: at,
    };
  }

  /** Import-wide settings, checked once. */
  #defaults(
    options: {
      source?: string | undefined;
      tlp?: Tlp | undefined;
      expiresAt?: string | null | undefined;
    },
    now: Date,
  ): { source: string; tlp: Tlp; expiresAt: string | null } {
    const source = (options.source ?? DEFAULT_SOURCE).trim();
    if (source === '' || source.length > 200)
      throw new ValidationError('The source must be 1 to 200 characters.', { field: 'source' });
    const tlp = options.tlp ?? DEFAULT_TLP;
    if (!TLPS.includes(tlp))
      throw new ValidationError(`'${String(tlp)}' is not a TLP; use one of ${TLPS.join(', ')}.`, {
        field: 'tlp',
      });
    let expiresAt: string | null = null;
    if (options.expiresAt !== undefined && options.expiresAt !== null && options.expiresAt !== '') {
      const e = parseExpiry(options.expiresAt, now);
      if (!('ok' in e))
        throw new ValidationError(`expiresAt: ${e.reason}.`, { field: 'expiresAt' });
      expiresAt = e.value;
    }
    return { source, tlp, expiresAt };
  }

  /** Rows deduplicated by type and value (the last wins), and which of them exist already. */
  async #existing(rows: Row[]): Promise<{ rows: Row[]; duplicates: number; known: Set<string> }> {
    const unique = new Map<string, Row>();
    for (const r of rows) unique.set(key(r.type, r.value), r);
    const known = new Set<string>();
    for (const type of INDICATOR_TYPES) {
      const values = [...unique.values()].filter((r) => r.type === type).map((r) => r.value);
      if (values.length === 0) continue;
      for (const found of await this.repo.findByValues(type, values))
        known.add(key(found.type, found.value));
    }
    return { rows: [...unique.values()], duplicates: rows.length - unique.size, known };
  }

  /**
   * Adds indicators, or updates those already known (same type and value): source, TLP, expiry
   * and description are replaced. All are checked first; if any is wrong nothing is stored and the
   * 400 names each wrong item by its index and field.
   */
  async add(actor: Actor, items: readonly IndicatorInput[]): Promise<IndicatorAddResult> {
    if (items.length === 0) throw new ValidationError('Give at least one indicator.');
    const now = this.clock.now();
    const rows: Row[] = [];
    const errors: { index: number; field: string; reason: string }[] = [];
    items.forEach((item, index) => {
      const r = this.#row(
        actor,
        item,
        { source: DEFAULT_SOURCE, tlp: DEFAULT_TLP, expiresAt: null },
        now,
      );
      if ('reason' in r) errors.push({ index, ...r });
      else rows.push(r);
    });
    if (errors.length > 0) {
      const listed = errors
        .slice(0, 10)
        .map((e) => `items[${e.index}].${e.field}: ${e.reason}`)
        .join('; ');
      const more = errors.length > 10 ? `; and ${errors.length - 10} more` : '';
      throw new ValidationError(
        `${errors.length} of ${items.length} indicator(s) are wrong, nothing was stored: ${listed}${more}.`,
        { errors },
      );
    }
    const { rows: unique, known } = await this.#existing(rows);
    const added = await this.repo.upsert(unique);
    const stored: IndicatorRecord[] = [];
    for (const type of INDICATOR_TYPES) {
      const values = unique.filter((r) => r.type === type).map((r) => r.value);
      if (values.length > 0) stored.push(...(await this.repo.findByValues(type, values)));
    }
    const order = new Map(unique.map((r, i) => [key(r.type, r.value), i]));
    stored.sort((a, b) => order.get(key(a.type, a.value))! - order.get(key(b.type, b.value))!);
    const first = unique[0]!;
    await this.audit.record(actor, {
      action: 'indicator.add',
      target: unique.length === 1 ? `indicator:${first.type}:${first.value}` : 'indicators',
      details: {
        added,
        updated: unique.length - added,
        indicators: unique.slice(0, 50).map((r) => ({
          type: r.type,
          value: r.value,
          source: r.source,
          tlp: r.tlp,
          expiresAt: r.expiresAt,
          known: known.has(key(r.type, r.value)),
        })),
        ...(unique.length > 50 && { more: unique.length - 50 }),
      },
    });
    await this.#changed();
    return { added, updated: unique.length - added, indicators: stored };
  }

  /**
   * Imports a list: `text` is one value per line (`#` comments and blank lines skipped, the type
   * detected per line unless given); `csv` has a header row naming at least `value`, and may add
   * `type`, `source`, `tlp`, `expires`, `description` per line. All or nothing: if any line is
   * bad, nothing is imported and the 400 lists each bad line with its number and reason. A dry
   * run checks and counts the same way and changes nothing.
   */
  async import(actor: Actor, text: string, options: ImportOptions): Promise<IndicatorImportResult> {
    const now = this.clock.now();
    const defaults = this.#defaults(options, now);
    if (options.type !== undefined && !INDICATOR_TYPES.includes(options.type))
      throw new ValidationError(
        `'${String(options.type)}' is not a type; use one of ${INDICATOR_TYPES.join(', ')}.`,
        { field: 'type' },
      );
    const parsed =
      options.format === 'csv'
        ? this.#csvLines(text, options, defaults)
        : options.format === 'text'
          ? this.#textLines(text, options)
          : undefined;
    if (!parsed)
      throw new ValidationError(`Format '${String(options.format)}' is unknown; use csv or text.`, {
        field: 'format',
      });
    const rows: Row[] = [];
    const errors: ImportProblem[] = [...parsed.errors];
    for (const { line, input } of parsed.lines) {
      const r = this.#row(actor, input, defaults, now);
      if ('reason' in r) {
        const field = r.field === 'expiresAt' ? 'expires' : r.field;
        errors.push({ line, field, value: input.value.trim() || null, reason: r.reason });
      } else rows.push(r);
    }
    errors.sort((a, b) => a.line - b.line);
    const { rows: unique, duplicates, known } = await this.#existing(rows);
    const byType: Record<IndicatorType, number> = { ip: 0, cidr: 0, domain: 0, url: 0, hash: 0 };
    for (const r of unique) byType[r.type]++;
    const wouldUpdate = unique.filter((r) => known.has(key(r.type, r.value))).length;
    const result: IndicatorImportResult = {
      dryRun: options.dryRun === true,
      imported: false,
      lines: parsed.lines.length + parsed.errors.length,
      valid: rows.length,
      added: unique.length - wouldUpdate,
      updated: wouldUpdate,
      duplicates,
      byType,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
      errorCount: errors.length,
      ignoredColumns: parsed.ignoredColumns,
    };
    if (options.dryRun === true) return result;
    if (errors.length > 0) {
      const listed = errors
        .slice(0, 20)
        .map((e) => `line ${e.line}: ${e.reason}`)
        .join('; ');
      const more = errors.length > 20 ? `; and ${errors.length - 20} more` : '';
      throw new ValidationError(
        `${errors.length} of ${result.lines} line(s) are bad, so nothing was imported (an import is all or nothing): ${listed}${more}.`,
        result,
      );
    }
    if (unique.length === 0)
      throw new ValidationError('The list holds no indicators (only blank lines or comments).', {
        field: 'text',
      });
    const added = await this.repo.upsert(unique);
    result.added = added;
    result.updated = unique.length - added;
    result.imported = true;
    await this.audit.record(actor, {
      action: 'indicator.import',
      target: `indicators:source:${defaults.source}`,
      details: {
        format: options.format,
        source: defaults.source,
        tlp: defaults.tlp,
        expiresAt: defaults.expiresAt,
        lines: result.lines,
        added: result.added,
        updated: result.updated,
        duplicates,
        byType,
      },
    });
    await this.#changed();
    return result;
  }

  #textLines(
    text: string,
    options: ImportOptions,
  ): {
    lines: { line: number; input: IndicatorInput }[];
    errors: ImportProblem[];
    ignoredColumns: string[];
  } {
    const lines: { line: number; input: IndicatorInput }[] = [];
    const errors: ImportProblem[] = [];
    const all = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
    all.forEach((raw, i) => {
      // a comment is a line starting with #, or # after a blank (a URL's #fragment has none)
      const value = raw.replace(/(?:^|\s)#.*$/, '').trim();
      if (value === '') return;
      if (/\s/.test(value)) {
        errors.push({
          line: i + 1,
          field: 'value',
          value,
          reason: `one value per line, but this line has several words ('${value.slice(0, 80)}'); use CSV for descriptions`,
        });
        return;
      }
      lines.push({ line: i + 1, input: { value, type: options.type } });
    });
    return { lines, errors, ignoredColumns: [] };
  }

  #csvLines(
    text: string,
    options: ImportOptions,
    defaults: { source: string; tlp: Tlp; expiresAt: string | null },
  ): {
    lines: { line: number; input: IndicatorInput }[];
    errors: ImportProblem[];
    ignoredColumns: string[];
  } {
    const { records, problems } = readCsv(text);
    const errors: ImportProblem[] = problems.map((p) => ({
      line: p.line,
      field: 'csv',
      value: null,
      reason: p.reason,
    }));
    const data = records.filter(
      (r) => r.cells.some((c) => c.trim() !== '') && !r.cells[0]!.trimStart().startsWith('#'),
    );
    const header = data.shift();
    if (!header)
      throw new ValidationError('The CSV is empty: it needs a header row naming a value column.', {
        field: 'text',
      });
    const columns = header.cells.map((c) => {
      const name = c.trim().toLowerCase();
      return (CSV_COLUMNS as readonly string[]).includes(name)
        ? (name as CsvColumn)
        : COLUMN_ALIASES[name];
    });
    const ignoredColumns = header.cells
      .filter((_c, i) => columns[i] === undefined)
      .map((c) => c.trim());
    if (!columns.includes('value'))
      throw new ValidationError(
        `The CSV header (line ${header.line}) must name a 'value' column; it has: ${header.cells.join(', ')}. Columns Prahari reads: ${CSV_COLUMNS.join(', ')}.`,
        { field: 'text', line: header.line },
      );
    const lines: { line: number; input: IndicatorInput }[] = [];
    for (const r of data) {
      if (r.cells.length > columns.length) {
        errors.push({
          line: r.line,
          field: 'csv',
          value: null,
          reason: `${r.cells.length} fields where the header names ${columns.length}; quote values that hold a comma`,
        });
        continue;
      }
      const cell: Partial<Record<CsvColumn, string>> = {};
      columns.forEach((c, i) => {
        const v = r.cells[i]?.trim();
        if (c !== undefined && v !== undefined && v !== '') cell[c] = v;
      });
      const value = cell.value ?? '';
      const problem = (field: string, reason: string) =>
        errors.push({ line: r.line, field, value: value || null, reason });
      let type = options.type;
      if (cell.type !== undefined) {
        const t = cell.type.toLowerCase();
        if (!(INDICATOR_TYPES as readonly string[]).includes(t)) {
          problem('type', `'${cell.type}' is not a type; use one of ${INDICATOR_TYPES.join(', ')}`);
          continue;
        }
        type = t as IndicatorType;
      }
      let tlp = defaults.tlp;
      if (cell.tlp !== undefined) {
        const t = parseTlp(cell.tlp);
        if (t === undefined) {
          problem('tlp', `'${cell.tlp}' is not a TLP; use one of ${TLPS.join(', ')}`);
          continue;
        }
        tlp = t;
      }
      lines.push({
        line: r.line,
        input: {
          value,
          type,
          source: cell.source ?? defaults.source,
          tlp,
          expiresAt: cell.expires ?? defaults.expiresAt,
          description: cell.description ?? null,
        },
      });
    }
    return { lines, errors, ignoredColumns };
  }

  /** Deletes one indicator; it stops matching at once. */
  async delete(actor: Actor, id: string): Promise<IndicatorRecord> {
    const existing = await this.get(id);
    await this.repo.delete(id);
    await this.audit.record(actor, {
      action: 'indicator.delete',
      target: `indicator:${existing.type}:${existing.value}`,
      details: { id, type: existing.type, value: existing.value, source: existing.source },
    });
    await this.#changed();
    return existing;
  }
}
