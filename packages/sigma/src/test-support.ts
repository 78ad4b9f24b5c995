/** Small helpers the tests share: build an engine from YAML text and run one event through it. */
import { loadRuleTexts } from './loader.js';
import { SigmaEngine } from './engine.js';
import type { EngineOptions, EvaluateOptions } from './engine.js';
import type { LoadError, Match } from './types.js';

export function engineFor(
  yaml: string | string[],
  options: Omit<EngineOptions, 'rules'> = {},
): SigmaEngine {
  const texts = (Array.isArray(yaml) ? yaml : [yaml]).map((text) => ({ text }));
  const set = loadRuleTexts(texts);
  const errors = set.errors.filter((e) => e.severity === 'error');
  if (errors.length > 0)
    throw new Error(errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; '));
  return new SigmaEngine({ rules: set, ...options });
}

/** A one-rule detection section wrapped into a rule. */
export function rule(detection: string, extra = ''): string {
  const body = detection
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `title: Test rule\nid: 11111111-2222-4333-8444-555555555555\nstatus: test\nlevel: high\nlogsource:\n    product: test\ndetection:\n${body}\n${extra}`;
}

/** Does the detection (YAML under `detection:`) match the event? */
export function matches(
  detection: string,
  event: Record<string, unknown>,
  options: Omit<EngineOptions, 'rules'> = {},
): boolean {
  return engineFor(rule(detection), options).evaluate(event).length > 0;
}

export function compileErrors(detection: string): LoadError[] {
  return engineFor(rule(detection)).errors.filter((e) => e.severity === 'error');
}

export function evaluate(engine: SigmaEngine, event: unknown, options?: EvaluateOptions): Match[] {
  return engine.evaluate(event, options);
}
