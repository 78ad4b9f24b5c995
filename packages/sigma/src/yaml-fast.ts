/**
 * The fast path for reading rule files: js-yaml's event stream turned straight into plain values
 * with the source positions the validator reports, at about twice the speed of composing a
 * document tree with the `yaml` library — which is most of the time it takes to load the SigmaHQ
 * corpus.
 *
 * It resolves plain scalars as YAML 1.2's core schema does (the `yaml` library's default), and
 * keeps a number's source text. Anything it does not reproduce exactly — a syntax error, a
 * duplicate key, tags, anchors and aliases, complex keys, an empty list item — makes it return
 * null, and the loader reads that file with the `yaml` library instead, which reports errors with
 * their positions. A test over the whole corpus checks both paths give the same rules.
 */
import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents } from 'js-yaml';

export type Pos = { line: number; col: number; text?: string };
/** Source positions (and number source text) of the keys/indexes of every container. */
export type Meta = WeakMap<object, Map<string | number, Pos>>;

export interface FastDocument {
  value: unknown;
  /** 1-based; where the `yaml` library puts the document's start (its `---` marker if any) */
  line: number;
  col: number;
}

const INT = /^[-+]?[0-9]+$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const INF = /^[-+]?\.(?:inf|Inf|INF)$/;
const NAN = /^\.(?:nan|NaN|NAN)$/;

/** A plain scalar's value under the YAML 1.2 core schema. */
function resolvePlain(text: string): string | number | boolean | null {
  switch (text) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c = text.charCodeAt(0);
  // Only text starting with a digit, sign or dot can be a number.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return text;
  if (INT.test(text) || FLOAT.test(text) || FLOAT_EXP.test(text)) return Number(text);
  if (INT_OCT.test(text)) return parseInt(text.slice(2), 8);
  if (INT_HEX.test(text)) return parseInt(text.slice(2), 16);
  if (INF.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (NAN.test(text)) return NaN;
  return text;
}

class Unsupported extends Error {}

/** Parses every document of `text`, or returns null when the `yaml` library must do it. */
export function parseFast(text: string, meta: Meta): FastDocument[] | null {
  let events;
  try {
    events = parseEvents(text, {});
  } catch {
    return null;
  }
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const posAt = (offset: number): Pos => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - lineStarts[lo]! + 1 };
  };
  // Where a node starts as the `yaml` library counts it: quoted scalars at their quote.
  const startOf = (e: (typeof events)[number]): number => {
    if (e.type === EVENT_ID.SCALAR) {
      if (e.valueStart < 0) throw new Unsupported();
      return e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED
        ? e.valueStart - 1
        : e.valueStart;
    }
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return e.start;
    throw new Unsupported();
  };

  let i = 0;
  // Returns the node's value; `numberText` receives a plain number's source text.
  const node = (numberText: { text?: string }): unknown => {
    const e = events[i++]!;
    if (e.type === EVENT_ID.ALIAS || e.type === EVENT_ID.DOCUMENT || e.type === EVENT_ID.POP)
      throw new Unsupported();
    if (e.anchorStart !== -1 || e.tagStart !== -1) throw new Unsupported();
    if (e.type === EVENT_ID.SCALAR) {
      const value = getScalarValue(text, e);
      if (e.style !== SCALAR_STYLE.PLAIN) return value;
      const resolved = resolvePlain(value);
      if (typeof resolved === 'number') numberText.text = value;
      return resolved;
    }
    if (e.type === EVENT_ID.SEQUENCE) {
      const arr: unknown[] = [];
      const positions = new Map<string | number, Pos>();
      while (events[i]!.type !== EVENT_ID.POP) {
        const pos = posAt(startOf(events[i]!));
        const item: { text?: string } = {};
        arr.push(node(item));
        if (item.text !== undefined) pos.text = item.text;
        positions.set(arr.length - 1, pos);
      }
      i++;
      meta.set(arr, positions);
      return arr;
    }
    const obj: Record<string, unknown> = {};
    const positions = new Map<string | number, Pos>();
    while (events[i]!.type !== EVENT_ID.POP) {
      const keyEvent = events[i]!;
      if (keyEvent.type !== EVENT_ID.SCALAR) throw new Unsupported();
      const pos = posAt(startOf(keyEvent));
      const key = node({});
      const name = String(key);
      if (Object.prototype.hasOwnProperty.call(obj, name)) throw new Unsupported();
      const value: { text?: string } = {};
      obj[name] = node(value);
      if (value.text !== undefined) pos.text = value.text;
      positions.set(name, pos);
    }
    i++;
    meta.set(obj, positions);
    return obj;
  };

  const docs: FastDocument[] = [];
  try {
    while (i < events.length) {
      const doc = events[i++]!;
      if (doc.type !== EVENT_ID.DOCUMENT) throw new Unsupported();
      const first = events[i]!;
      const empty = first.type === EVENT_ID.SCALAR && first.valueStart < 0;
      const contentStart = empty ? -1 : startOf(first);
      const value = node({});
      if (events[i++]?.type !== EVENT_ID.POP) throw new Unsupported();
      if (empty) {
        docs.push({ value: null, line: 1, col: 1 });
        continue;
      }
      let start = contentStart;
      if (doc.explicitStart) {
        start = text.lastIndexOf('---', contentStart);
        while (start > 0 && text[start - 1] !== '\n') start = text.lastIndexOf('---', start - 1);
        if (start < 0) throw new Unsupported();
      }
      const p = posAt(start);
      docs.push({ value, line: p.line, col: p.col });
    }
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  return docs;
}
