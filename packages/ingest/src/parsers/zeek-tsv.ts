/**
 * Zeek's native TSV log files: `#separator`, `#fields`, `#types` headers, then one record per
 * line. This is a file-level format (a single line means nothing without its header), so it is
 * read with a stateful reader and each record is mapped like Zeek JSON.
 */
import type { ParseContext, ParseOutcome } from './types.js';
import { fail } from './types.js';
import { zeekEvent, type JsonObject } from './json.js';
import { isSafeKey } from './event.js';

export interface ZeekTsvOptions {
  /** log path (`conn`, `modbus` …) for files whose `#path` header is missing */
  path?: string;
  /** column names for files without a `#fields` header (e.g. Zeek's standard modbus.log) */
  fields?: string[];
  types?: string[];
}

function unescapeZeek(v: string): string {
  return v.includes('\\x')
    ? v.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    : v;
}

export class ZeekTsvReader {
  private separator = '\t';
  private setSeparator = ',';
  private emptyField = '(empty)';
  private unsetField = '-';
  private path: string | undefined;
  private fields: string[] | undefined;
  private types: string[] | undefined;

  constructor(options: ZeekTsvOptions = {}) {
    this.path = options.path;
    this.fields = options.fields;
    this.types = options.types;
  }

  /** One line of the file; header lines update the reader and return undefined. */
  line(raw: string, ctx: ParseContext): ParseOutcome | undefined {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') return undefined;
    if (line.startsWith('#')) {
      this.header(line);
      return undefined;
    }
    if (this.fields === undefined) return fail('zeek-tsv: record before any #fields header');
    const values = line.split(this.separator);
    if (values.length !== this.fields.length) {
      return fail(`zeek-tsv: ${values.length} columns where #fields names ${this.fields.length}`);
    }
    const record: JsonObject = {};
    for (let i = 0; i < values.length; i++) {
      const name = this.fields[i]!;
      const value = values[i]!;
      if (value === this.unsetField || !isSafeKey(name)) continue;
      record[name] = this.convert(value, this.types?.[i]);
    }
    return zeekEvent(record, ctx, this.path);
  }

  private header(line: string): void {
    if (line.startsWith('#separator ')) {
      this.separator = unescapeZeek(line.slice('#separator '.length));
      return;
    }
    const parts = line.split(this.separator);
    const key = parts[0];
    const rest = parts.slice(1);
    switch (key) {
      case '#set_separator':
        this.setSeparator = rest[0] ?? ',';
        break;
      case '#empty_field':
        this.emptyField = rest[0] ?? '(empty)';
        break;
      case '#unset_field':
        this.unsetField = rest[0] ?? '-';
        break;
      case '#path':
        if (rest[0] !== undefined) this.path = rest[0];
        break;
      case '#fields':
        this.fields = rest;
        break;
      case '#types':
        this.types = rest;
        break;
    }
  }

  private convert(value: string, type: string | undefined): unknown {
    if (type === undefined) return unescapeZeek(value);
    if (type.startsWith('set[') || type.startsWith('vector[')) {
      if (value === this.emptyField) return [];
      const inner = type.slice(type.indexOf('[') + 1, -1);
      return value.split(this.setSeparator).map((v) => this.convert(v, inner));
    }
    if (value === this.emptyField) return '';
    switch (type) {
      case 'time':
      case 'interval':
      case 'double': {
        const n = Number(value);
        // btest baselines mask times as XXXXXXXXXX.XXXXXX; keep the text rather than NaN.
        return Number.isFinite(n) ? n : value;
      }
      case 'count':
      case 'int':
      case 'port': {
        const n = Number(value);
        return Number.isFinite(n) ? n : value;
      }
      case 'bool':
        return value === 'T' ? true : value === 'F' ? false : value;
      default:
        return unescapeZeek(value);
    }
  }
}

/** Every record of a whole Zeek TSV file. */
export function parseZeekTsv(
  text: string,
  ctx: ParseContext,
  options: ZeekTsvOptions = {},
): ParseOutcome[] {
  const reader = new ZeekTsvReader(options);
  const out: ParseOutcome[] = [];
  for (const line of text.split('\n')) {
    const r = reader.line(line, ctx);
    if (r !== undefined) out.push(r);
  }
  return out;
}
