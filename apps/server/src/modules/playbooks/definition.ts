/**
 * A playbook file: YAML read with positions, checked against a TypeBox schema per trigger and per
 * step action, and then for what a schema cannot say (one target per notify step, templates that
 * read only what the trigger provides). Every problem names its line and column.
 */
import { isMap, isSeq, isScalar, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import {
  CERT_IN_INCIDENT_TYPES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  ROLES,
} from '@prahari/core';
import { checkIndicator } from '../indicators/normalise.js';
import { placeholdersIn, type TemplateRoot } from './template.js';

export const ALERT_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

/** Step actions; those that act on city systems wait for an analyst unless `automatic: true`. */
export const ACTIONS = [
  'add_indicator',
  'block_ip',
  'webhook',
  'notify',
  'create_task',
  'assign_owner',
] as const;
export type Action = (typeof ACTIONS)[number];
export const ACTS_ON_CITY_SYSTEMS: readonly Action[] = ['block_ip', 'webhook'];

const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  );
const OneOrMany = <T extends TSchema>(item: T) =>
  Type.Union([item, Type.Array(item, { minItems: 1, maxItems: 100 })]);
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description && { description }) });
const Hours = Type.Number({ exclusiveMinimum: 0, maximum: 8760 });

const AlertTrigger = Type.Object(
  {
    on: Type.Literal('alert'),
    rule: Type.Optional(OneOrMany(Text(300, 'a rule id or title (case ignored)'))),
    minSeverity: Type.Optional(literals(ALERT_LEVELS)),
    kind: Type.Optional(literals(['sigma', 'correlation', 'indicator'] as const)),
  },
  { additionalProperties: false },
);
const IncidentTrigger = Type.Object(
  {
    on: Type.Literal('incident'),
    when: literals(['created', 'classified', 'status'] as const),
    certInType: Type.Optional(
      OneOrMany(literals(CERT_IN_INCIDENT_TYPES.map((t) => t.code) as [string, ...string[]])),
    ),
    minSeverity: Type.Optional(literals(INCIDENT_SEVERITIES)),
    status: Type.Optional(OneOrMany(literals(INCIDENT_STATUSES))),
  },
  { additionalProperties: false },
);
const ManualTrigger = Type.Object({ on: Type.Literal('manual') }, { additionalProperties: false });

const common = {
  action: Type.String(),
  name: Type.Optional(Text(200)),
  automatic: Type.Optional(Type.Boolean()),
};
const STEP_SCHEMAS = {
  add_indicator: Type.Object(
    {
      ...common,
      value: Text(2048),
      type: Type.Optional(literals(['ip', 'cidr', 'domain', 'url', 'hash'] as const)),
      source: Type.Optional(Text(200)),
      tlp: Type.Optional(literals(['clear', 'green', 'amber', 'amber+strict', 'red'] as const)),
      expiresInHours: Type.Optional(Hours),
      description: Type.Optional(Text(1000)),
    },
    { additionalProperties: false },
  ),
  block_ip: Type.Object(
    {
      ...common,
      value: Text(200),
      reason: Type.Optional(Text(500)),
      expiresInHours: Type.Optional(Hours),
    },
    { additionalProperties: false },
  ),
  webhook: Type.Object(
    {
      ...common,
      url: Type.Optional(Text(2000)),
      channel: Type.Optional(Text(200)),
      body: Type.Optional(Type.Unknown()),
    },
    { additionalProperties: false },
  ),
  notify: Type.Object(
    {
      ...common,
      channel: Type.Optional(Text(200)),
      role: Type.Optional(literals(ROLES)),
      user: Type.Optional(Text(200)),
      subject: Type.Optional(Text(300)),
      message: Type.Optional(Text(10_000)),
    },
    { additionalProperties: false },
  ),
  create_task: Type.Object(
    {
      ...common,
      title: Text(300),
      assignee: Type.Optional(Text(200, 'a username')),
      dueInHours: Type.Optional(Hours),
    },
    { additionalProperties: false },
  ),
  assign_owner: Type.Object({ ...common }, { additionalProperties: false }),
} satisfies Record<Action, TSchema>;

