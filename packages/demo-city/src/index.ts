export * from './model.js';
export { Dice } from './dice.js';
export * from './formats.js';
export { TelemetryGenerator, type TelemetryOptions } from './telemetry.js';
export * from './scenario.js';
export * from './rules.js';
export { SCENARIOS, scenarioNamed } from './scenarios/index.js';
export { sshBruteForce } from './scenarios/ssh-brute-force.js';
export * from './score.js';
