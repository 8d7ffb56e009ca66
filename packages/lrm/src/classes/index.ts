import { type Standard } from "../types.js";
import { HeartbeatClass } from "./heartbeat.js";
import { LsbClass } from "./lsb.js";
import { OcfClass } from "./ocf.js";
import { HBX_FENCE_AGENT_DIR, StonithClass } from "./stonith.js";
import { type AgentClass, type AgentDirs } from "./types.js";

export * from "./types.js";
export { OcfClass, ocfEnvironment, parseExitReason, CRM_FEATURE_SET } from "./ocf.js";
export { LsbClass, lsbStatusToOcf, lsbAction } from "./lsb.js";
export { HeartbeatClass, heartbeatArgs, heartbeatStatus } from "./heartbeat.js";
export { StonithClass, fenceAction, fenceStdin, HBX_FENCE_AGENT_DIR } from "./stonith.js";

/** Debian's places, with $OCF_ROOT honoured as agents expect. */
export function defaultAgentDirs(env: NodeJS.ProcessEnv = process.env): AgentDirs {
  return {
    ocfRoot: env.OCF_ROOT || "/usr/lib/ocf",
    initDir: "/etc/init.d",
    heartbeatDirs: ["/etc/ha.d/resource.d"],
    fenceDirs: [HBX_FENCE_AGENT_DIR, "/usr/sbin"],
  };
}

/** One instance of every class, by standard. */
export function agentClasses(dirs: AgentDirs = defaultAgentDirs()): ReadonlyMap<Standard, AgentClass> {
  return new Map<Standard, AgentClass>([
    ["ocf", new OcfClass(dirs)],
    ["lsb", new LsbClass(dirs, "lsb")],
    ["service", new LsbClass(dirs, "service")],
    ["heartbeat", new HeartbeatClass(dirs)],
    ["stonith", new StonithClass(dirs)],
  ]);
}
