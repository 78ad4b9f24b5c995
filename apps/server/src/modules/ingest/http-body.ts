/**
 * Splits an HTTP ingest body into messages: a JSON array (each element one event), one JSON
 * object (even pretty-printed over many lines), or NDJSON / plain lines (one message a line).
 * Each message keeps its own text, which is what the archive stores.
 */
export function splitIngestBody(body: Buffer): { messages: Buffer[]; error?: string } {
  const text = body.toString('utf8');
  const first = text.trimStart()[0];
  if (first === undefined) return { messages: [] };
  if (first === '[') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return {
        messages: [],
        error: `The body starts like a JSON array but is not valid JSON: ${(err as Error).message}`,
      };
    }
    if (!Array.isArray(parsed)) return { messages: [], error: 'The body is not a JSON array.' };
    return {
      messages: parsed.map((item) =>
        Buffer.from(typeof item === 'string' ? item : JSON.stringify(item)),
      ),
    };
  }
  if (first === '{') {
    const trimmed = text.trim();
    if (!/\}\s*\n\s*\{/.test(trimmed)) {
      try {
        const one: unknown = JSON.parse(trimmed);
        return { messages: [Buffer.from(JSON.stringify(one))] };
      } catch {
        // not one object: fall through to lines, so each bad line is kept and dead-lettered alone
      }
    }
  }
  const messages: Buffer[] = [];
  for (const line of text.split('\n')) {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean.trim() !== '') messages.push(Buffer.from(clean));
  }
  return { messages };
}
