/**
 * Incremental TCP syslog framing per RFC 6587: octet-counting (`MSG-LEN SP SYSLOG-MSG`) and
 * non-transparent framing (messages ended by LF; CRLF and NUL are tolerated as trailers).
 *
 * The decoder is fed chunks exactly as they come off a socket and never holds more than one
 * message's worth of bytes (the configured maximum), whatever the peer sends: memory per
 * connection stays bounded even against a hostile or broken sender.
 */

export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;

export type FramingMode = 'octet-counting' | 'non-transparent';

export type Frame =
  | { kind: 'message'; data: Buffer; truncated: boolean }
  /** bytes that could not be framed; hand them to the dead-letter store with the reason */
  | { kind: 'error'; data: Buffer; reason: string };

export interface FrameDecoderOptions {
  /** messages longer than this are cut to this many bytes and flagged `truncated` */
  maxMessageSize?: number;
  /** force a mode instead of detecting it from the first bytes of the connection */
  mode?: FramingMode;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const ZERO = 0x30;
const NINE = 0x39;
/** MSG-LEN has at most this many digits: nine digits already allow a message of ~1 GB. */
const MAX_LEN_DIGITS = 9;

const isDigit = (b: number): boolean => b >= ZERO && b <= NINE;

/** `[1-9][0-9]* SP <` starting at k, entirely inside this chunk */
function looksLikeHeader(chunk: Buffer, k: number): boolean {
  let j = k;
  const limit = Math.min(chunk.length, k + MAX_LEN_DIGITS);
  while (j < limit && isDigit(chunk[j]!)) j++;
  return j > k && j + 1 < chunk.length && chunk[j] === SP && chunk[j + 1] === 0x3c;
}

type State =
  /** mode not known yet: collecting the first bytes of the connection */
  | 'detect'
  /** octet-counting: reading MSG-LEN digits */
  | 'header'
  /** octet-counting: copying the message body */
  | 'body'
  /** octet-counting: after a bad header, discarding bytes up to the next LF to resynchronise */
  | 'resync'
  /** non-transparent: collecting a line */
  | 'line'
  /** non-transparent: an over-long line was emitted truncated; dropping the rest of it */
  | 'skip-line';

export class SyslogFrameDecoder {
  readonly maxMessageSize: number;
  private modeValue: FramingMode | undefined;
  private state: State;
  /** the bytes of the frame being assembled; never longer than maxMessageSize */
  private acc: Buffer;
  private accLen = 0;
  /** octet-counting: digits of MSG-LEN read so far */
  private header = '';
  /** octet-counting: body bytes still expected (including those beyond the maximum) */
  private remaining = 0;
  private bodyTruncated = false;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('maxMessageSize must be >= 1');
    this.maxMessageSize = max;
    this.acc = Buffer.allocUnsafe(Math.min(max, 4096));
    this.modeValue = options.mode;
    this.state =
      options.mode === undefined ? 'detect' : options.mode === 'octet-counting' ? 'header' : 'line';
  }

  /** the framing in use, once known */
  get mode(): FramingMode | undefined {
    return this.modeValue;
  }

