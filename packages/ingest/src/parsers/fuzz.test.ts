/**
 * Random and mutated input must never throw out of a parser or the framer. A seeded PRNG keeps
 * every run identical, so a failure here is reproducible from the iteration number.
 */
import { seededRandom } from '@prahari/core';
import { describe, expect, it } from 'vitest';
import { SyslogFrameDecoder } from '../framing/decoder.js';
import { parseMessage, parserNames, parsers, parseZeekTsv, type ParseContext } from './index.js';

const ctx: ParseContext = {
  receivedAt: new Date('2026-11-25T12:00:00Z'),
  defaultTimezone: 'Asia/Kolkata',
};

const SEEDS = [
  '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3" eventSource="App\\"lication"] \uFEFFmsg',
  "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
  'Nov 25 10:00:00 srv sshd[1234]: Failed password for invalid user admin from 203.0.113.5 port 52144 ssh2',
  'Apr 27 15:22:23 niban sudo:     dcid : TTY=pts/4 ; PWD=/home/dcid ; USER=root ; COMMAND=/usr/bin/tail',
  'CEF:0|Security|threatmanager|1.0|100|worm \\| stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 act=a\\=b rt=Sep 09 2017 00:31:23 UTC',
  'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^devTime=1609459200000',
  '{"timestamp":"2018-03-24T14:37:19.037299-0600","event_type":"dns","src_ip":"10.0.0.1","dns":{"rrname":"a.b"}}',
  '{"ts":1573747292.658982,"uid":"C1","id.orig_h":"10.0.2.2","id.resp_p":22,"auth_success":true}',
  '203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /a?b=c HTTP/1.1" 404 2326 "http://r/" "UA \\"x\\""',
  'type=USER_AUTH msg=audit(1624643172.076:11843): pid=1 msg=\'op=PAM:auth acct="root" res=failed\'',
  '{"win":{"system":{"eventID":"4625","channel":"Security"},"eventdata":{"targetUserName":"x"}}}',
];

function mutate(rand: () => number, text: string): Buffer {
  const bytes = Buffer.from(text);
  const out = [...bytes];
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(rand() * (out.length + 1));
    const op = rand();
    if (op < 0.3) out.splice(pos, 1);
    else if (op < 0.6) out.splice(pos, 0, Math.floor(rand() * 256));
    else if (op < 0.8) out[pos] = '"\\|=[]{}<>: \n\0'.charCodeAt(Math.floor(rand() * 15));
    else out.splice(pos, Math.floor(rand() * 20));
  }
  return Buffer.from(out);
}

function randomBytes(rand: () => number, max: number): Buffer {
  const len = Math.floor(rand() * max);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

describe('fuzz', () => {
  it('parseMessage and every named parser survive random bytes and mutated valid lines', () => {
    const rand = seededRandom(20261125);
    let parsedCount = 0;
    // Collected rather than asserted per call: 45,000 expect() calls cost more than the parsing.
    const problems: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const input = i % 3 === 0 ? randomBytes(rand, 300) : mutate(rand, SEEDS[i % SEEDS.length]!);
      try {
        const r = parseMessage(input, ctx);
        // A result either way, never an internal error.
        if (!r.ok && r.reason.startsWith('internal parser error'))
          problems.push(`${i}: ${r.reason}`);
        if (r.ok) {
          parsedCount++;
          if (Number.isNaN(Date.parse(r.event.eventTime))) problems.push(`${i}: bad eventTime`);
        }
        const text = input.toString('utf8');
        for (const name of parserNames) parsers[name](text, ctx);
        parseMessage(input, { ...ctx, hint: parserNames[i % parserNames.length]! });
      } catch (e) {
        problems.push(`${i}: threw ${(e as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(parsedCount).toBeGreaterThan(1500);
  });

  it('the framer survives random chunks and never holds more than the maximum', () => {
    const rand = seededRandom(6587);
    for (let round = 0; round < 200; round++) {
      const d = new SyslogFrameDecoder({ maxMessageSize: 256 });
      for (let c = 0; c < 20; c++) {
        const chunk =
          rand() < 0.5
            ? randomBytes(rand, 400)
            : Buffer.from(
                `${Math.floor(rand() * 400)} <14>${'x'.repeat(Math.floor(rand() * 300))}${rand() < 0.5 ? '\n' : ''}`,
              );
        for (const f of d.push(chunk)) expect(f.data.length).toBeLessThanOrEqual(256 + 10);
      }
      for (const f of d.end()) expect(f.data.length).toBeLessThanOrEqual(256 + 10);
    }
  });

  it('the Zeek TSV reader survives mutated files', () => {
    const rand = seededRandom(1);
    const file =
      '#separator \\x09\n#set_separator\t,\n#path\tconn\n#fields\tts\tid.orig_h\tid.orig_p\ttags\n#types\ttime\taddr\tport\tset[string]\n1.5\t10.0.0.1\t80\ta,b\n';
    for (let i = 0; i < 300; i++) {
      const text = mutate(rand, file).toString('utf8');
      expect(() => parseZeekTsv(text, ctx)).not.toThrow();
    }
  });

  it('stays linear on hostile 128 KiB lines built from each parser syntax', () => {
    // Each case takes milliseconds when parsing is linear; a quadratic regex takes seconds.
    const size = 128 * 1024;
    const rep = (s: string) => s.repeat(Math.ceil(size / s.length)).slice(0, size);
    const prefixes = [
      '',
      '<13>Nov 25 10:00:00 h kernel: ',
      '<13>Nov 25 10:00:00 h sshd[1]: ',
      '<13>Nov 25 10:00:00 h sudo: ',
      '<13>1 2026-01-01T00:00:00Z h a - - ',
      '%ASA-1-1: ',
      'CEF:0|a|b|c|d|e|f|',
      'LEEF:2.0|a|b|c|d|^|',
      'type=SYSCALL msg=audit(1.1:1): ',
      '1.2.3.4 - - [',
      'a=1 b=2 c=3 ',
    ];
    const bodies = [
      'SRC=1 DST=2 ',
      'from ',
      'Failed password for from 1.2.3.4 ',
      'a=',
      '"',
      '\\',
      '[x@1 a="',
      'pam_unix(',
      ' : TTY=',
      "x='",
      '{"a":',
      ' ',
      'for outside:1.2.3.4',
      'Invalid user x from ',
    ];
    for (const p of prefixes) {
      for (const b of bodies) {
        const line = p + rep(b);
        const t0 = performance.now();
        parseMessage(line, ctx);
        for (const name of parserNames) parsers[name](line, ctx);
        const ms = performance.now() - t0;
        expect(ms, `${JSON.stringify(p)} + ${JSON.stringify(b)}`).toBeLessThan(1500);
      }
    }
  });
});
