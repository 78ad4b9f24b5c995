export { loadRules, findRuleFiles } from './fs-loader.js';
export type { LoadSources } from './fs-loader.js';
export { loadRuleTexts, emptyRuleSet } from './loader.js';
export type { LoadOptions, RuleSet, RuleText } from './loader.js';
export { SigmaEngine, compileRules } from './engine.js';
export type { EngineOptions, EvaluateOptions, RuleCost } from './engine.js';
export { builtinPipelines, windowsEvtxPipeline, prahariPipeline } from './pipelines.js';
export type { Pipeline, Classifier, CategoryMapping, FieldAliases } from './pipelines.js';
export type { Placeholders } from './modifiers.js';
export { parseJsonEvents, JsonEventStream } from './json-events.js';
export type { JsonEventsResult, JsonEventError } from './json-events.js';
export { findRegressionCases, runRegression } from './regression.js';
export type {
  ErrataOptions,
  RegressionCase,
  RegressionTest,
  RegressionResult,
} from './regression.js';
export { regressionErrata, findErratum } from './regression-errata.js';
export type { RegressionErratum } from './regression-errata.js';
export type * from './types.js';
export type {
  CorrelationRule,
  CorrelationResult,
  CorrelationEngineOptions,
} from './correlation/index.js';
