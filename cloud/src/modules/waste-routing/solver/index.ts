/**
 * Public API of the CVRP solver (pure: no I/O). See README-style notes in each module.
 *
 *   const inst = createInstance({ distance, demand, capacity, fleet: { kind: 'max', count: 4 } });
 *   const { routes, cost, feasible } = solve(inst, { timeLimitMs: 5000, seed: 1 });
 *   checkSolution(inst, routes); // independent verification
 */
export { type CheckResult, checkSolution } from './check.js';
export { clarkeWright, twoOptRoutes } from './construct.js';
export {
  type CvrpInstance,
  createInstance,
  euc2dMatrix,
  type Fleet,
  type InstanceInput,
  isOptional,
  routesCost,
  skippedCost,
} from './instance.js';
export {
  formatSol,
  type ParsedSolution,
  type ParsedVrp,
  parseSol,
  parseVrp,
  parseVrpInstance,
  vrpToInstance,
} from './parse.js';
export { DEFAULT_PARAMS, type SolveOptions, type SolveResult, type SolverParams, solve } from './solver.js';
