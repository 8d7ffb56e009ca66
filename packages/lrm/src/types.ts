import { type ExecStatus } from "./codes.js";

/** A resource's id as configured (primitive id, clone instance id like "db:1"). */
export type ResourceId = string;
/** A cluster node's name (uname). */
export type NodeName = string;

/** Resource agent standards ("classes") hbx can run. */
export type Standard = "ocf" | "lsb" | "service" | "heartbeat" | "stonith";

export const STANDARDS: readonly Standard[] = ["ocf", "lsb", "service", "heartbeat", "stonith"];

/** class[:provider]:type, e.g. ocf:heartbeat:IPaddr2, lsb:nginx, heartbeat:IPaddr. */
export interface AgentSpec {
  readonly standard: Standard;
  readonly provider?: string;
  readonly type: string;
}

export function formatSpec(spec: AgentSpec): string {
  return spec.provider ? `${spec.standard}:${spec.provider}:${spec.type}` : `${spec.standard}:${spec.type}`;
}

/** One operation the LRM is asked to run. */
export interface OperationRequest {
  readonly rscId: ResourceId;
  readonly spec: AgentSpec;
  /** start, stop, monitor, promote, demote, notify, reload, migrate_to, migrate_from, validate-all, meta-data … */
  readonly action: string;
  /** 0 for a one-shot operation; the period of a recurring monitor otherwise. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Instance attributes (OCF_RESKEY_*). Heartbeat-class arguments are the keys "1", "2", …. */
  readonly params: Readonly<Record<string, string>>;
  /** Meta and operation attributes, without the CRM_meta_ prefix (OCF_RESKEY_CRM_meta_*). */
  readonly meta?: Readonly<Record<string, string>>;
  /** Set when a transition asked for this operation: "action:transition:target-rc:uuid". */
  readonly transitionKey?: string;
  /** The rc that counts as success; from the transition key when there is one. */
  readonly expectedRc?: number;
  /** Extra environment for the agent (e.g. HA_debug); hbx never passes its own environment blindly. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What an operation gave: the agent's rc mapped to OCF, and how the execution went. */
export interface OperationResult {
  readonly callId: number;
  readonly request: OperationRequest;
  readonly rc: number;
  readonly status: ExecStatus;
  readonly exitReason: string;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the agent printed more than the bounded capture keeps. */
  readonly outputTruncated: boolean;
  /** Epoch milliseconds. */
  readonly enqueuedAt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly execTimeMs: number;
  readonly queueTimeMs: number;
  /** Process id of the agent (0 when nothing was spawned). */
  readonly pid: number;
}
