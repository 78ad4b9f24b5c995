/** Reading rule files and folders from disk; the parsing itself is pure (loader.ts). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRuleSet, loadRuleTexts } from './loader.js';
import type { LoadOptions, RuleSet, RuleText } from './loader.js';

export interface LoadSources {
  /** YAML files */
  files?: string[];
  /** folders, searched recursively for `*.yml` / `*.yaml` */
  dirs?: string[];
  /** in-memory YAML (e.g. uploaded through the API) */
  texts?: (string | RuleText)[];
}

/**
 * Rule files under a folder, sorted for stable output. SigmaHQ regression `info.yml` files are
 * test metadata, not rules, and are skipped.
 */
export function findRuleFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(name) && name !== 'info.yml') out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Loads rules, filters and correlation rules from files, folders and texts. */
export function loadRules(sources: LoadSources, options: LoadOptions = {}): RuleSet {
  const set = emptyRuleSet();
  const files = [...(sources.files ?? []), ...(sources.dirs ?? []).flatMap(findRuleFiles)];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      set.errors.push({ file, severity: 'error', message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    loadRuleTexts([{ text, file }], set, options);
  }
  const texts = (sources.texts ?? []).map((t, i): RuleText =>
    typeof t === 'string' ? { text: t, file: `text#${i + 1}` } : t,
  );
  loadRuleTexts(texts, set, options);
  return set;
}
