/**
 * Playbook templating: `{{ alert.sourceIp }}` is replaced by that value of the run's subject.
 * Only dotted paths of own properties are read — no expressions, calls or filters — so a playbook
 * uploaded by anyone can never run code; a path with no value is an error, never an empty string.
 */

/** What a template may read: the subject of the run and the run itself. */
export const TEMPLATE_ROOTS = ['alert', 'incident', 'asset', 'playbook', 'run'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+)$/;
/** Names that reach into the object machinery rather than the data. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly placeholder: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** A placeholder found in a text, or what is wrong with one. */
export interface Placeholder {
  /** the text between the braces, trimmed */
  path: string;
  root: string;
  problem: string | null;
}

function pathProblem(path: string): string | null {
  if (path === '') return 'an empty placeholder {{ }}: write a path such as {{ alert.sourceIp }}';
  const parts = path.split('.');
  if (!parts.every((p) => SEGMENT.test(p)))
    return `'{{ ${path} }}' is not a path: only names and indexes joined by dots, such as {{ alert.sourceIp }} or {{ incident.assetIds.0 }}`;
  if (parts.some((p) => FORBIDDEN.has(p))) return `'{{ ${path} }}' reads a reserved name`;
  if (!(TEMPLATE_ROOTS as readonly string[]).includes(parts[0]!))
    return `'{{ ${path} }}' starts with '${parts[0]}': a path starts with one of ${TEMPLATE_ROOTS.join(', ')}`;
  return null;
}

/** The placeholders of a text, each with its problem (null when it is well formed). */
export function placeholdersIn(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const path = m[1]!.trim();
    found.push({ path, root: path.split('.')[0]!, problem: pathProblem(path) });
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}'))
    found.push({
      path: '',
      root: '',
      problem: `unbalanced braces in '${text}': a placeholder is written {{ path }}`,
    });
  return found;
}

/** Every string inside a value (object values and array items, not keys). */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}

/** The value at a dotted path; a TemplateError naming the first part that has no value. */
export function lookup(context: Record<string, unknown>, path: string): unknown {
  const problem = pathProblem(path);
  if (problem) throw new TemplateError(problem, path);
  let node: unknown = context;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const here = parts.slice(0, i + 1).join('.');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) {
      const parent = parts.slice(0, i).join('.');
      throw new TemplateError(
        i === 0
          ? `{{ ${path} }} has no value: this run has no ${part}`
          : `{{ ${path} }} has no value: ${parent} (${describe(node)}) has no ${part}`,
        path,
      );
    }
    node = (node as Record<string, unknown>)[part];
    if (node === null || node === undefined)
      throw new TemplateError(`{{ ${path} }} has no value: ${here} is empty`, path);
  }
  return node;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A text with its placeholders filled. A text that is one placeholder and nothing else keeps the
 * value's type (a number stays a number in a webhook body); otherwise values are written as text
 * (objects and lists as JSON).
 */
export function renderText(text: string, context: Record<string, unknown>): unknown {
  const whole = /^\{\{([^{}]*)\}\}$/.exec(text);
  if (whole) return lookup(context, whole[1]!.trim());
  for (const p of placeholdersIn(text)) if (p.problem) throw new TemplateError(p.problem, p.path);
  return text.replace(PLACEHOLDER, (_m, path: string) => asText(lookup(context, path.trim())));
}

/** A value with every string in it rendered; keys are left as written. */
export function render(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderText(value, context);
  if (Array.isArray(value)) return value.map((v) => render(v, context));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, context)]));
  return value;
}