const PlaybookShape = Type.Object(
  {
    id: Type.String({
      pattern: '^[a-z0-9][a-z0-9._-]{0,99}$',
      description: 'lower-case letters, digits, . _ - (at most 100)',
    }),
    title: Text(200),
    description: Type.Optional(Text(5000)),
    secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 500, description: 'signs webhook steps with a url' }),
    ),
    trigger: Type.Object({ on: literals(['alert', 'incident', 'manual'] as const) }),
    steps: Type.Array(Type.Object({ action: literals(ACTIONS) }), { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

export type AlertTrigger = Static<typeof AlertTrigger>;
export type IncidentTrigger = Static<typeof IncidentTrigger>;
export type Trigger = AlertTrigger | IncidentTrigger | Static<typeof ManualTrigger>;
export type StepOf<A extends Action> = Static<(typeof STEP_SCHEMAS)[A]> & { action: A };
export type Step = { [A in Action]: StepOf<A> }[Action];

export interface Playbook {
  id: string;
  title: string;
  description?: string;
  secret?: string;
  trigger: Trigger;
  steps: Step[];
}

/** A problem in a playbook file, where it is. */
export interface PlaybookProblem {
  line: number;
  column: number;
  /** where in the playbook, e.g. steps.2.value */
  path: string;
  message: string;
}

export type ParseResult =
  { ok: true; playbook: Playbook } | { ok: false; errors: PlaybookProblem[] };

/** Whether a step waits for an analyst: city-system actions unless automatic, any step marked automatic: false. */
export function needsApproval(step: Step): boolean {
  if (ACTS_ON_CITY_SYSTEMS.includes(step.action)) return step.automatic !== true;
  return step.automatic === false;
}

/** The subjects a trigger's runs can have, and so the roots its templates may read. */
function rootsFor(trigger: Trigger): readonly TemplateRoot[] {
  if (trigger.on === 'alert') return ['alert', 'asset', 'playbook', 'run'];
  if (trigger.on === 'incident') return ['incident', 'asset', 'playbook', 'run'];
  return ['alert', 'incident', 'asset', 'playbook', 'run'];
}

type Segment = string | number;

class Positions {
  constructor(
    private readonly root: Node | null,
    private readonly lc: LineCounter,
  ) {}

  /** The node at a path (for a missing key: its map), and the key node for a map entry. */
  #find(path: readonly Segment[]): { node: Node | null; key: Node | null } {
    let node: Node | null = this.root;
    let key: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return { node, key: null };
        key = pair.key as Node;
        node = (pair.value as Node | null) ?? key;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg] as Node;
        key = null;
      } else return { node, key: null };
    }
    return { node, key };
  }

  at(path: readonly Segment[], message: string, preferKey = false): PlaybookProblem {
    const { node, key } = this.#find(path);
    const where = (preferKey ? key : null) ?? node;
    const p = this.lc.linePos(where?.range?.[0] ?? 0);
    return { line: p.line, column: p.col, path: path.join('.') || '(playbook)', message };
  }
}

function segmentsOf(instancePath: string): Segment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(value: unknown, path: readonly Segment[]): unknown {
  let node = value;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/**
 * Schema errors as problems a person can act on, one per place. A value that fits none of a
 * union's shapes gives one error per shape; they become one problem naming what is allowed, or
 * give way to a problem found deeper inside the value.
 */
function schemaProblems(
  schema: TSchema,
  value: unknown,
  prefix: Segment[],
  positions: Positions,
): PlaybookProblem[] {
  const errors = [...Value.Errors(schema, value)];
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: PlaybookProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: PlaybookProblem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(problem);
  };
  for (const e of errors) {
    const at = segmentsOf(e.instancePath);
    const path = [...prefix, ...at];
    const params = e.params as Record<string, unknown>;
    if (unions.has(e.instancePath)) {
      if (e.keyword !== 'anyOf') continue;
      const deeper = errors.some(
        (d) => d.instancePath.startsWith(`${e.instancePath}/`) && d.keyword !== 'boolean',
      );
      if (deeper) continue;
      const here = errors.filter((d) => d.instancePath === e.instancePath);
      const consts = here.filter((d) => d.keyword === 'const');
      const types = here.filter((d) => d.keyword === 'type');
      const given = JSON.stringify(valueAt(value, at));
      if (consts.length > 0)
        add(
          positions.at(
            path,
            `${given} is not allowed here: use one of ${consts.map((d) => String((d.params as { allowedValue?: unknown }).allowedValue)).join(', ')}`,
          ),
        );
      else if (types.length > 0)
        add(
          positions.at(
            path,
            `must be ${types.map((d) => String((d.params as { type?: unknown }).type)).join(' or ')}`,
          ),
        );
      else add(positions.at(path, e.message));
    } else if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) {
      add(positions.at(path, `unknown key '${String(path.at(-1))}'`, true));
    } else if (e.keyword === 'additionalProperties') {
      continue;
    } else if (e.keyword === 'required') {
      const missing = (params.requiredProperties as string[] | undefined) ?? [];
      add(positions.at(path, `missing ${missing.map((m) => `'${m}'`).join(', ')}`));
    } else {
      add(positions.at(path, e.message));
    }
  }
  return out;
}

function checkTemplates(
  value: unknown,
  path: Segment[],
  roots: readonly TemplateRoot[],
  trigger: Trigger,
  positions: Positions,
): PlaybookProblem[] {
  const out: PlaybookProblem[] = [];
  const walk = (v: unknown, at: Segment[]) => {
    if (typeof v === 'string') {
      for (const p of placeholdersIn(v)) {
        if (p.problem) out.push(positions.at(at, p.problem));
        else if (!(roots as readonly string[]).includes(p.root))
          out.push(
            positions.at(
              at,
              `'{{ ${p.path} }}' reads ${p.root}, but a playbook triggered on ${trigger.on} has no ${p.root}: use ${roots.join(', ')}`,
            ),
          );
      }
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...at, i]));
    else if (v !== null && typeof v === 'object')
      for (const [k, item] of Object.entries(v)) walk(item, [...at, k]);
  };
  walk(value, path);
  return out;
}

