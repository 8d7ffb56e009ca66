export * from "./codes.js";
export * from "./types.js";
export * from "./classes/index.js";
export { isProbe } from "./classes/common.js";
export { BoundedOutput } from "./process/bounded-output.js";
export {
  runProcess,
  type ProcessSpec,
  type ProcessOutcome,
  type RunningProcess,
} from "./process/run-process.js";
export { executeAgent, type Execution, type ExecutionOutcome, type ExecuteOptions } from "./execute.js";
export { OperationRunner, operationKey, type RunnerOptions } from "./runner.js";
export { lrmLogger, useLrmLogger } from "./log.js";
export {
  buildLrmRscOp,
  lrmRscOpId,
  isFailure,
  digestParameters,
  type LrmRscOpOptions,
} from "./history/lrm-rsc-op.js";
export { recordOperation, StatusRecordError } from "./history/record.js";
export { listStandards, listOcfProviders, listOcfAlternatives, listAgents } from "./discovery/list.js";
export {
  parseMetadata,
  getMetadata,
  getMetadataText,
  parseAgentSpec,
  parseDurationMs,
  MetadataError,
  type AgentMetadata,
  type AgentParameter,
  type AgentActionInfo,
} from "./discovery/metadata.js";
export { lsbMetadata } from "./discovery/lsb-metadata.js";
