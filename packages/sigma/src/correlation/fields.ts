/**
 * Field lookup for correlation (group-by, aliases, aggregated fields).
 *
 * Normalised events keep ECS-style dotted keys (`source.ip`) next to nested
 * objects from JSON sources (`{ Event: { EventData: { User } } }`), and some
 * mix the two (`{ source: { 'geo.country': … } }`), so an exact key wins and
 * otherwise every split of the path into keys is tried, longest key first.
 */

const pathCache = new Map<string, string[]>();

function splitPath(path: string): string[] {
  let parts = pathCache.get(path);
  if (parts === undefined) {
    parts = path.split('.');
    // The cache only ever holds field names from loaded rules, so it stays small.
    pathCache.set(path, parts);
  }
  return parts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(obj: Record<string, unknown>, parts: string[], from: number): unknown {
  for (let to = parts.length; to > from; to--) {
    const key = to - from === 1 ? parts[from]! : parts.slice(from, to).join('.');
    if (!Object.hasOwn(obj, key)) continue;
    const value = obj[key];
    if (to === parts.length) return value;
    if (isRecord(value)) {
      const found = walk(value, parts, to);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The value at `path`, or undefined when the event has no such field. */
export function getField(event: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(event, path)) return event[path];
  if (!path.includes('.')) return undefined;
  return walk(event, splitPath(path), 0);
}
