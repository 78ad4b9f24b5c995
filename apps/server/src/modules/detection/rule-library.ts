import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { unzipSync } from 'fflate';
import {
  SigmaEngine,
  findRuleFiles,
  loadRuleTexts,
  emptyRuleSet,
  type CorrelationRule,
  type EngineOptions,
  type LoadError,
  type LogSource,
  type Placeholders,
  type RuleSet,
  type SigmaFilter,
  type SigmaRule,
} from '@prahari/sigma';
import { ConflictError, NotFoundError, ValidationError } from '@prahari/core';
import type { RuleFilterRecord, RuleSettingsRepository } from '@prahari/store';

export type RuleKind = 'rule' | 'correlation' | 'filter';

/** A rule as the library lists it: where it comes from, what it is, whether it runs. */
export interface RuleInfo {
  id: string;
  kind: RuleKind;
  title: string;
  pack: string;
  /** path inside the pack */
  file: string;
  line: number | null;
  level: string | null;
  status: string | null;
  description: string | null;
  logsource: LogSource;
  tags: string[];
  enabled: boolean;
  /** who switched it off or on, and why */
  setting: { by: string; at: string; reason: string | null } | null;
  /** false for rules of a built-in pack, which can be switched off but not deleted */
  deletable: boolean;
  /** compile problems (the rule is left out when one is an error) */
  problems: { severity: 'error' | 'warning'; message: string }[];
}

export interface RulePack {
  name: string;
  dir: string;
  builtIn: boolean;
  rules: number;
  /** from PACK.json for imported packs */
  origin: { source: string; importedAt: string; licence: string | null } | null;
}

export interface ValidationReport {
  valid: boolean;
  rules: { id: string | null; kind: RuleKind; title: string; file: string }[];
  errors: { file: string; line: number | null; column: number | null; message: string }[];
  warnings: { file: string; line: number | null; message: string }[];
}

/** The built-in packs (read-only) and the data directory's `rules/` folder (one pack per folder). */
export interface RuleLibraryOptions {
  builtIn: { name: string; dir: string }[];
  dataDir: string;
  settings: RuleSettingsRepository;
  placeholders?: Placeholders;
  /** how late an event may arrive and still count in a correlation window */
  correlationLatenessMs: number;
}

/** One event in this many is timed rule by rule, to find slow rules (a few % of the cost). */
export const PROFILE_EVERY = 64;

/** Where uploads through the API go. */
export const UPLOAD_PACK = 'uploaded';
/** Touched by `prahari rules import`, so a running server reloads. */
export const GENERATION_FILE = '.generation';

const MAX_ZIP_ENTRIES = 20_000;
const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;

function ruleKey(r: { id?: string; name?: string; title: string }, file: string): string {
  return (
    r.id ??
    r.name ??
    `sha1-${createHash('sha1').update(`${file}\u0000${r.title}`).digest('hex').slice(0, 16)}`
  );
}

export function isYaml(name: string): boolean {
  return /\.ya?ml$/i.test(name) && basename(name) !== 'info.yml';
}

/**
 * The documents of a YAML file, each as its own text, and which one a rule at `line` is in (the
 * last starting at or before it: a rule's line may be its `---`).
 */
function documents(text: string, line: number | null): { texts: string[]; index: number } {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) return { texts: [text], index: 0 };
  let offset = 0;
  for (let l = 1; l < (line ?? 1); l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  const texts = docs.map(
    (d) =>
      text
        .slice(d.range[0], d.range[2])
        .replace(/^---[^\n]*\n/, '')
        .trim() + '\n',
  );
  const index = Math.max(0, docs.filter((d) => d.range[0] <= offset).length - 1);
  return { texts, index };
}

function documentAt(text: string, line: number | null): string {
  const { texts, index } = documents(text, line);
  return texts.length <= 1 ? text : texts[index]!;
}

