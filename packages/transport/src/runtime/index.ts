export { HeartbeatNode, type HeartbeatNodeOptions } from "./node.js";
export type {
  HeartbeatTransport,
  HeartbeatNodeEvents,
  NodeSnapshot,
  LinkFaultSettings,
  SendStats,
} from "./transport.js";
export { HeartbeatWorker, type HeartbeatWorkerOptions } from "./worker-proxy.js";
export { PeerMemory, PEER_MEMORY_FILE } from "./peer-memory.js";
export { DropLog, LogThrottle, type ThrottleVerdict } from "./droplog.js";
export { nextGeneration, nodeUuid, writeAtomic } from "./persist.js";
