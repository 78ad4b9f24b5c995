export { loadDemoCity, type DemoLoadResult } from './load.js';
export {
  NetworkSink,
  PipelineSink,
  SinkError,
  type LineSink,
  type NetworkSinkOptions,
  type SinkStats,
} from './sink.js';
export {
  simulate,
  linesDue,
  type SimulationOptions,
  type SimulationProgress,
  type SimulationSummary,
} from './simulate.js';
export {
  runDrill,
  DrillError,
  type DrillOptions,
  type DrillProgress,
  type DrillReport,
} from './drill.js';
export { startDemo, demoConfig, type RunningDemo, type DemoOptions } from './demo.js';
