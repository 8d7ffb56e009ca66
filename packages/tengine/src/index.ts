export {
  TransitionCore,
  GraphError,
  type GraphAction,
  type TransitionGraph,
  type TeEvent,
  type TeEffect,
  type TransitionOutcome,
  type TransitionCoreOptions,
} from "./core.js";
export { runTransition, type ActionExecutor, type RunningTransition } from "./run.js";
export { engineGraph, graphFromTransition } from "./from-pengine.js";
