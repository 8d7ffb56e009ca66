import { type NodeName, type V1Message } from "./types.js";

/** The heartbeat layer's word on a peer. A new generation of an up node means it restarted. */
export interface V1NodeEvent {
  readonly node: NodeName;
  readonly status: "up" | "down";
  readonly generation?: number;
}

export interface V1NodeStatus {
  readonly name: NodeName;
  readonly status: "up" | "down" | "unknown";
  readonly generation?: number;
}

/**
 * What v1 mode needs from the cluster, and all it needs: hbxd implements it over the heartbeat
 * transport and bus (messages whole and in order per sender, and a node's death reported before
 * anything from its next incarnation), tests over an in-process network.
 */
export interface V1Cluster {
  readonly localNode: NodeName;
  /** Every node of ha.cf but this one, as the heartbeat layer sees them now. */
  nodes(): readonly V1NodeStatus[];
  on(event: "node", cb: (e: V1NodeEvent) => void): () => void;
  on(event: "message", cb: (from: NodeName, msg: V1Message) => void): () => void;
  /** To one node, or to every other node when `to` is absent. */
  send(msg: V1Message, to?: NodeName): void;
}
