import { type AgentAction, type GroupState, type NodeName, type V1Group } from "./types.js";

/** One group as this node runs it. */
export interface LocalGroup {
  readonly def: V1Group;
  state: GroupState;
  /** Resources started so far: a stop runs from started-1 down to 0. */
  started: number;
  op?: { readonly id: number; readonly action: AgentAction; readonly index: number };
  /** A start failed: stop what started, then mark the group failed here. */
  failAfterStop: boolean;
  claimSeq: number;
  grants: Set<NodeName>;
  claimSince: number;
  /** No claim before this time (after a refusal or a timeout). */
  retryAt: number;
  /** The peer we granted this group to, until it announces it no longer holds it. */
  grantedTo?: NodeName;
}

export function newLocalGroup(def: V1Group): LocalGroup {
  return {
    def,
    state: "stopped",
    started: 0,
    failAfterStop: false,
    claimSeq: 0,
    grants: new Set(),
    claimSince: 0,
    retryAt: 0,
  };
}

/** What follows a finished agent operation: the group's new state and/or the next operation. */
export interface AfterOp {
  readonly state?: GroupState;
  readonly next?: { readonly action: AgentAction; readonly index: number };
  /** The group failed to start here and is now fully stopped. */
  readonly markFailed?: boolean;
  /** An error worth a log line. */
  readonly error?: string;
}

/**
 * The sequencing of a group's resources: start in order; on a failed start stop what started
 * (the failed one too, it may be half up) in reverse and end `failed`; stop in reverse; a failed
 * stop ends `stop-failed`, keeping the group held here. Updates `started`.
 */
export function afterOp(g: LocalGroup, action: AgentAction, index: number, ok: boolean): AfterOp {
  const rsc = g.def.resources[index].text;
  const last = g.def.resources.length - 1;
  if (action === "start") {
    g.started = index + 1;
    if (ok) return index === last ? { state: "started" } : { next: { action: "start", index: index + 1 } };
    g.failAfterStop = true;
    return {
      state: "stopping",
      next: { action: "stop", index },
      error: `Group ${g.def.id}: ${rsc} failed to start; stopping what started`,
    };
  }
  if (action !== "stop") return {};
  if (!ok) {
    g.started = index + 1;
    return {
      state: "stop-failed",
      error: `Group ${g.def.id}: ${rsc} failed to stop; it stays here and nobody else may start it`,
    };
  }
  g.started = index;
  if (index > 0) return { next: { action: "stop", index: index - 1 } };
  const failed = g.failAfterStop;
  g.failAfterStop = false;
  return failed ? { state: "failed", markFailed: true } : { state: "stopped" };
}
