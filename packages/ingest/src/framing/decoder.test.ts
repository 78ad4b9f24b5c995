import { describe, expect, it } from 'vitest';
import { SyslogFrameDecoder, type Frame } from './decoder.js';

const msg = (f: Frame): string => f.data.toString('utf8');

function feed(decoder: SyslogFrameDecoder, ...chunks: (string | Buffer)[]): Frame[] {
  const out: Frame[] = [];
  for (const c of chunks) out.push(...decoder.push(typeof c === 'string' ? Buffer.from(c) : c));
  return out;
}

/** RFC 6587 octet-counting: `MSG-LEN SP SYSLOG-MSG` */
const octet = (m: string): string => `${Buffer.byteLength(m)} ${m}`;

describe('SyslogFrameDecoder, non-transparent framing', () => {
  it('splits LF-terminated messages and strips CR and NUL trailers', () => {
    const d = new SyslogFrameDecoder();
    const frames = feed(
      d,
      '<34>Oct 11 22:14:15 host su: one\r\n<34>Oct 11 22:14:16 host su: two\n',
      'three\0',
    );
    expect(d.mode).toBe('non-transparent');
    expect(frames.map(msg)).toEqual([
      '<34>Oct 11 22:14:15 host su: one',
      '<34>Oct 11 22:14:16 host su: two',
      'three',
    ]);
    expect(frames.every((f) => f.kind === 'message' && !f.truncated)).toBe(true);
  });

  it('reassembles a message split across chunks, byte by byte', () => {
    const d = new SyslogFrameDecoder();
    const text = '<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!\n';
    const frames = feed(d, ...[...Buffer.from(text)].map((b) => Buffer.from([b])));
    expect(frames.map(msg)).toEqual(['<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!']);
  });

  it('treats a line starting with digits (an access log) as LF-framed', () => {
    const d = new SyslogFrameDecoder();
    const frames = feed(d, '10.0.0.5 - - [1/Apr/2014:00:00:01 -0500] "GET / HTTP/1.1" 200 1\n');
    expect(d.mode).toBe('non-transparent');
    expect(frames).toHaveLength(1);
  });

  it('truncates a 1 MB line without LF to the maximum and keeps memory bounded', () => {
    const d = new SyslogFrameDecoder({ maxMessageSize: 64 * 1024 });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const frames: Frame[] = [];
    for (let i = 0; i < 16; i++) frames.push(...d.push(chunk));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ kind: 'message', truncated: true });
    expect(frames[0]!.data.length).toBe(64 * 1024);
    // The rest of the over-long line is dropped up to its LF; the next message is intact.
    const after = feed(d, 'tail of the long line\n<14>next\n');
    expect(after.map(msg)).toEqual(['<14>next']);
  });

  it('keeps a PRI-less RFC 5424 line (`1 2019-…`) LF-framed, even when split after the digits', () => {
    const line = '1 2019-05-15T16:25:50Z HOSTNAME CheckPoint 19710 - [action:"Drop"]';
    const whole = new SyslogFrameDecoder();
    expect(feed(whole, `${line}\n`).map(msg)).toEqual([line]);
    expect(whole.mode).toBe('non-transparent');
    const split = new SyslogFrameDecoder();
    expect(feed(split, '1 ', `${line.slice(2)}\n`).map(msg)).toEqual([line]);
    expect(split.mode).toBe('non-transparent');
  });

  it('emits the last message without LF when the connection ends', () => {
    const d = new SyslogFrameDecoder();
    expect(feed(d, '<14>no newline')).toEqual([]);
    expect(d.end().map(msg)).toEqual(['<14>no newline']);
  });

  it('ignores empty lines', () => {
    const d = new SyslogFrameDecoder();
    expect(feed(d, '<14>a\n\n\r\n<14>b\n').map(msg)).toEqual(['<14>a', '<14>b']);
  });
});

