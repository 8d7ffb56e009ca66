export {
  HeartbeatNode,
  type HeartbeatNodeOptions,
  type HeartbeatNodeEvents,
  type NodeSnapshot,
} from "./node.js";
export { DropLog } from "./droplog.js";
export { nextGeneration, nodeUuid } from "./persist.js";