/** A file name safe to create inside a pack: no traversal, YAML extension kept. */
function safeRelativePath(name: string): string {
  const parts = name
    .replaceAll('\\', '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_'));
  if (parts.length === 0) throw new ValidationError(`'${name}' is not a usable file name.`);
  return parts.join('/');
}

interface Loaded {
  /**
   * Compiled when first asked for: the server's live detection compiles its own in its thread,
   * and the rule list needs only what compiling said (`errors`, `compiledCount`).
   */
  engine: SigmaEngine | undefined;
  /** what the engine is built from, also to build the same engine in another thread */
  engineOptions: EngineOptions & {
    rules: SigmaRule[];
    correlations: CorrelationRule[];
    filters: SigmaFilter[];
  };
  compiledCount: number;
  infos: Map<string, RuleInfo>;
  packs: RulePack[];
  errors: LoadError[];
}

/**
 * Rule packs on disk — Prahari's city rules shipped with the server, and packs in the data
 * directory (imported SigmaHQ rules, uploads) — compiled into one engine with people's choices
 * applied: switched-off rules are left out and tuning filters are added. `reload()` builds a new
 * engine and swaps it in only once it compiled, so a bad change never stops detection.
 */
export class RuleLibrary {
  #loaded: Loaded | undefined;
  #generation = 0;
  /**
   * Parsed files by path, kept while their size and time are unchanged: switching a rule off
   * then only recompiles, instead of re-reading thousands of YAML files while the server waits.
   */
  #parsed = new Map<string, { mtimeMs: number; size: number; ino: number; set: RuleSet }>();

  constructor(private readonly options: RuleLibraryOptions) {}

  get rulesDir(): string {
    return join(this.options.dataDir, 'rules');
  }

  /** An engine with the rules in use (compiled on first use after a reload). */
  get engine(): SigmaEngine {
    const loaded = this.#state();
    return (loaded.engine ??= new SigmaEngine(loaded.engineOptions));
  }

  /** How many of the rules in use compiled. */
  get compiledCount(): number {
    return this.#state().compiledCount;
  }

  /** Values for rules' `|expand` placeholders, as configured. */
  get placeholders(): Placeholders | undefined {
    return this.options.placeholders;
  }

  /**
   * What the engine in use was built from (plain data: rules, correlations, filters, settings), so
   * a thread of its own can build the same engine.
   */
  get engineOptions(): Loaded['engineOptions'] {
    return this.#state().engineOptions;
  }

  /** Increases on every reload, so detection knows its correlation state belongs to an old set. */
  get generation(): number {
    return this.#generation;
  }

