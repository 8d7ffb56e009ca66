import type { AutoFailback, HaresourcesResource } from "@hbx/transport";

/** A cluster node's name, lower-cased as Heartbeat keeps it. */
export type NodeName = string;
/** A haresources group: its `#id` when the line has one, else `group_N` by line order. */
export type GroupId = string;

/** One haresources line as the v1 manager runs it: resources start in order, stop in reverse. */
export interface V1Group {
  readonly id: GroupId;
  /** The node named first on the line: where the group runs when it can. */
  readonly preferred: NodeName;
  readonly resources: readonly HaresourcesResource[];
  /** Where the line came from, for log lines a user can act on. */
  readonly file: string;
  readonly line: number;
}

/**
 * What one node says about one group. `claiming` waits for the other live nodes' grants;
 * `stop-failed` means a stop failed, so the group may still run here and nobody else may start it.
 */
export type GroupState =
  "stopped" | "claiming" | "starting" | "started" | "stopping" | "failed" | "stop-failed";

export const GROUP_STATES: readonly GroupState[] = [
  "stopped",
  "claiming",
  "starting",
  "started",
  "stopping",
  "failed",
  "stop-failed",
];

/** States in which a node may have some of the group's resources running (or about to). */
export function holds(state: GroupState | undefined): boolean {
  return (
    state === "claiming" ||
    state === "starting" ||
    state === "started" ||
    state === "stopping" ||
    state === "stop-failed"
  );
}

/** hb_standby / hb_takeover arguments: groups preferred by this node, by others, or all of them. */
export type ResourceSet = "local" | "foreign" | "all";

/** Heartbeat's rscstatus answer (cl_status rscstatus). */
export type RscStatus = "none" | "local" | "foreign" | "all" | "transition";

export interface V1Config {
  /** This node. */
  readonly node: NodeName;
  /** ha.cf's node order: the tie-break when the preferred node cannot run a group. */
  readonly nodes: readonly NodeName[];
  readonly autoFailback: AutoFailback;
  readonly groups: readonly V1Group[];
  /**
   * This run of the manager (a restarted node is a new incarnation): peers drop what they knew
   * about the old one. Any string unique per start, e.g. the heartbeat generation and a time.
   */
  readonly incarnation: string;
  /** Peers not heard of by this long after boot are taken as dead (ha.cf initdead). */
  readonly initdeadMs: number;
  /** A claim not granted by every live peer within this time is withdrawn and retried. */
  readonly claimTimeoutMs: number;
  /** Wait before claiming again after a refusal or timeout. */
  readonly retryMs: number;
  /**
   * Repeat the state announcement this often even when nothing changed (0 or absent: only on
   * change). Needed only where messages may be lost: safety rests on claims and grants, but a
   * lost announcement could leave a peer waiting for news that never comes.
   */
  readonly announceIntervalMs?: number;
}

/** A cluster message: a Heartbeat fields map whose `t` names the type. */
export type V1Message = Readonly<Record<string, string>>;

export type AgentAction = "start" | "stop" | "status";

/** What the manager is told. `now` comes with every step, in milliseconds. */
export type V1Event =
  | { readonly type: "boot" }
  /** The heartbeat layer's view of a peer; a new generation of an up node means it restarted. */
  | {
      readonly type: "node";
      readonly node: NodeName;
      readonly status: "up" | "down";
      readonly generation?: number;
    }
  | { readonly type: "message"; readonly from: NodeName; readonly msg: V1Message }
  | {
      readonly type: "op-done";
      readonly opId: number;
      readonly ok: boolean;
      readonly rc?: number;
      readonly reason?: string;
    }
  /** hb_standby on this node: give up the named groups. */
  | { readonly type: "standby"; readonly which: ResourceSet }
  /** hb_takeover on this node: ask the other nodes to give up the named groups to us. */
  | { readonly type: "takeover"; readonly which: ResourceSet }
  /** Stop everything held here in order and hand it over before the daemon exits. */
  | { readonly type: "shutdown" }
  | { readonly type: "timer" };

/** What the manager asks its adapter to do. */
export type V1Effect =
  | {
      readonly type: "op";
      readonly opId: number;
      readonly group: GroupId;
      readonly index: number;
      readonly resource: HaresourcesResource;
      readonly action: AgentAction;
    }
  /** Send to one node, or to every node when `to` is absent. */
  | { readonly type: "send"; readonly to?: NodeName; readonly msg: V1Message }
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly msg: string;
      readonly fields?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: "state";
      readonly group: GroupId;
      readonly from: GroupState;
      readonly to: GroupState;
    }
  /** Call step(…, {type:"timer"}) at this time (absolute ms); a later request replaces it. */
  | { readonly type: "timer"; readonly at: number }
  /** After a shutdown event: nothing is held any more, the daemon may exit. */
  | { readonly type: "shutdown-complete" };
