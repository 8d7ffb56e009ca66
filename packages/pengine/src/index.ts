export * from "./types.js";
export { schedule, unpackCluster, type ScheduleOptions, type Transition } from "./schedule.js";
export { formatTransitionSummary, transitionSummaryLines } from "./print/summary.js";
export { formatClusterStatus, clusterStatusLines } from "./print/status.js";
export { simulateTransition, executableActions } from "./simulate/execute.js";
export { evaluateRule, parseInterval } from "./unpack/rules.js";
export { failuresToMoveLines } from "./print/failures.js";
export {
  transitionGraphXml,
  writeTransitionGraph,
  writeGraphXml,
  transitionDot,
  graphDot,
} from "./graph/graph.js";
export {
  buildPlannedGraph,
  type PlannedGraph,
  type PlannedAction,
  type PlannedActionKind,
  type GraphNode,
  type GraphResource,
} from "./graph/model.js";