  #packs(): { name: string; dir: string; builtIn: boolean }[] {
    const packs = this.options.builtIn.map((p) => ({ ...p, builtIn: true }));
    let names: string[] = [];
    try {
      names = readdirSync(this.rulesDir).sort();
    } catch {
      names = [];
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const dir = join(this.rulesDir, name);
      try {
        if (!statSync(dir).isDirectory()) continue;
      } catch {
        continue;
      }
      if (packs.some((p) => p.name === name)) continue;
      packs.push({ name, dir, builtIn: false });
    }
    return packs;
  }

  /** Loads every pack and builds a fresh engine (not yet in use). */
  async build(): Promise<Loaded & { engine: SigmaEngine }> {
    const settings = new Map((await this.options.settings.settings()).map((s) => [s.ruleId, s]));
    const filters = await this.options.settings.filters();
    const infos = new Map<string, RuleInfo>();
    const errors: LoadError[] = [];
    const rules: SigmaRule[] = [];
    const correlations: CorrelationRule[] = [];
    const ruleFilters: SigmaFilter[] = [];
    const packs: RulePack[] = [];
    const origins = new Map<object, string>();
    const seenFiles = new Set<string>();
    for (const pack of this.#packs()) {
      const set = this.#loadPack(pack.dir, seenFiles);
      errors.push(...set.errors);
      let count = 0;
      const add = (
        item: SigmaRule | CorrelationRule | SigmaFilter,
        kind: RuleKind,
        file: string | undefined,
        line: number | undefined,
      ): boolean => {
        const rel = file ? relative(pack.dir, file) : '';
        const id = ruleKey(item, `${pack.name}/${rel}`);
        const existing = infos.get(id);
        if (existing) {
          errors.push({
            file,
            line,
            severity: 'error',
            rule: id,
            message: `id ${id} is already used by ${existing.pack}/${existing.file}; this copy is not loaded`,
          });
          return false;
        }
        const setting = settings.get(id);
        const raw = 'raw' in item ? item.raw : undefined;
        infos.set(id, {
          id,
          kind,
          title: item.title,
          pack: pack.name,
          file: rel,
          line: line ?? null,
          level: 'level' in item && item.level ? item.level : null,
          status: 'status' in item && item.status ? item.status : null,
          description:
            'description' in item && item.description
              ? item.description
              : typeof raw?.['description'] === 'string'
                ? raw['description']
                : null,
          logsource: 'logsource' in item ? item.logsource : {},
          tags: 'tags' in item ? item.tags : [],
          enabled: setting ? setting.enabled : true,
          setting: setting
            ? { by: setting.updatedBy, at: setting.updatedAt, reason: setting.reason }
            : null,
          deletable: !pack.builtIn,
          problems: [],
        });
        origins.set(item, id);
        count++;
        return setting ? setting.enabled : true;
      };
      for (const r of set.rules) if (add(r, 'rule', r.origin.file, r.origin.line)) rules.push(r);
      for (const c of set.correlations)
        if (add(c, 'correlation', c.origin.file, c.origin.line)) correlations.push(c);
      for (const f of set.filters)
        if (add(f, 'filter', f.origin.file, f.origin.line)) ruleFilters.push(f);
      packs.push({ ...pack, rules: count, origin: readPackOrigin(pack.dir) });
    }
    for (const path of this.#parsed.keys()) if (!seenFiles.has(path)) this.#parsed.delete(path);
    for (const f of filters) {
      if (!f.enabled) continue;
      const set = loadRuleTexts([{ text: f.source, file: `filter:${f.id}` }]);
      errors.push(...set.errors);
      ruleFilters.push(...set.filters);
    }
    const engineOptions: Loaded['engineOptions'] = {
      rules,
      correlations,
      filters: ruleFilters,
      ...(this.options.placeholders && { placeholders: this.options.placeholders }),
      correlation: { allowedLatenessMs: this.options.correlationLatenessMs },
      profileEvery: PROFILE_EVERY,
    };
    const engine = new SigmaEngine(engineOptions);
    errors.push(...engine.errors);
    for (const e of errors) {
      const info = e.rule ? infos.get(e.rule) : undefined;
      info?.problems.push({ severity: e.severity, message: e.message });
    }
    return {
      engine,
      engineOptions,
      compiledCount: engine.compiledCount,
      infos,
      packs,
      errors,
    };
  }

  #loadPack(dir: string, seen: Set<string>): RuleSet {
    const set = emptyRuleSet();
    for (const file of findRuleFiles(dir)) {
      seen.add(file);
      let stat;
      try {
        stat = statSync(file);
      } catch (e) {
        set.errors.push({
          file,
          severity: 'error',
          message: `cannot read: ${(e as Error).message}`,
        });
        continue;
      }
      let cached = this.#parsed.get(file);
      if (
        !cached ||
        cached.mtimeMs !== stat.mtimeMs ||
        cached.size !== stat.size ||
        cached.ino !== stat.ino
      ) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          set.errors.push({
            file,
            severity: 'error',
            message: `cannot read: ${(e as Error).message}`,
          });
          continue;
        }
        cached = {
          mtimeMs: stat.mtimeMs,
          size: stat.size,
          ino: stat.ino,
          set: loadRuleTexts([{ text, file }]),
        };
        this.#parsed.set(file, cached);
      }
      set.rules.push(...cached.set.rules);
      set.correlations.push(...cached.set.correlations);
      set.filters.push(...cached.set.filters);
      set.errors.push(...cached.set.errors);
    }
    return set;
  }

  /**
   * Builds the engine from disk and the database and puts its rules in use. The compiled engine
   * is let go (it told what did not compile); `engine` compiles one again when asked for.
   */
  async reload(): Promise<{ rules: number; errors: LoadError[] }> {
    const loaded = await this.build();
    this.#loaded = { ...loaded, engine: undefined };
    this.#generation++;
    return { rules: loaded.compiledCount, errors: loaded.errors };
  }

  #state(): Loaded {
    if (!this.#loaded) throw new Error('rules are not loaded yet');
    return this.#loaded;
  }

  list(): RuleInfo[] {
    return [...this.#state().infos.values()];
  }

  packs(): RulePack[] {
    return this.#state().packs;
  }

  errors(): LoadError[] {
    return this.#state().errors;
  }

  get(id: string): RuleInfo {
    const info = this.#state().infos.get(id);
    if (!info) throw new NotFoundError(`No rule has id '${id}'.`);
    return info;
  }

  #packDir(name: string): string {
    const pack = this.#packs().find((p) => p.name === name);
    if (!pack) throw new NotFoundError(`No rule pack is named '${name}'.`);
    return pack.dir;
  }

  /** The YAML of the rule (its own document when the file holds several). */
  source(id: string): string {
    const info = this.get(id);
    const text = readFileSync(join(this.#packDir(info.pack), info.file), 'utf8');
    return documentAt(text, info.line);
  }

  /**
   * Checks rule files without saving: every document must load and compile, and ids must not
   * clash with rules of other packs (replacing an upload of the same file is allowed).
   */
  validate(files: { name: string; text: string }[]): ValidationReport {
    const report: ValidationReport = { valid: true, rules: [], errors: [], warnings: [] };
    if (files.length === 0) {
      report.valid = false;
      report.errors.push({
        file: '',
        line: null,
        column: null,
        message: 'no YAML rule files were given',
      });
      return report;
    }
    const set: RuleSet = emptyRuleSet();
    loadRuleTexts(
      files.map((f) => ({ text: f.text, file: f.name })),
      set,
    );
    const known = this.#loaded?.infos ?? new Map<string, RuleInfo>();
    const replaced = new Set(files.map((f) => safeRelativePath(f.name)));
    const items: [SigmaRule | CorrelationRule | SigmaFilter, RuleKind][] = [
      ...set.rules.map((r) => [r, 'rule'] as [SigmaRule, RuleKind]),
      ...set.correlations.map((c) => [c, 'correlation'] as [CorrelationRule, RuleKind]),
      ...set.filters.map((f) => [f, 'filter'] as [SigmaFilter, RuleKind]),
    ];
    const seen = new Set<string>();
    for (const [item, kind] of items) {
      const file = item.origin.file ?? '';
      report.rules.push({ id: item.id ?? null, kind, title: item.title, file });
      if (!item.id) {
        report.errors.push({
          file,
          line: item.origin.line ?? null,
          column: null,
          message: `'${item.title}' has no id: give every rule a UUID so it can be switched off, tuned and referenced`,
        });
        continue;
      }
      if (seen.has(item.id)) {
        report.errors.push({
          file,
          line: item.origin.line ?? null,
          column: null,
          message: `id ${item.id} appears twice in the upload`,
        });
      }
      seen.add(item.id);
      const clash = known.get(item.id);
      if (clash && !(clash.pack === UPLOAD_PACK && replaced.has(clash.file.split(sep).join('/')))) {
        report.errors.push({
          file,
          line: item.origin.line ?? null,
          column: null,
          message: `id ${item.id} is already used by '${clash.title}' in pack ${clash.pack} (${clash.file})`,
        });
      }
    }
    for (const e of set.errors) {
      if (e.severity === 'warning') {
        report.warnings.push({ file: e.file ?? '', line: e.line ?? null, message: e.message });
        continue;
      }
      report.errors.push({
        file: e.file ?? '',
        line: e.line ?? null,
        column: e.column ?? null,
        message: e.message,
      });
    }
    // Compiling catches what loading cannot (unknown modifiers in context, bad regexes, …).
    const engine = new SigmaEngine({
      rules: set.rules,
      correlations: set.correlations,
      filters: set.filters,
      ...(this.options.placeholders && { placeholders: this.options.placeholders }),
    });
    for (const e of engine.errors) {
      if (e.severity === 'warning') {
        report.warnings.push({ file: e.file ?? '', line: e.line ?? null, message: e.message });
      } else {
        report.errors.push({
          file: e.file ?? '',
          line: e.line ?? null,
          column: e.column ?? null,
          message: e.message,
        });
      }
    }
    report.valid = report.errors.length === 0 && report.rules.length > 0;
    if (report.rules.length === 0 && report.errors.length === 0) {
      report.errors.push({
        file: '',
        line: null,
        column: null,
        message: 'no Sigma rule was found in the upload',
      });
    }
    return report;
  }

  /** Writes validated files into the upload pack (replacing files of the same name). */
  saveUploads(files: { name: string; text: string }[]): string[] {
    const dir = join(this.rulesDir, UPLOAD_PACK);
    const written: string[] = [];
    for (const f of files) {
      const rel = safeRelativePath(f.name);
      const target = resolve(dir, rel);
      if (!target.startsWith(resolve(dir) + sep))
        throw new ValidationError(`'${f.name}' is not a usable file name.`);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const tmp = `${target}.tmp`;
      writeFileSync(tmp, f.text, { mode: 0o600 });
      renameSync(tmp, target);
      written.push(rel);
    }
    return written;
  }

  /**
   * Removes a rule from its pack: the file when it holds only this rule, otherwise just its
   * document. Rules of built-in packs can only be switched off.
   */
  deleteRule(id: string): { file: string; pack: string } {
    const info = this.get(id);
    if (!info.deletable)
      throw new ConflictError(
        `'${info.title}' is part of the built-in pack ${info.pack}; switch it off instead of deleting it.`,
      );
    const path = join(this.#packDir(info.pack), info.file);
    const { texts, index } = documents(readFileSync(path, 'utf8'), info.line);
    if (texts.length <= 1) {
      rmSync(path);
    } else {
      const kept = texts.filter((_t, i) => i !== index);
      writeFileSync(path, kept.join('---\n'), { mode: 0o600 });
    }
    return { file: info.file, pack: info.pack };
  }
}

/**
 * The files of a zip archive that `keep` selects, as text, refusing archives that would unpack to
 * something huge (a zip bomb) or hold files that are not UTF-8.
 */
export function textFilesFromZip(
  zip: Uint8Array,
  keep: (name: string) => boolean = isYaml,
): { name: string; text: string }[] {
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        entries++;
        total += f.originalSize;
        if (entries > MAX_ZIP_ENTRIES || total > MAX_UNZIPPED_BYTES)
          throw new ValidationError(
            `The zip is too large: at most ${MAX_ZIP_ENTRIES} files and ${MAX_UNZIPPED_BYTES / 1048576} MiB unpacked.`,
          );
        return keep(f.name);
      },
    });
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(
      `The upload is not a readable zip archive: ${(err as Error).message}`,
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return Object.entries(files).map(([name, bytes]) => {
    try {
      return { name, text: decoder.decode(bytes) };
    } catch {
      throw new ValidationError(`${name} in the zip is not UTF-8 text.`);
    }
  });
}

export interface PackOrigin {
  source: string;
  importedAt: string;
  licence: string | null;
}

function readPackOrigin(dir: string): PackOrigin | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'PACK.json'), 'utf8')) as PackOrigin;
  } catch {
    return null;
  }
}

export type { RuleFilterRecord };
