// Heartbeat v1 haresources mode (ha.cf `crm off`).
export * from "./v1/index.js";
// Local IPC: every tool talks to hbxd through IpcClient at resolveSocketPath(--socket).
export * from "./ipc/index.js";
// The daemon itself, startable in-process for tests.
export { startHbxd, type RunningHbxd } from "./hbxd/daemon.js";
export { parseHbxdArgs, helpText as hbxdHelpText, type HbxdOptions } from "./hbxd/options.js";
// CRM mode (ha.cf `crm on`): DC loop, CIB replication, cib.query/cib.replace IPC.
export * from "./crm/index.js";
