// Building event-search queries from clicks, in Prahari's query language (see README,
// "Searching events"): `field:"value"` matches a value exactly; `-field:"value"` excludes it.

const FIELD = /^[A-Za-z_@][A-Za-z0-9_.@-]*$/;

/** `"value"` with backslashes and quotes escaped, as the query parser reads a phrase. */
export function quoteValue(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** A term matching (or excluding) one value of a field; undefined if the name cannot be queried. */
export function fieldTerm(field: string, value: string, exclude = false): string | undefined {
  if (!FIELD.test(field)) return undefined;
  return `${exclude ? '-' : ''}${field}:${quoteValue(value)}`;
}

/** The query with a term added (ANDed), leaving it alone if the term is already there. */
export function addTerm(query: string, term: string): string {
  const q = query.trim();
  if (!q) return term;
  if (new RegExp(`(^|[\\s(])${escapeRegExp(term)}($|[\\s)])`).test(q)) return q;
  // A query with OR at its top level must be bracketed before ANDing a term to it.
  const needsParens = /\bOR\b/.test(q) && !(q.startsWith('(') && q.endsWith(')'));
  return `${needsParens ? `(${q})` : q} ${term}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