const hasTemplate = (s: string) => s.includes('{{');

/** What a schema cannot check in one step. */
function stepProblems(step: Step, at: Segment[], positions: Positions): PlaybookProblem[] {
  const out: PlaybookProblem[] = [];
  if (step.action === 'webhook') {
    const given = [step.url, step.channel].filter((v) => v !== undefined).length;
    if (given !== 1)
      out.push(positions.at(at, 'a webhook step needs either url or channel (one of them)'));
    if (step.url !== undefined && !hasTemplate(step.url)) {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(step.url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) out.push(positions.at([...at, 'url'], `'${step.url}' is not an http(s) URL`));
    }
  }
  if (step.action === 'notify') {
    const given = [step.channel, step.role, step.user].filter((v) => v !== undefined).length;
    if (given !== 1) out.push(positions.at(at, 'a notify step names one of channel, role or user'));
    if (step.role === 'ingest')
      out.push(positions.at([...at, 'role'], 'the ingest role has no people to notify'));
  }
  if (step.action === 'block_ip' && !hasTemplate(step.value)) {
    const checked = step.value.includes('/')
      ? checkIndicator('cidr', step.value)
      : checkIndicator('ip', step.value);
    if (!checked.ok) out.push(positions.at([...at, 'value'], checked.reason));
  }
  return out;
}

/** Reads and checks one playbook file; either the playbook or every problem, in file order. */
export function parsePlaybook(text: string): ParseResult {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const syntax: PlaybookProblem[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const p = lc.linePos(err.pos[0]);
      syntax.push({
        line: p.line,
        column: p.col,
        path: '(yaml)',
        message: `not valid YAML: ${err.message.split('\n')[0]}`,
      });
    }
  }
  if (syntax.length > 0) return { ok: false, errors: syntax };
  const nonEmpty = list.filter((d) => d.contents !== null);
  if (nonEmpty.length !== 1) {
    const second = nonEmpty[1];
    const p = lc.linePos(second?.contents?.range?.[0] ?? 0);
    return {
      ok: false,
      errors: [
        {
          line: p.line,
          column: p.col,
          path: '(playbook)',
          message:
            nonEmpty.length === 0
              ? 'the file is empty: a playbook has id, title, trigger and steps'
              : 'one playbook per file: this is a second YAML document',
        },
      ],
    };
  }
  const doc = nonEmpty[0]!;
  const positions = new Positions(doc.contents, lc);
  const value = doc.toJS() as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return {
      ok: false,
      errors: [positions.at([], 'a playbook is a map with id, title, trigger and steps')],
    };

  const errors = schemaProblems(PlaybookShape, value, [], positions);
  const raw = value as Record<string, unknown>;
  const trigger = raw.trigger as { on?: string } | undefined;
  const triggerSchema =
    trigger?.on === 'alert'
      ? AlertTrigger
      : trigger?.on === 'incident'
        ? IncidentTrigger
        : trigger?.on === 'manual'
          ? ManualTrigger
          : undefined;
  if (triggerSchema) errors.push(...schemaProblems(triggerSchema, trigger, ['trigger'], positions));
  const steps = Array.isArray(raw.steps) ? (raw.steps as unknown[]) : [];
  steps.forEach((step, i) => {
    const action = (step as { action?: unknown } | null)?.action;
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) return;
    errors.push(...schemaProblems(STEP_SCHEMAS[action as Action], step, ['steps', i], positions));
  });
  if (errors.length > 0) return { ok: false, errors: sortProblems(errors) };

  const playbook = value as unknown as Playbook;
  const roots = rootsFor(playbook.trigger);
  playbook.steps.forEach((step, i) => {
    const at: Segment[] = ['steps', i];
    errors.push(...stepProblems(step, at, positions));
    const { action: _action, ...params } = step;
    errors.push(...checkTemplates(params, at, roots, playbook.trigger, positions));
  });
  if (
    playbook.secret === undefined &&
    playbook.steps.some((s) => s.action === 'webhook' && s.url !== undefined)
  ) {
    errors.push(
      positions.at(
        [],
        'a webhook step with a url signs its body with the playbook secret: add secret (16 characters or more), or name a webhook channel instead of a url',
      ),
    );
  }
  if (errors.length > 0) return { ok: false, errors: sortProblems(errors) };
  return { ok: true, playbook };
}

function sortProblems(list: PlaybookProblem[]): PlaybookProblem[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The problems as one sentence for an error message. */
export function describeProblems(errors: readonly PlaybookProblem[]): string {
  const shown = errors
    .slice(0, 5)
    .map((e) => `line ${e.line}, column ${e.column} (${e.path}): ${e.message}`)
    .join('; ');
  return errors.length > 5 ? `${shown}; and ${errors.length - 5} more` : shown;
}