  /** Feed the next chunk; returns the frames it completed (possibly none). Never throws. */
  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case 'detect':
          i = this.detect(chunk, i);
          break;
        case 'header':
          i = this.readHeader(chunk, i);
          break;
        case 'body':
          i = this.readBody(chunk, i, out);
          break;
        case 'resync':
          i = this.resync(chunk, i, out);
          break;
        case 'line':
        case 'skip-line':
          i = this.readLine(chunk, i, out);
          break;
      }
    }
    return out;
  }

  /** The peer closed the connection: emit whatever partial frame is left. */
  end(): Frame[] {
    const out: Frame[] = [];
    switch (this.state) {
      case 'detect':
        // Too few bytes to decide; a message without its LF is still a message.
        if (this.header.length > 0) {
          out.push({ kind: 'message', data: Buffer.from(this.header, 'latin1'), truncated: false });
        }
        break;
      case 'line':
        if (this.accLen > 0) out.push(this.takeMessage(false));
        break;
      case 'header':
        if (this.header.length > 0) {
          out.push(this.error(Buffer.from(this.header, 'latin1'), 'incomplete octet count'));
        }
        break;
      case 'body':
        out.push({
          kind: 'error',
          data: this.takeAcc(),
          reason: `connection closed ${this.remaining} bytes short of the announced length`,
        });
        break;
      case 'resync':
        if (this.accLen > 0) out.push(this.error(this.takeAcc(), 'invalid octet-counting frame'));
        break;
      case 'skip-line':
        break;
    }
    this.header = '';
    this.accLen = 0;
    this.remaining = 0;
    if (this.modeValue === undefined) this.state = 'detect';
    else this.state = this.modeValue === 'octet-counting' ? 'header' : 'line';
    return out;
  }

  /**
   * RFC 6587 3.4.1: an octet-counted frame starts with a non-zero digit, then digits, then SP, and
   * carries a syslog message, which begins with `<` (its PRI). Anything else means
   * non-transparent framing: a line that merely begins with a number (`10.0.0.5 - - [...]`, or
   * `1 2019-05-15T...`, RFC 5424 without PRI) is told apart by the bytes after the digits.
   */
  private detect(chunk: Buffer, i: number): number {
    let j = i;
    let seen = this.header;
    while (j < chunk.length) {
      const b = chunk[j]!;
      if (seen.length === 0 && (b === LF || b === CR || b === NUL || b === SP)) {
        j++; // leading blank bytes carry no information
        continue;
      }
      if (seen.endsWith(' ')) {
        this.header = '';
        if (b === 0x3c) {
          this.modeValue = 'octet-counting';
          this.remaining = Number(seen.slice(0, -1));
          this.accLen = 0;
          this.bodyTruncated = this.remaining > this.maxMessageSize;
          this.state = 'body';
          return j;
        }
        this.modeValue = 'non-transparent';
        this.state = 'line';
        this.append(Buffer.from(seen, 'latin1'), 0, seen.length);
        return j;
      }
      if (isDigit(b) && !(seen.length === 0 && b === ZERO) && seen.length < MAX_LEN_DIGITS) {
        seen += String.fromCharCode(b);
        j++;
        continue;
      }
      if (b === SP && seen.length > 0) {
        seen += ' ';
        j++;
        continue;
      }
      this.header = '';
      this.modeValue = 'non-transparent';
      this.state = 'line';
      if (seen.length > 0) this.append(Buffer.from(seen, 'latin1'), 0, seen.length);
      return j;
    }
    this.header = seen;
    return j;
  }

  private readHeader(chunk: Buffer, i: number): number {
    let j = i;
    while (j < chunk.length) {
      const b = chunk[j]!;
      if (this.header.length === 0 && (b === LF || b === CR || b === NUL)) {
        j++; // trailers some senders add after an octet-counted frame
        continue;
      }
      if (isDigit(b) && !(this.header.length === 0 && b === ZERO)) {
        if (this.header.length >= MAX_LEN_DIGITS) {
          this.startResync(Buffer.from(this.header, 'latin1'));
          return j;
        }
        this.header += String.fromCharCode(b);
        j++;
        continue;
      }
      if (b === SP && this.header.length > 0) {
        this.remaining = Number(this.header);
        this.header = '';
        this.accLen = 0;
        this.bodyTruncated = this.remaining > this.maxMessageSize;
        this.state = 'body';
        return j + 1;
      }
      // Not a frame header: the count before was wrong, or the peer sends garbage.
      this.startResync(Buffer.from(this.header, 'latin1'));
      return j;
    }
    return j;
  }

  private startResync(prefix: Buffer): void {
    this.header = '';
    this.accLen = 0;
    this.append(prefix, 0, prefix.length);
    this.state = 'resync';
  }

  /**
   * After a bad header, the bytes up to the next plausible frame start are reported as one error
   * frame (kept up to the maximum, the rest counted but dropped). A plausible start is the byte
   * after an LF, which most senders put between frames, or `LEN SP <` seen within this chunk.
   */
  private resync(chunk: Buffer, i: number, out: Frame[]): number {
    const n = chunk.length;
    for (let k = i; k < n; k++) {
      const b = chunk[k]!;
      if (b === LF) {
        this.append(chunk, i, k);
        out.push(this.error(this.takeAcc(), 'invalid octet-counting frame header'));
        this.state = 'header';
        return k + 1;
      }
      if (b > ZERO && b <= NINE && k > i && !isDigit(chunk[k - 1]!) && looksLikeHeader(chunk, k)) {
        this.append(chunk, i, k);
        out.push(this.error(this.takeAcc(), 'invalid octet-counting frame header'));
        this.state = 'header';
        return k;
      }
    }
    this.append(chunk, i, n);
    return n;
  }

  private readBody(chunk: Buffer, i: number, out: Frame[]): number {
    const take = Math.min(this.remaining, chunk.length - i);
    const keep = Math.max(0, Math.min(take, this.maxMessageSize - this.accLen));
    if (this.accLen === 0 && keep === this.remaining && !this.bodyTruncated) {
      // Whole frame inside this chunk: hand out a view, no copy.
      out.push({ kind: 'message', data: chunk.subarray(i, i + keep), truncated: false });
      this.remaining = 0;
      this.state = 'header';
      return i + take;
    }
    if (keep > 0) this.append(chunk, i, i + keep);
    this.remaining -= take;
    if (this.remaining === 0) {
      out.push(this.takeMessage(this.bodyTruncated));
      this.state = 'header';
    }
    return i + take;
  }

  private readLine(chunk: Buffer, i: number, out: Frame[]): number {
    let end = i;
    const n = chunk.length;
    // LF ends a message; NUL is accepted as a terminator too (some senders use it instead).
    while (end < n) {
      const b = chunk[end]!;
      if (b === LF || b === NUL) break;
      end++;
    }
    const found = end < n;
    if (this.state === 'skip-line') {
      if (!found) return n;
      this.state = 'line';
      return end + 1;
    }
    if (found && this.accLen === 0) {
      let stop = end;
      if (stop > i && chunk[stop - 1] === CR) stop--;
      if (stop > i) {
        const len = stop - i;
        if (len <= this.maxMessageSize) {
          out.push({ kind: 'message', data: chunk.subarray(i, stop), truncated: false });
        } else {
          out.push({
            kind: 'message',
            data: chunk.subarray(i, i + this.maxMessageSize),
            truncated: true,
          });
        }
      }
      return end + 1;
    }
    const room = this.maxMessageSize - this.accLen;
    const segment = end - i;
    if (segment > room) {
      this.append(chunk, i, i + room);
      out.push(this.takeMessage(true));
      if (found) return end + 1;
      this.state = 'skip-line';
      return n;
    }
    this.append(chunk, i, end);
    if (!found) return n;
    if (this.accLen > 0 && this.acc[this.accLen - 1] === CR) this.accLen--;
    if (this.accLen > 0) out.push(this.takeMessage(false));
    return end + 1;
  }

  /** Copy bytes into the accumulator, silently keeping at most maxMessageSize of them. */
  private append(src: Buffer, from: number, to: number): void {
    const len = Math.min(to - from, this.maxMessageSize - this.accLen);
    if (len <= 0) return;
    const need = this.accLen + len;
    if (need > this.acc.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(this.maxMessageSize, Math.max(need, this.acc.length * 2)),
      );
      this.acc.copy(grown, 0, 0, this.accLen);
      this.acc = grown;
    }
    src.copy(this.acc, this.accLen, from, from + len);
    this.accLen += len;
  }

  private takeAcc(): Buffer {
    const data = Buffer.from(this.acc.subarray(0, this.accLen));
    this.accLen = 0;
    return data;
  }

  private takeMessage(truncated: boolean): Frame {
    return { kind: 'message', data: this.takeAcc(), truncated };
  }

  private error(data: Buffer, reason: string): Frame {
    return { kind: 'error', data, reason };
  }
}
