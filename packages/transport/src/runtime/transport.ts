import type { EventEmitter } from "node:events";
import type { HbMessage } from "../codec/index.js";
import type { Authkeys } from "../config/index.js";
import type { LinkName, LinkStatus, NodeName, NodeStatus, NodeType } from "../liveness/types.js";

export interface NodeSnapshot {
  name: NodeName;
  type: NodeType;
  status: NodeStatus;
  links: { name: LinkName; status: LinkStatus }[];
}

export interface HeartbeatNodeEvents {
  message: [msg: HbMessage, from: NodeName, link: LinkName];
  "node-status": [node: NodeName, status: NodeStatus, previous: NodeStatus];
  "link-status": [node: NodeName, link: LinkName, status: LinkStatus, previous: LinkStatus];
  "node-restarted": [node: NodeName, generation: number];
}

/** Faults a test can inject at a link's adapter, as plain data (they cross to the worker). */
export interface LinkFaultSettings {
  cut?: boolean;
  lossRate?: number;
}

/** How regularly this node's own status heartbeats left, since the last reset. */
export interface SendStats {
  sends: number;
  /** The longest gap between two consecutive status heartbeats, in ms (0 before the second). */
  maxIntervalMs: number;
  /** How long the measurement ran, in ms. */
  windowMs: number;
  /** Bytes of every packet this node signed and sent (heartbeats and cluster messages), counted once per packet whatever the number of links. */
  bytes: number;
}

/**
 * The heartbeat layer as the rest of hbxd sees it: events for liveness and messages, send,
 * a synchronous snapshot for cl_status. `HeartbeatNode` implements it in the calling thread
 * (unit tests, simulations); `HeartbeatWorker` runs that same node on its own thread, so
 * parsing, validation, the store and the scheduler can never delay a heartbeat.
 */
export interface HeartbeatTransport extends EventEmitter<HeartbeatNodeEvents> {
  readonly name: NodeName;
  readonly generation: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Send to every node, or with `to` addressed to one (Heartbeat's `dest`); fire and forget. */
  sendCluster(msg: HbMessage, to?: NodeName): void;
  snapshot(): NodeSnapshot[];
  linkNames(): LinkName[];
  /** SIGHUP: sign and verify with new keys from the next packet on. */
  setAuthkeys(authkeys: Authkeys): void;
  /** Tests: cut a link or make it lossy; false when there is no such link. */
  setLinkFaults(link: LinkName, faults: LinkFaultSettings): boolean;
  /** The status heartbeats' regularity; `reset` starts a new measurement after answering. */
  sendStats(reset?: boolean): Promise<SendStats>;
}
