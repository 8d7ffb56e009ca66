// Heartbeat v1 haresources mode (ha.cf `crm off`): the sans-I/O core, its adapters, and the
// entry hbxd calls.
export * from "./types.js";
export { V1ResourceManager } from "./manager.js";
export { targetNode, type NodeView } from "./placement.js";
export { groupsFromHaresources, groupsInSet, V1ConfigError } from "./groups.js";
export { MSG as V1_MESSAGE_TYPES, decodeMessage as decodeV1Message, V1MessageError } from "./messages.js";
export { type V1Cluster, type V1NodeEvent, type V1NodeStatus } from "./cluster.js";
export { V1Driver, type V1DriverOptions } from "./adapters/driver.js";
export {
  LrmAgents,
  v1Request,
  type V1Agents,
  type V1AgentResult,
  type LrmAgentsOptions,
} from "./adapters/agents.js";
export { InProcessNetwork } from "./adapters/in-process-cluster.js";
export { createV1Mode, type V1ModeOptions } from "./mode.js";
