/**
 * Splits text holding JSON events — JSON lines, a JSON array, or concatenated (pretty-printed)
 * objects as in SigmaHQ's regression data — into values. Works on chunks, so a large file is
 * read piece by piece; unparseable parts are reported with their offset and skipped.
 */

export interface JsonEventError {
  offset: number;
  message: string;
}

export interface JsonEventsResult {
  events: unknown[];
  errors: JsonEventError[];
}

/** Incremental splitter: `push` text chunks, get back the complete top-level values. */
export class JsonEventStream {
  #buf = '';
  /** offset of #buf[0] in the whole input */
  #base = 0;
  /** scan position inside #buf and the state there */
  #pos = 0;
  #start = -1;
  #depth = 0;
  #inStr = false;
  #esc = false;
  readonly errors: JsonEventError[] = [];

  push(chunk: string, out: unknown[] = []): unknown[] {
    this.#buf += chunk;
    this.#scan(out, false);
    return out;
  }

  /** Ends the input: a value left open is an error. */
  end(out: unknown[] = []): unknown[] {
    this.#scan(out, true);
    if (this.#start >= 0)
      this.errors.push({
        offset: this.#base + this.#start,
        message: 'unterminated JSON value at end of input',
      });
    this.#buf = '';
    return out;
  }

  #emit(text: string, offset: number, out: unknown[]): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.errors.push({ offset, message: (e as Error).message });
      return;
    }
    if (Array.isArray(value)) for (const v of value as unknown[]) out.push(v);
    else out.push(value);
  }

  #scan(out: unknown[], final: boolean): void {
    const b = this.#buf;
    let i = this.#pos;
    const n = b.length;
    while (i < n) {
      const c = b.charCodeAt(i);
      if (this.#start < 0) {
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff) {
          i++;
          continue;
        }
        if (c !== 123 && c !== 91) {
          const eol = b.indexOf('\n', i);
          if (eol < 0 && !final) break;
          this.errors.push({ offset: this.#base + i, message: 'not a JSON object or array' });
          i = eol < 0 ? n : eol + 1;
          continue;
        }
        this.#start = i;
        this.#depth = 0;
        this.#inStr = false;
        this.#esc = false;
      }
      if (this.#inStr) {
        if (this.#esc) this.#esc = false;
        else if (c === 92) this.#esc = true;
        else if (c === 34) this.#inStr = false;
        i++;
        continue;
      }
      if (c === 34) this.#inStr = true;
      else if (c === 123 || c === 91) this.#depth++;
      else if (c === 125 || c === 93) {
        this.#depth--;
        if (this.#depth === 0) {
          this.#emit(b.slice(this.#start, i + 1), this.#base + this.#start, out);
          this.#start = -1;
        }
      }
      i++;
    }
    // keep only what is still needed
    const keep = this.#start >= 0 ? this.#start : i;
    this.#buf = b.slice(keep);
    this.#base += keep;
    this.#pos = i - keep;
    if (this.#start >= 0) this.#start = 0;
  }
}

export function parseJsonEvents(text: string): JsonEventsResult {
  const s = new JsonEventStream();
  const events = s.push(text);
  s.end(events);
  return { events, errors: s.errors };
}
