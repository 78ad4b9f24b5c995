/**
 * Cascading impact over the asset register's dependency graph: blast radius, what-if drills,
 * single points of failure and risk ranking. Pure functions over data, no I/O.
 *
 * The model
 * - Nodes are assets and services, one id space. Any node can depend on any other; a service
 *   fails exactly like an asset, its supporting assets being its dependencies.
 * - Edges are typed. `depends_on`, `powered_by`, `network_via`, `data_from` read "from depends
 *   on to"; `supports` reads "from supports the service to". Failures travel from dependency to
 *   dependent. The type is shown in explanations; it does not change the arithmetic.
 * - Without `redundancy` an edge is a hard dependency: losing it stops the dependent.
 * - A dependent's edges that share `redundancy.group` form a k-of-n set: the dependent fails
 *   through the group once fewer than k of its n dependencies still work, i.e. once n-k+1 are
 *   lost (k missing: 1). Groups are per dependent (two dependents may each have a group called "power").
 *   A service's `k` puts its supporting assets that have no group of their own into one group.
 * - `timeToImpactMinutes` on an edge: how long the dependent keeps working once that dependency
 *   has failed (UPS, buffer tank, cache); default 0. The loss "arrives" at dependency failure
 *   time + time-to-impact. A dependent fails at the earliest of: its own time if it is a failed
 *   root, any hard edge's arrival, any group's (n-k+1)-th smallest arrival. For a shared buffer
 *   (one UPS behind two feeders) give every edge of the group the same time-to-impact: the group
 *   then fails at the (n-k+1)-th feeder loss + the UPS time.
 * - Cycles are allowed: a node fails once, at its earliest time; a cycle nobody breaks stays up.
 * - Nothing recovers within a drill; a service passes its maximum tolerable downtime at the time
 *   it went down + that downtime.
 * - Rejected by `buildGraph`: unknown ids, self-loops, `supports` to an asset, a dependency
 *   twice in one group, k not a whole number ≥ 1, bad numbers. Accepted with a warning, as the
 *   register allows them while a city is drawn: a group with fewer dependencies than its k
 *   (each is then required) and one group's edges disagreeing on k (the larger is used).
 */
export * from './types.js';
export { buildGraph, ImpactGraph, SERVICE_K_GROUP, type GraphProblem } from './graph.js';
export { blastRadius, explain } from './blast-radius.js';
export { whatIf, formatMinutes } from './what-if.js';
export { singlePointsOfFailure } from './spof.js';
export { riskRanking, alertValue, DEFAULT_RISK_WEIGHTS, ALERT_LEVEL_WEIGHT } from './risk.js';
export {
  graphView,
  type GraphView,
  type GraphViewEdge,
  type GraphViewNode,
  type GraphViewOptions,
} from './neighbourhood.js';