describe('SyslogFrameDecoder, octet-counting framing', () => {
  const m1 = '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - first';
  const m2 = '<165>1 2003-10-11T22:14:15.003Z host app - - - second\nwith LF inside';

  it('detects octet-counting from the first bytes and honours the counts', () => {
    const d = new SyslogFrameDecoder();
    const frames = feed(d, octet(m1) + octet(m2));
    expect(d.mode).toBe('octet-counting');
    expect(frames.map(msg)).toEqual([m1, m2]);
  });

  it('decides octet-counting even when the first chunk ends right after `LEN SP`', () => {
    const d = new SyslogFrameDecoder();
    const frames = feed(d, `${Buffer.byteLength(m1)} `, m1);
    expect(d.mode).toBe('octet-counting');
    expect(frames.map(msg)).toEqual([m1]);
  });

  it('handles headers and bodies split at any byte', () => {
    const all = Buffer.from(octet(m1) + octet(m2) + octet('é ünïcödé'));
    for (let cut = 1; cut < all.length; cut += 7) {
      const d = new SyslogFrameDecoder();
      const frames = feed(d, all.subarray(0, cut), all.subarray(cut));
      expect(frames.map(msg)).toEqual([m1, m2, 'é ünïcödé']);
    }
  });

  it('tolerates LF/CRLF/NUL trailers between frames', () => {
    const d = new SyslogFrameDecoder();
    expect(feed(d, `${octet('<14>a')}\r\n${octet('<14>b')}\0${octet('<14>c')}\n`).map(msg)).toEqual(
      ['<14>a', '<14>b', '<14>c'],
    );
  });

  it('truncates a frame longer than the maximum, flags it, and stays in step', () => {
    const d = new SyslogFrameDecoder({ maxMessageSize: 10 });
    const frames = feed(d, octet('<14>0123456789abcdef') + octet('<14>ok'));
    expect(frames).toEqual([
      { kind: 'message', data: Buffer.from('<14>012345'), truncated: true },
      { kind: 'message', data: Buffer.from('<14>ok'), truncated: false },
    ]);
  });

  it('reports a wrong octet count as an error frame with the raw bytes, then resynchronises', () => {
    const d = new SyslogFrameDecoder();
    // The first count is 3 short, so the next "header" starts inside the message text.
    const body = '<14>counted wrong';
    const frames = feed(d, `${Buffer.byteLength(body) - 3} ${body}\n${octet('<14>next')}`);
    expect(frames[0]).toEqual({
      kind: 'message',
      data: Buffer.from(body.slice(0, -3)),
      truncated: false,
    });
    expect(frames[1]).toMatchObject({
      kind: 'error',
      reason: 'invalid octet-counting frame header',
    });
    expect(msg(frames[1]!)).toBe('ong');
    expect(frames.slice(2).map(msg)).toEqual(['<14>next']);
  });

  it('resynchronises on a later `LEN <` header when garbage has no LF', () => {
    const d = new SyslogFrameDecoder();
    const frames = feed(d, `${octet('<14>a')}garbage!! ${octet('<14>b')}`);
    expect(frames.map((f) => [f.kind, msg(f)])).toEqual([
      ['message', '<14>a'],
      ['error', 'garbage!! '],
      ['message', '<14>b'],
    ]);
  });

  it('reports a frame cut short by the end of the connection', () => {
    const d = new SyslogFrameDecoder();
    expect(feed(d, '100 <14>short')).toEqual([]);
    expect(d.end()).toEqual([
      {
        kind: 'error',
        data: Buffer.from('<14>short'),
        reason: 'connection closed 91 bytes short of the announced length',
      },
    ]);
  });

  it('rejects absurd lengths instead of waiting for a gigabyte', () => {
    const d = new SyslogFrameDecoder({ mode: 'octet-counting' });
    const frames = feed(d, '99999999999 <14>x\n', octet('<14>ok'));
    expect(frames.map((f) => f.kind)).toEqual(['error', 'message']);
    expect(msg(frames[1]!)).toBe('<14>ok');
  });

  it('keeps memory bounded while skipping a huge announced frame', () => {
    const d = new SyslogFrameDecoder({ maxMessageSize: 1024 });
    const frames = feed(d, '2000000 <14>');
    // 4 + 99 × 20,000 + 19,996 = the 2,000,000 bytes announced
    for (let i = 0; i < 99; i++) frames.push(...d.push(Buffer.alloc(20_000, 0x62)));
    frames.push(...d.push(Buffer.alloc(19_996, 0x62)));
    frames.push(...d.push(Buffer.from(octet('<14>after'))));
    expect(frames.map((f) => [f.kind, f.data.length])).toEqual([
      ['message', 1024],
      ['message', 9],
    ]);
    expect(frames[0]).toMatchObject({ truncated: true });
  });
});

describe('SyslogFrameDecoder options', () => {
  it('rejects a non-positive maximum', () => {
    expect(() => new SyslogFrameDecoder({ maxMessageSize: 0 })).toThrow(RangeError);
  });

  it('can be forced to non-transparent framing', () => {
    const d = new SyslogFrameDecoder({ mode: 'non-transparent' });
    expect(feed(d, '5 hello\n').map(msg)).toEqual(['5 hello']);
  });
});
