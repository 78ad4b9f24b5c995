/**
 * Splits text holding JSON events — JSON lines, a JSON array, or concatenated (pretty-printed)
 * objects as in SigmaHQ's regression data — into values, reporting where unparseable parts are.
 */

export interface JsonEventsResult {
  events: unknown[];
  errors: { offset: number; message: string }[];
}

/** Calls `onEvent` for each top-level value; arrays at the top level yield their items. */
export function* iterateJsonEvents(
  text: string,
  errors: { offset: number; message: string }[] = [],
): Generator<unknown> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c !== 123 && c !== 91) {
      // skip a non-JSON line
      const eol = text.indexOf('\n', i);
      errors.push({ offset: i, message: 'not a JSON object or array' });
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    // find the end of this value by bracket depth, honouring strings
    let depth = 0;
    let inStr = false;
    let j = i;
    for (; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (inStr) {
        if (ch === 92) j++;
        else if (ch === 34) inStr = false;
        continue;
      }
      if (ch === 34) inStr = true;
      else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) break;
      }
    }
    const chunk = text.slice(i, j + 1);
    i = j + 1;
    let value: unknown;
    try {
      value = JSON.parse(chunk);
    } catch (e) {
      errors.push({ offset: i - chunk.length, message: (e as Error).message });
      continue;
    }
    if (Array.isArray(value)) yield* value;
    else yield value;
  }
}

export function parseJsonEvents(text: string): JsonEventsResult {
  const errors: { offset: number; message: string }[] = [];
  const events = [...iterateJsonEvents(text, errors)];
  return { events, errors };
}
