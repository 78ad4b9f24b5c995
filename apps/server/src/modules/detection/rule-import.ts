import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ValidationError } from '@prahari/core';
import { findRuleFiles, loadRuleTexts } from '@prahari/sigma';
import {
  GENERATION_FILE,
  UPLOAD_PACK,
  isYaml,
  textFilesFromZip,
  type PackOrigin,
} from './rule-library.js';

/** The logsources a city has (see the README): products, and categories of rules without one. */
export const CITY_PRODUCTS = [
  'linux',
  'windows',
  'zeek',
  'cisco',
  'fortigate',
  'fortios',
  'paloalto',
  'juniper',
  'huawei',
] as const;
export const CITY_CATEGORIES = ['webserver', 'proxy', 'dns', 'firewall'] as const;

export interface RuleImportOptions {
  dataDir: string;
  /** folder or .zip of rules, e.g. a SigmaHQ checkout or release archive */
  source: string;
  /** pack name (folder under the data directory's rules/) */
  pack: string;
  /** every rule, not only those for a city's logsources */
  all?: boolean;
  /** also deprecated and unsupported rules */
  includeDeprecated?: boolean;
  now: Date;
}

export interface RuleImportResult {
  pack: string;
  dir: string;
  files: number;
  rules: number;
  skippedLogsource: number;
  skippedStatus: number;
  /** files that did not load at all (kept out, with why) */
  unreadable: { file: string; message: string }[];
  licence: string | null;
}

const PACK_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const LICENCE_FILES = /(^|\/)(LICENSE|LICENCE|LICENSE\.md|LICENSE\.txt|Detection\.Rules\.md)$/i;

function cityRule(ls: { product?: string; category?: string }): boolean {
  if (ls.product) return (CITY_PRODUCTS as readonly string[]).includes(ls.product);
  return ls.category !== undefined && (CITY_CATEGORIES as readonly string[]).includes(ls.category);
}

/** A licence's name from the first words of its text (DRL is SigmaHQ's). */
function licenceName(text: string): string {
  const head = text.slice(0, 400);
  if (/Detection Rule License/i.test(head)) {
    const version = /Version\s+([\d.]+)/i.exec(head)?.[1];
    return `Detection Rule License (DRL)${version ? ` ${version}` : ''}`;
  }
  return (
    head
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'see LICENSE'
  );
}

function readSource(source: string): {
  files: { name: string; text: string }[];
  licence: string | null;
} {
  let st;
  try {
    st = statSync(source);
  } catch {
    throw new ValidationError(`${source} does not exist: give a folder of rules or a .zip.`);
  }
  if (st.isFile()) {
    if (!/\.zip$/i.test(source))
      throw new ValidationError(`${source} is not a folder or a .zip of rules.`);
    const all = textFilesFromZip(readFileSync(source), (n) => isYaml(n) || LICENCE_FILES.test(n));
    const licenceFile = all.find((f) => LICENCE_FILES.test(f.name) && !isYaml(f.name));
    return {
      files: all.filter((f) => isYaml(f.name)),
      licence: licenceFile ? licenceFile.text : null,
    };
  }
  const files = findRuleFiles(source).map((f) => ({
    name: relative(source, f),
    text: readFileSync(f, 'utf8'),
  }));
  let licence: string | null = null;
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENCE', 'LICENSE.txt']) {
    try {
      licence = readFileSync(join(source, name), 'utf8');
      break;
    } catch {
      // try the next name
    }
  }
  return { files, licence };
}

/**
 * Copies a third-party rule pack (SigmaHQ's, or any folder/zip of Sigma rules) into the data
 * directory, by default only the rules for a city's logsources, with where it came from and its
 * licence. A pack of the same name is replaced as a whole. A running server notices and reloads.
 */
export function importRulePack(options: RuleImportOptions): RuleImportResult {
  if (!PACK_NAME.test(options.pack) || options.pack === UPLOAD_PACK || options.pack === 'city') {
    throw new ValidationError(
      `Pack name '${options.pack}' is not allowed: use lower-case letters, digits, '.', '_' or '-' (not 'city' or '${UPLOAD_PACK}').`,
    );
  }
  const { files, licence } = readSource(options.source);
  const result: RuleImportResult = {
    pack: options.pack,
    dir: join(options.dataDir, 'rules', options.pack),
    files: 0,
    rules: 0,
    skippedLogsource: 0,
    skippedStatus: 0,
    unreadable: [],
    licence: licence ? licenceName(licence) : null,
  };
  const kept: { name: string; text: string }[] = [];
  for (const f of files) {
    const set = loadRuleTexts([{ text: f.text, file: f.name }]);
    const fatal = set.errors.find((e) => e.severity === 'error');
    if (set.rules.length + set.correlations.length + set.filters.length === 0) {
      if (fatal) result.unreadable.push({ file: f.name, message: fatal.message });
      continue;
    }
    const rules = set.rules.filter((r) => {
      if (!options.includeDeprecated && (r.status === 'deprecated' || r.status === 'unsupported')) {
        result.skippedStatus++;
        return false;
      }
      if (!options.all && !cityRule(r.logsource)) {
        result.skippedLogsource++;
        return false;
      }
      return true;
    });
    if (rules.length === 0 && set.rules.length > 0) continue;
    kept.push(f);
    result.rules += rules.length + set.correlations.length + set.filters.length;
  }
  if (kept.length === 0) {
    throw new ValidationError(
      `No rule in ${options.source} was imported (${result.skippedLogsource} for other logsources, ${result.skippedStatus} deprecated; use --all to take every rule).`,
    );
  }
  // Build the pack beside the old one and swap, so a running server never sees half a pack.
  // Dot-names are never loaded as packs.
  const staging = join(options.dataDir, 'rules', `.${options.pack}.importing`);
  rmSync(staging, { recursive: true, force: true });
  for (const f of kept) {
    const target = join(staging, f.name.replaceAll('\\', '/').replace(/^(\.\.\/)+/, ''));
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, f.text, { mode: 0o600 });
  }
  result.files = kept.length;
  if (licence) writeFileSync(join(staging, 'LICENSE'), licence, { mode: 0o600 });
  const origin: PackOrigin = {
    source: basename(options.source),
    importedAt: options.now.toISOString(),
    licence: result.licence,
  };
  writeFileSync(join(staging, 'PACK.json'), JSON.stringify(origin, null, 2) + '\n', {
    mode: 0o600,
  });
  const old = join(options.dataDir, 'rules', `.${options.pack}.old`);
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(result.dir, old);
  } catch {
    // first import of this pack
  }
  renameSync(staging, result.dir);
  rmSync(old, { recursive: true, force: true });
  writeFileSync(join(options.dataDir, 'rules', GENERATION_FILE), options.now.toISOString());
  return result;
}
