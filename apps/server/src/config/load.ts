import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { Value } from 'typebox/value';
import { isKnownTimezone } from '@prahari/ingest';
import { ConfigSchema, type Config } from './schema.js';

export interface ConfigIssue {
  /** dotted key, e.g. `server.port` */
  key: string;
  /** where the value came from: the file, an environment variable, a flag */
  origin: string;
  value: unknown;
  problem: string;
  allowed: string;
}

/** Settings whose values an error message must not repeat. */
const SECRET_KEY = /password|secret/i;

/** A configuration Prahari refuses to start with; the message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `Prahari will not start: the configuration is wrong.\n` +
        issues
          .map(
            (i) =>
              `  - ${i.key} (from ${i.origin}): ${i.problem}` +
              (i.value === undefined
                ? ''
                : `; got ${SECRET_KEY.test(i.key) ? '(hidden)' : JSON.stringify(i.value)}`) +
              (i.allowed ? `; allowed: ${i.allowed}` : ''),
          )
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** explicit file (from --config); otherwise PRAHARI_CONFIG, otherwise ./prahari.yaml if present */
  file?: string;
  env?: Record<string, string | undefined>;
  /** flags as dotted keys, e.g. `{ 'server.port': 8080 }` */
  flags?: Record<string, unknown>;
  cwd?: string;
}

/** Environment variables that are not settings but are ours, so they are not reported as unknown. */
const NON_SETTING_ENV = new Set(['PRAHARI_CONFIG']);
const NON_SETTING_ENV_PREFIXES = ['PRAHARI_TEST_'];
/** Short names the README promises, mapped to their settings. */
const ENV_ALIASES: Record<string, string> = { PRAHARI_ADMIN_PASSWORD: 'auth.initialAdminPassword' };

type Schema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  description?: string;
};

const root = ConfigSchema as unknown as Schema;

/** Every setting as a dotted key with its schema, in declaration order. */
export function settingKeys(schema: Schema = root, prefix = ''): { key: string; schema: Schema }[] {
  const out: { key: string; schema: Schema }[] = [];
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (sub.type === 'object' && sub.properties) out.push(...settingKeys(sub, key));
    else out.push({ key, schema: sub });
  }
  return out;
}

/** `server.bodyLimitBytes` → `PRAHARI_SERVER_BODY_LIMIT_BYTES` */
export function envNameFor(key: string): string {
  return (
    'PRAHARI_' +
    key
      .split('.')
      .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('_')
  );
}

/** What a schema accepts, in words a city IT person can act on. */
export function describeAllowed(s: Schema): string {
  if (s.anyOf) return `one of ${s.anyOf.map((a) => JSON.stringify(a.const)).join(', ')}`;
  if (s.type === 'integer' || s.type === 'number') {
    const kind = s.type === 'integer' ? 'a whole number' : 'a number';
    if (s.minimum !== undefined && s.maximum !== undefined)
      return `${kind} from ${s.minimum} to ${s.maximum}`;
    if (s.minimum !== undefined) return `${kind} ≥ ${s.minimum}`;
    return kind;
  }
  if (s.type === 'boolean') return 'true or false';
  if (s.type === 'string')
    return s.minLength ? `text of at least ${s.minLength} characters` : 'text';
  if (s.type === 'object' && s.properties)
    return `a map with keys ${Object.keys(s.properties).join(', ')}`;
  if (s.type === 'array' && s.items)
    return `a list (comma-separated in the environment) of ${describeAllowed(s.items)}`;
  return s.type ?? 'a value';
}

function schemaAt(key: string): Schema | undefined {
  let s: Schema | undefined = root;
  // a list's element (`incidents.warnBeforeMinutes.1`) is described by the list's items
  for (const part of key.split('.')) s = /^\d+$/.test(part) ? s?.items : s?.properties?.[part];
  return s;
}

function coerceEnv(raw: string, s: Schema): unknown {
  if (s.type === 'array' && s.items) {
    const items = s.items;
    return raw.trim() === '' ? [] : raw.split(',').map((part) => coerceEnv(part.trim(), items));
  }
  if (s.type === 'integer' || s.type === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  if (s.type === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
  }
  return raw;
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(target: unknown, key: string): unknown {
  let node = target;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Finds keys the schema does not know, with the keys that would have been valid there. */
function unknownKeys(
  value: unknown,
  schema: Schema,
  prefix: string,
  out: { key: string; allowed: string }[],
): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !schema.properties)
    return;
  for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const child = schema.properties[name];
    if (!child)
      out.push({
        key,
        allowed: `known keys here are ${Object.keys(schema.properties).join(', ')}`,
      });
    else unknownKeys(sub, child, key, out);
  }
}

