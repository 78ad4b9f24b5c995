import { ValidationError } from './errors.js';

/**
 * The event search language:
 *
 *   user.name:root AND NOT source.ip:10.0.0.*      field match, wildcards * and ?
 *   "Failed password" sshd                          free text: a phrase and a word
 *   destination.port>=1024 sc-status:>=500          comparisons on numbers (and times)
 *   (cs-method:POST OR cs-method:PUT) c-uri:*admin*
 *
 * Terms next to each other are ANDed; precedence is NOT > AND > OR; `-term` is NOT term.
 */
export type QueryNode =
  | { type: 'and'; items: QueryNode[] }
  | { type: 'or'; items: QueryNode[] }
  | { type: 'not'; item: QueryNode }
  | { type: 'field'; field: string; op: ComparisonOp; value: string; quoted: boolean }
  | { type: 'text'; value: string; phrase: boolean }
  | { type: 'all' };

export type ComparisonOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

/** A query that does not parse; `position` is the 0-based character offset of the problem. */
export class QuerySyntaxError extends ValidationError {
  constructor(
    message: string,
    readonly position: number,
    query: string,
  ) {
    super(
      `Query error at position ${position + 1}: ${message}\n  ${query}\n  ${' '.repeat(position)}^`,
      {
        field: 'q',
        position,
      },
    );
  }
}

type Token =
  | { kind: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus'; pos: number }
  | { kind: 'word'; value: string; pos: number }
  | { kind: 'phrase'; value: string; pos: number };

const WORD_END = new Set([' ', '\t', '\n', '\r', '(', ')', '"']);

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', pos: i++ });
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', pos: i++ });
    } else if (c === '"') {
      const start = i++;
      let value = '';
      while (i < query.length && query[i] !== '"') {
        if (query[i] === '\\' && i + 1 < query.length) i++;
        value += query[i++];
      }
      if (i >= query.length) throw new QuerySyntaxError('this quote is never closed', start, query);
      i++;
      tokens.push({ kind: 'phrase', value, pos: start });
    } else if (
      c === '-' &&
      i + 1 < query.length &&
      !WORD_END.has(query[i + 1]!) &&
      (i === 0 || WORD_END.has(query[i - 1]!))
    ) {
      tokens.push({ kind: 'minus', pos: i++ });
    } else {
      const start = i;
      let value = '';
      while (i < query.length && !WORD_END.has(query[i]!)) {
        if (query[i] === '\\' && i + 1 < query.length) {
          value += query[i]! + query[i + 1]!;
          i += 2;
          continue;
        }
        // field:"a phrase" — the quoted value belongs to this word
        if (query[i] === ':' && query[i + 1] === '"') {
          value += ':';
          i++;
          break;
        }
        value += query[i++];
      }
      if (value === 'AND') tokens.push({ kind: 'and', pos: start });
      else if (value === 'OR') tokens.push({ kind: 'or', pos: start });
      else if (value === 'NOT') tokens.push({ kind: 'not', pos: start });
      else tokens.push({ kind: 'word', value, pos: start });
    }
  }
  return tokens;
}

const FIELD = /^[A-Za-z_@][A-Za-z0-9_.@-]*$/;
const COMPARISON = /^([A-Za-z_@][A-Za-z0-9_.@-]*?)(?::)?(>=|<=|>|<)(.*)$/;
const OPS: Record<string, ComparisonOp> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };

export function parseQuery(query: string): QueryNode {
  const tokens = tokenize(query);
  let k = 0;
  const peek = () => tokens[k];
  const end = () => query.length;

  function parseOr(): QueryNode {
    const items = [parseAnd()];
    while (peek()?.kind === 'or') {
      k++;
      if (!peek() || peek()!.kind === 'rparen' || peek()!.kind === 'or' || peek()!.kind === 'and') {
        throw new QuerySyntaxError('OR needs a term after it', peek()?.pos ?? end(), query);
      }
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  function parseAnd(): QueryNode {
    const items = [parseNot()];
    for (;;) {
      const t = peek();
      if (!t || t.kind === 'or' || t.kind === 'rparen') break;
      if (t.kind === 'and') {
        k++;
        const next = peek();
        if (!next || next.kind === 'rparen' || next.kind === 'or' || next.kind === 'and') {
          throw new QuerySyntaxError('AND needs a term after it', next?.pos ?? end(), query);
        }
      }
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  function parseNot(): QueryNode {
    const t = peek();
    if (t?.kind === 'not' || t?.kind === 'minus') {
      k++;
      if (!peek() || peek()!.kind === 'rparen')
        throw new QuerySyntaxError('NOT needs a term after it', peek()?.pos ?? end(), query);
      return { type: 'not', item: parseNot() };
    }
    return parsePrimary();
  }

  function parsePrimary(): QueryNode {
    const t = peek();
    if (!t) throw new QuerySyntaxError('the query ends where a term was expected', end(), query);
    k++;
    switch (t.kind) {
      case 'lparen': {
        if (peek()?.kind === 'rparen')
          throw new QuerySyntaxError('empty parentheses', t.pos, query);
        const inner = parseOr();
        if (peek()?.kind !== 'rparen')
          throw new QuerySyntaxError('this parenthesis is never closed', t.pos, query);
        k++;
        return inner;
      }
      case 'rparen':
        throw new QuerySyntaxError('a closing parenthesis without an opening one', t.pos, query);
      case 'and':
      case 'or':
        throw new QuerySyntaxError(`${t.kind.toUpperCase()} needs a term before it`, t.pos, query);
      case 'phrase':
        return { type: 'text', value: t.value, phrase: true };
      case 'word':
        return wordTerm(t.value, t.pos);
      default:
        throw new QuerySyntaxError('unexpected operator', t.pos, query);
    }
  }

  function wordTerm(word: string, pos: number): QueryNode {
    const cmp = COMPARISON.exec(word);
    if (cmp && FIELD.test(cmp[1]!)) {
      if (!cmp[3])
        throw new QuerySyntaxError(
          `'${cmp[1]}${cmp[2]}' needs a value to compare with`,
          pos + word.length,
          query,
        );
      return {
        type: 'field',
        field: cmp[1]!,
        op: OPS[cmp[2]!]!,
        value: unescape(cmp[3]),
        quoted: false,
      };
    }
    const colon = word.indexOf(':');
    if (colon > 0 && FIELD.test(word.slice(0, colon))) {
      const field = word.slice(0, colon);
      const rest = word.slice(colon + 1);
      if (rest === '') {
        const next = peek();
        if (next?.kind === 'phrase' && next.pos === pos + word.length) {
          k++;
          return { type: 'field', field, op: 'eq', value: next.value, quoted: true };
        }
        throw new QuerySyntaxError(
          `field '${field}' needs a value after the colon`,
          pos + word.length,
          query,
        );
      }
      return { type: 'field', field, op: 'eq', value: unescape(rest), quoted: false };
    }
    if (colon === 0)
      throw new QuerySyntaxError('a field name is missing before the colon', pos, query);
    return { type: 'text', value: unescape(word), phrase: false };
  }

  if (tokens.length === 0) return { type: 'all' };
  const node = parseOr();
  const rest = peek();
  if (rest)
    throw new QuerySyntaxError(
      rest.kind === 'rparen' ? 'a closing parenthesis without an opening one' : 'unexpected text',
      rest.pos,
      query,
    );
  return node;
}

/** `\:` and `\ ` stay literal characters; `\*` and `\?` keep their backslash for the wildcard matcher. */
function unescape(value: string): string {
  return value.replace(/\\(.)/g, (pair, c: string) => ('*?\\'.includes(c) ? pair : c));
}
