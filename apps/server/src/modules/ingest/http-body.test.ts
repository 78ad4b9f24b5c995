import { describe, expect, it } from 'vitest';
import { splitIngestBody } from './http-body.js';

const texts = (body: string) =>
  splitIngestBody(Buffer.from(body)).messages.map((m) => m.toString());

describe('HTTP ingest body', () => {
  it('takes a JSON array, one element a message', () => {
    expect(texts('[{"a":1},{"b":"x"},"<13>plain syslog"]')).toEqual([
      '{"a":1}',
      '{"b":"x"}',
      '<13>plain syslog',
    ]);
  });

  it('takes one pretty-printed object as one message', () => {
    expect(texts('{\n  "event_type": "alert",\n  "src_ip": "10.0.0.1"\n}\n')).toEqual([
      '{"event_type":"alert","src_ip":"10.0.0.1"}',
    ]);
  });

  it('takes NDJSON and plain lines, CRLF or LF, skipping blank lines', () => {
    expect(texts('{"a":1}\r\n{"b":2}\n\n<34>Oct 11 22:14:15 mymachine su: fail\n')).toEqual([
      '{"a":1}',
      '{"b":2}',
      '<34>Oct 11 22:14:15 mymachine su: fail',
    ]);
  });

  it('keeps a broken NDJSON line as its own message (to be dead-lettered), not the whole body', () => {
    expect(texts('{"a":1}\n{"b":\n')).toEqual(['{"a":1}', '{"b":']);
  });

  it('reports a broken JSON array', () => {
    expect(splitIngestBody(Buffer.from('[{"a":1},')).error).toMatch(/not valid JSON/);
  });
});