/**
 * Reads the file, then environment overrides (`PRAHARI_*`), then flags — later wins — and validates
 * the result once. Throws ConfigError naming every wrong key.
 */
export function loadConfig(sources: ConfigSources = {}): { config: Config; file: string | null } {
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const issues: ConfigIssue[] = [];
  const origins = new Map<string, string>();

  const explicit = sources.file ?? env.PRAHARI_CONFIG;
  const candidate = explicit ?? 'prahari.yaml';
  const path = resolve(cwd, candidate);
  let file: string | null = null;
  let fromFile: unknown = {};
  if (existsSync(path)) {
    file = path;
    try {
      fromFile = parseYaml(readFileSync(path, 'utf8')) ?? {};
    } catch (err) {
      const where =
        err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new ConfigError([
        {
          key: '(file)',
          origin: path,
          value: undefined,
          problem: `not valid YAML${where}: ${why}`,
          allowed: '',
        },
      ]);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      throw new ConfigError([
        {
          key: '(file)',
          origin: path,
          value: fromFile,
          problem: 'the file must hold a map of settings',
          allowed: '',
        },
      ]);
    }
  } else if (explicit !== undefined) {
    throw new ConfigError([
      {
        key: '(file)',
        origin: path,
        value: undefined,
        problem: 'the configuration file does not exist',
        allowed: '',
      },
    ]);
  }

  const merged = structuredClone(fromFile) as Record<string, unknown>;
  const unknown: { key: string; allowed: string }[] = [];
  unknownKeys(merged, root, '', unknown);
  for (const u of unknown) {
    issues.push({
      key: u.key,
      origin: file ?? 'file',
      value: getPath(merged, u.key),
      problem: 'unknown key',
      allowed: u.allowed,
    });
  }

  const byEnvName = new Map(settingKeys().map((k) => [envNameFor(k.key), k]));
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('PRAHARI_') || raw === undefined) continue;
    if (NON_SETTING_ENV.has(name) || NON_SETTING_ENV_PREFIXES.some((p) => name.startsWith(p)))
      continue;
    const aliased = ENV_ALIASES[name];
    const setting = aliased ? { key: aliased, schema: schemaAt(aliased)! } : byEnvName.get(name);
    if (!setting) {
      issues.push({
        key: name,
        origin: 'environment',
        value: raw,
        problem: 'unknown environment variable',
        allowed: `settings are ${[...byEnvName.keys()].join(', ')}`,
      });
      continue;
    }
    setPath(merged, setting.key, coerceEnv(raw, setting.schema));
    origins.set(setting.key, `environment ${name}`);
  }

  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (value === undefined) continue;
    const s = schemaAt(key);
    if (!s) {
      issues.push({ key, origin: 'command line', value, problem: 'unknown setting', allowed: '' });
      continue;
    }
    setPath(merged, key, typeof value === 'string' ? coerceEnv(value, s) : value);
    origins.set(key, 'command line');
  }

  if (issues.length > 0) throw new ConfigError(issues);

  const withDefaults = Value.Default(ConfigSchema, merged);
  const seen = new Set<string>();
  for (const error of Value.Errors(ConfigSchema, withDefaults)) {
    if (error.keyword === 'boolean' || error.keyword === 'additionalProperties') continue;
    const key = error.instancePath.slice(1).replaceAll('/', '.') || '(root)';
    if (seen.has(key)) continue;
    seen.add(key);
    const s = schemaAt(key);
    issues.push({
      key,
      origin: origins.get(key) ?? origins.get(key.replace(/\.\d+$/, '')) ?? file ?? 'defaults',
      value: getPath(withDefaults, key),
      problem: 'wrong value',
      allowed: s ? describeAllowed(s) : error.message,
    });
  }
  // A zone the parsers cannot use would leave every time written without one read as UTC.
  const zone = (withDefaults as Config).ingest?.defaultTimezone;
  if (typeof zone === 'string' && !isKnownTimezone(zone))
    issues.push({
      key: 'ingest.defaultTimezone',
      origin: origins.get('ingest.defaultTimezone') ?? file ?? 'defaults',
      value: zone,
      problem: 'unknown time zone',
      allowed: 'an IANA name like Asia/Kolkata, or an offset like +05:30',
    });
  if (issues.length > 0) throw new ConfigError(issues);
  return { config: withDefaults as Config, file };
}
