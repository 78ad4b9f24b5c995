export { parseCorrelationRule, parseCorrelationTimespan } from './parse.js';
export {
  CorrelationEngine,
  checkCorrelationReferences,
  type CorrelationEngineOptions,
} from './engine.js';
export * from './types.js';
