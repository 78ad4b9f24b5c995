/**
 * Network bytes to text. Invalid UTF-8 is replaced (U+FFFD) rather than rejected so a message
 * with one bad byte still reaches detection; the event is flagged so analysts know.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export interface Decoded {
  text: string;
  invalidUtf8: boolean;
}

export function decodeBytes(raw: Buffer | Uint8Array): Decoded {
  // ASCII is the common case and always valid UTF-8; latin1 decoding of it is the fastest path.
  let ascii = true;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii)
    return {
      text: Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('latin1'),
      invalidUtf8: false,
    };
  try {
    return { text: strict.decode(raw), invalidUtf8: false };
  } catch {
    return { text: lenient.decode(raw), invalidUtf8: true };
  }
}
