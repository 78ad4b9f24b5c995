/**
 * Sigma condition expressions. Precedence, loosest first: `or`, `and`, `not`, `x of`,
 * parentheses. `1 of` / `any of` / `all of` take an identifier, a `*` pattern or `them`; `them`
 * skips identifiers starting with `_`.
 */

export type Condition =
  | { t: 'id'; name: string }
  | { t: 'and'; args: Condition[] }
  | { t: 'or'; args: Condition[] }
  | { t: 'not'; arg: Condition }
  | { t: 'const'; value: boolean };

export class ConditionError extends Error {}

type Token = { kind: 'lp' | 'rp' | 'word'; text: string; pos: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\()|(\))|([^\s()]+))/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    const pos = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length;
    if (m[1]) out.push({ kind: 'lp', text: '(', pos });
    else if (m[2]) out.push({ kind: 'rp', text: ')', pos });
    else if (m[3]) out.push({ kind: 'word', text: m[3], pos });
    else break;
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);

function patternToRegex(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/** Parses `src` against the rule's search identifiers; names and patterns must resolve. */
export function parseCondition(src: string, identifiers: string[]): Condition {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const isWord = (w: string): boolean => {
    const t = toks[i];
    return t?.kind === 'word' && t.text.toLowerCase() === w;
  };
  const fail = (msg: string): never => {
    const t = toks[i];
    throw new ConditionError(
      `${msg} ${t ? `at '${t.text}' (offset ${t.pos})` : 'at end of condition'}`,
    );
  };

  const resolve = (pattern: string): string[] => {
    if (pattern.toLowerCase() === 'them') return identifiers.filter((n) => !n.startsWith('_'));
    const re = patternToRegex(pattern);
    return identifiers.filter(
      (n) =>
        re.test(n) && (!n.startsWith('_') || pattern.startsWith('_') || !pattern.includes('*')),
    );
  };

  const parseOr = (): Condition => {
    const args = [parseAnd()];
    while (isWord('or')) {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { t: 'or', args };
  };
  const parseAnd = (): Condition => {
    const args = [parseNot()];
    while (isWord('and')) {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { t: 'and', args };
  };
  const parseNot = (): Condition => {
    if (isWord('not')) {
      i++;
      return { t: 'not', arg: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): Condition => {
    const t = peek();
    if (!t) return fail('expected an identifier, `not`, `x of` or `(`');
    if (t.kind === 'lp') {
      i++;
      const e = parseOr();
      if (peek()?.kind !== 'rp') fail('expected `)`');
      i++;
      return e;
    }
    if (t.kind === 'rp') return fail('unexpected `)`');
    const w = t.text.toLowerCase();
    const next = toks[i + 1];
    if (
      (w === '1' || w === 'all' || w === 'any') &&
      next?.kind === 'word' &&
      next.text.toLowerCase() === 'of'
    ) {
      i += 2;
      const target = peek();
      if (!target || target.kind !== 'word')
        return fail(`expected an identifier pattern or \`them\` after \`${w} of\``);
      i++;
      const names = resolve(target.text);
      if (names.length === 0) {
        throw new ConditionError(`\`${w} of ${target.text}\` matches no search identifier`);
      }
      const args: Condition[] = names.map((name) => ({ t: 'id', name }));
      if (args.length === 1) return args[0]!;
      return { t: w === 'all' ? 'and' : 'or', args };
    }
    if (KEYWORDS.has(w)) return fail('unexpected keyword');
    if (/^\d+$/.test(w) && next?.kind === 'word' && next.text.toLowerCase() === 'of') {
      return fail('only `1 of`, `any of` and `all of` are defined by the specification');
    }
    i++;
    if (t.text.includes('*')) return fail('a wildcard identifier needs `1 of` or `all of`');
    if (!identifiers.includes(t.text)) {
      throw new ConditionError(`condition refers to undefined search identifier '${t.text}'`);
    }
    return { t: 'id', name: t.text };
  };

  if (toks.length === 0) throw new ConditionError('empty condition');
  const tree = parseOr();
  if (i < toks.length) fail('unexpected token');
  return tree;
}

/** Identifiers a condition tree uses. */
export function conditionIdentifiers(c: Condition, out = new Set<string>()): Set<string> {
  switch (c.t) {
    case 'id':
      out.add(c.name);
      break;
    case 'and':
    case 'or':
      for (const a of c.args) conditionIdentifiers(a, out);
      break;
    case 'not':
      conditionIdentifiers(c.arg, out);
      break;
    case 'const':
      break;
  }
  return out;
}
