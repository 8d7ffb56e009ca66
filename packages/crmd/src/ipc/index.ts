export { IpcClient } from "./client.js";
export { IpcServer, type IpcHandler } from "./server.js";
export {
  resolveSocketPath,
  IpcError,
  DEFAULT_SOCKET,
  type IpcRequest,
  type IpcReply,
  type IpcErrorCode,
} from "./protocol.js";
export type { HeartbeatStatus } from "./heartbeat-ops.js";
