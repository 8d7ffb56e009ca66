export { HaCfError, type HaCfWarning } from "./errors.js";
export { parseHeartbeatTime, parseHeartbeatBoolean } from "./time.js";
export * from "./hacf-types.js";
export { parseHaCf, loadHaCf, assertHaCfRunnable } from "./hacf.js";
export { parseHttpListen, isLoopbackAddress, type HttpListen, type HttpAuthFile } from "./hacf-http.js";
export { parseAuthkeys, loadAuthkeys, type Authkeys, type AuthKey, type AuthMethod } from "./authkeys.js";
export {
  parseHaresources,
  loadHaresources,
  type HaresourcesLine,
  type HaresourcesResource,
  type HaresourcesIp,
  type HaresourcesScript,
} from "./haresources.js";
