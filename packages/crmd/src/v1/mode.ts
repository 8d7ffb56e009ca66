import { type OperationRunner } from "@hbx/lrm";
import { type AgentDirs } from "@hbx/lrm";
import { type HaCf, type HaresourcesLine } from "@hbx/transport";
import { type Logger } from "pino";
import { LrmAgents, type V1Agents } from "./adapters/agents.js";
import { V1Driver } from "./adapters/driver.js";
import { type V1Cluster } from "./cluster.js";
import { groupsFromHaresources } from "./groups.js";
import { V1ResourceManager } from "./manager.js";
import { type NodeName } from "./types.js";

export interface V1ModeOptions {
  readonly haCf: HaCf;
  readonly haresources: readonly HaresourcesLine[];
  /** This node's name as ha.cf lists it. */
  readonly node: NodeName;
  readonly cluster: V1Cluster;
  /** hbxd's LRM operation runner, shared; one of its own is made when absent. */
  readonly lrm?: OperationRunner;
  readonly logger: Logger;
  /** Run agents some other way (tests, a simulated node). */
  readonly agents?: V1Agents;
  /** Where heartbeat-class scripts live (default /etc/ha.d/resource.d then /etc/init.d). */
  readonly agentDirs?: AgentDirs;
  /** Extra environment for every agent. */
  readonly agentEnv?: Readonly<Record<string, string>>;
  readonly ipAgent?: "ocf:heartbeat:IPaddr2" | "heartbeat:IPaddr";
  /** This start's identity; by default the node, the pid and the time. */
  readonly incarnation?: string;
}

/**
 * Heartbeat v1 haresources mode (ha.cf `crm off`), ready to start: hbxd calls this with its
 * V1Cluster, then `start()`, then `shutdown()` before it exits. Throws V1ConfigError (naming
 * haresources file:line) when a group prefers a node ha.cf does not list.
 */
export function createV1Mode(opts: V1ModeOptions): V1Driver {
  const node = opts.node.toLowerCase();
  const manager = new V1ResourceManager({
    node,
    nodes: opts.haCf.nodes,
    autoFailback: opts.haCf.autoFailback,
    groups: groupsFromHaresources(opts.haresources, opts.haCf.nodes),
    incarnation: opts.incarnation ?? `${node}-${process.pid}-${Date.now()}`,
    initdeadMs: Math.max(opts.haCf.initdeadMs, opts.haCf.deadtimeMs),
    // A claim is answered within a few keepalives unless a peer is dying, which deadtime covers.
    claimTimeoutMs: opts.haCf.deadtimeMs,
    retryMs: Math.max(opts.haCf.keepaliveMs, 200),
    announceIntervalMs: Math.max(opts.haCf.deadtimeMs / 2, 1000),
  });
  const agents =
    opts.agents ??
    new LrmAgents({
      node,
      runner: opts.lrm,
      dirs: opts.agentDirs,
      env: opts.agentEnv,
      ipAgent: opts.ipAgent,
    });
  return new V1Driver({ manager, cluster: opts.cluster, agents, logger: opts.logger });
}
