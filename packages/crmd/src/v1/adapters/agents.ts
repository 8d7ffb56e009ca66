import {
  type AgentDirs,
  ExecStatus,
  OcfExitCode,
  type OperationRequest,
  OperationRunner,
  agentClasses,
  defaultAgentDirs,
} from "@hbx/lrm";
import { type HaresourcesResource } from "@hbx/transport";
import { type AgentAction, type GroupId, type NodeName } from "../types.js";

/** How an agent operation ended, in the terms the core needs. */
export interface V1AgentResult {
  readonly ok: boolean;
  readonly rc: number;
  readonly reason: string;
}

/** Runs one resource's start/stop/status. */
export interface V1Agents {
  run(group: GroupId, resource: HaresourcesResource, action: AgentAction): Promise<V1AgentResult>;
}

export interface LrmAgentsOptions {
  readonly node: NodeName;
  /** An LRM operation runner to share with the rest of hbxd; one is made when absent. */
  readonly runner?: OperationRunner;
  /** Where heartbeat-class scripts are looked up (resource.d, then init.d). */
  readonly dirs?: AgentDirs;
  /**
   * The agent for address resources: ocf:heartbeat:IPaddr2 (default; Linux's `ip` tool) or the
   * heartbeat class IPaddr script of resource.d, called with the haresources shorthand.
   */
  readonly ipAgent?: "ocf:heartbeat:IPaddr2" | "heartbeat:IPaddr";
  /** Extra environment for every agent. */
  readonly env?: Readonly<Record<string, string>>;
  /** Heartbeat v1 had no operation timeouts; hbx kills an agent stuck longer than this. */
  readonly timeoutMs?: number;
}

/** The LRM request for one haresources resource (exported for tests and tools). */
export function v1Request(
  group: GroupId,
  r: HaresourcesResource,
  action: AgentAction,
  opts: Pick<LrmAgentsOptions, "node" | "ipAgent" | "env" | "timeoutMs">,
): OperationRequest {
  const base = {
    rscId: `${group}:${r.text}`,
    action: action === "status" ? "monitor" : action,
    intervalMs: 0,
    timeoutMs: opts.timeoutMs ?? 120_000,
    // Heartbeat's resource scripts learn the node they run on from HA_CURHOST.
    env: { HA_CURHOST: opts.node, ...(opts.env ?? {}) },
  };
  if (r.kind === "ip" && (opts.ipAgent ?? "ocf:heartbeat:IPaddr2") === "ocf:heartbeat:IPaddr2") {
    const params: Record<string, string> = { ip: r.ip };
    if (r.cidr !== undefined) params.cidr_netmask = String(r.cidr);
    if (r.nic !== undefined) params.nic = r.nic;
    if (r.broadcast !== undefined) params.broadcast = r.broadcast;
    return { ...base, spec: { standard: "ocf", provider: "heartbeat", type: "IPaddr2" }, params };
  }
  if (r.kind === "ip") {
    const spec = r.text.includes("::") ? r.text.slice(r.text.indexOf("::") + 2) : r.text;
    return { ...base, spec: { standard: "heartbeat", type: "IPaddr" }, params: { "1": spec } };
  }
  const params: Record<string, string> = {};
  r.args.forEach((a, i) => (params[String(i + 1)] = a));
  return { ...base, spec: { standard: "heartbeat", type: r.name }, params };
}

/** Runs haresources resources through @hbx/lrm: its queue per resource, timeouts, bounded output. */
export class LrmAgents implements V1Agents {
  private readonly runner: OperationRunner;

  constructor(private readonly opts: LrmAgentsOptions) {
    this.runner =
      opts.runner ?? new OperationRunner({ classes: agentClasses(opts.dirs ?? defaultAgentDirs()) });
  }

  async run(group: GroupId, resource: HaresourcesResource, action: AgentAction): Promise<V1AgentResult> {
    const res = await this.runner.execute(v1Request(group, resource, action, this.opts));
    const done = res.status === ExecStatus.DONE;
    // A status answer of "not running" is a fine answer, not a failure.
    const ok =
      done && (res.rc === OcfExitCode.OK || (action === "status" && res.rc === OcfExitCode.NOT_RUNNING));
    const reason = ok ? "" : res.exitReason || (res.stderr.trim().split("\n").pop() ?? "") || `rc=${res.rc}`;
    return { ok, rc: res.rc, reason };
  }

  /** Stop what runs (used when hbxd exits). */
  shutdown(): Promise<void> {
    return this.runner.shutdown();
  }
}
