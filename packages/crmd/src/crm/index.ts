export { CrmMode, CIB_CHANNEL, CIB_SYNC_CHANNEL, CIB_REPLACE_CHANNEL, type CrmModeOptions } from "./mode.js";
export { DcLoop, type DcDeps } from "./dc.js";
export { crmIpcHandlers, CibReplaceError, type CrmIpcSource } from "./ipc-ops.js";
export { LRM_CHANNEL, requestFromAction } from "./lrm-wire.js";
export {
  effectiveQuorum,
  ensureNodeEntries,
  noQuorumPolicy,
  nodeIdOf,
  writeClusterAttrs,
  writeNodeStates,
} from "./status.js";
