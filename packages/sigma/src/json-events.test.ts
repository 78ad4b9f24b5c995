import { describe, expect, it } from 'vitest';
import { JsonEventStream, parseJsonEvents } from './json-events.js';

describe('JSON event input', () => {
  it('reads JSON lines, arrays and concatenated pretty-printed objects', () => {
    const text = '{"a":1}\n[{"b":2},{"c":3}]\n{\n  "d": {"e": "}{"}\n}{"f":[1,2]}';
    expect(parseJsonEvents(text)).toEqual({
      events: [{ a: 1 }, { b: 2 }, { c: 3 }, { d: { e: '}{' } }, { f: [1, 2] }],
      errors: [],
    });
  });

  it('reports and skips what is not JSON, and an unterminated value', () => {
    const r = parseJsonEvents('garbage line\n{"ok":true}\n{"bad": tru}\n{"open": 1');
    expect(r.events).toEqual([{ ok: true }]);
    expect(r.errors.map((e) => e.offset)).toEqual([0, 25, 38]);
  });

  it('gives the same events however the input is cut into chunks', () => {
    const text = '{"s":"a\\"}b"}\n{"n":{"m":[{}]}}\n';
    const s = new JsonEventStream();
    const out: unknown[] = [];
    for (const ch of text) s.push(ch, out);
    s.end(out);
    expect(out).toEqual([{ s: 'a"}b' }, { n: { m: [{}] } }]);
    expect(s.errors).toEqual([]);
  });
});
