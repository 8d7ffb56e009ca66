/** A cluster node name as ha.cf's `node` lists it (lower-case). */
export type NodeName = string;
/** A heartbeat link: one medium, named as Heartbeat names it in cl_status (`lo`, `eth1`, ...). */
export type LinkName = string;

/** What cl_status nodestatus prints: the peer's own `st` while it is alive, else init or dead. */
export type NodeStatus = "init" | "up" | "active" | "dead" | (string & {});
export type LinkStatus = "init" | "up" | "dead";
export type NodeType = "normal" | "ping";

export interface LivenessConfig {
  localNode: NodeName;
  nodes: NodeName[];
  /** Ping nodes (ha.cf `ping`, and each `ping_group` as one node). */
  pingNodes?: NodeName[];
  links: LinkName[];
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  /**
   * What this node accepted from each peer before it last stopped (the runtime keeps it in the
   * state directory): packets at or below it are replays of a past life, even on a fresh start.
   */
  remembered?: Record<NodeName, LastAccepted>;
}

/** A peer's last accepted generation and the highest sequence number seen in it. */
export interface LastAccepted {
  generation: number;
  seq: number;
}

export type LivenessEvent =
  | { type: "start" }
  | { type: "tick" }
  /** An authenticated status heartbeat (or any sequenced message) from a cluster node. */
  | {
      type: "heartbeat";
      from: NodeName;
      link: LinkName;
      generation: number;
      seq: number;
      /** The sender's `st`; absent for messages other than status heartbeats. */
      status?: string;
      addr: string;
    }
  /** A ping node answered (ICMP echo reply or UDP echo). */
  | { type: "ping-reply"; node: NodeName; link: LinkName };

export type LivenessEffect =
  | { type: "send-heartbeat" }
  | { type: "send-ping" }
  | { type: "node-status"; node: NodeName; status: NodeStatus; previous: NodeStatus }
  | { type: "link-status"; node: NodeName; link: LinkName; status: LinkStatus; previous: LinkStatus }
  | { type: "late"; node: NodeName; intervalMs: number }
  | { type: "restarted"; node: NodeName; previousGeneration: number; generation: number }
  /** Whether the packet's contents should go on up (false for duplicates and replays). */
  | { type: "accept"; node: NodeName; seq: number }
  | {
      type: "drop";
      node: NodeName;
      addr: string;
      reason: "replay" | "stale-generation" | "unknown-node" | "duplicate";
      detail: string;
    };

export interface StepResult {
  effects: LivenessEffect[];
  /** When step must be called again with a tick, at the latest. */
  nextWakeAt: number;
}
