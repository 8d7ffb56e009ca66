import { EventEmitter } from "node:events";
import { type V1Cluster, type V1NodeEvent, type V1NodeStatus } from "../cluster.js";
import { type NodeName, type V1Message } from "../types.js";

interface Member {
  readonly emitter: EventEmitter;
  generation: number;
  alive: boolean;
}

/**
 * A V1Cluster for several nodes in one process (tests, demos): messages are delivered
 * asynchronously, in order, to live members only; `crash` makes the others see the node dead
 * at once (as the heartbeat layer would after deadtime), `join` again brings it back with a new
 * generation.
 */
export class InProcessNetwork {
  private readonly members = new Map<NodeName, Member>();

  constructor(readonly nodes: readonly NodeName[]) {}

  /** The node (re)joins; returns its V1Cluster. Peers get "up" with its new generation. */
  join(node: NodeName): V1Cluster {
    const prev = this.members.get(node);
    const m: Member = { emitter: new EventEmitter(), generation: (prev?.generation ?? 0) + 1, alive: true };
    this.members.set(node, m);
    this.notify(node, { node, status: "up", generation: m.generation });
    const members = this.members;
    const all = this.nodes;
    return {
      localNode: node,
      nodes(): V1NodeStatus[] {
        return all
          .filter((n) => n !== node)
          .map((n) => {
            const p = members.get(n);
            return p === undefined
              ? { name: n, status: "unknown" }
              : { name: n, status: p.alive ? "up" : "down", generation: p.generation };
          });
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one body for both overloads
      on(event: "node" | "message", cb: (...args: any[]) => void): () => void {
        m.emitter.on(event, cb);
        return () => m.emitter.off(event, cb);
      },
      send(msg: V1Message, to?: NodeName): void {
        if (!m.alive) return;
        for (const n of to === undefined ? all : [to]) {
          if (n === node) continue;
          // setImmediate keeps each sender's order and never re-enters the sender's step.
          setImmediate(() => {
            const p = members.get(n);
            if (m.alive && p?.alive) p.emitter.emit("message", node, msg);
          });
        }
      },
    } as V1Cluster;
  }

  /** The node dies: nothing more from it is delivered; the others see it dead. */
  crash(node: NodeName): void {
    const m = this.members.get(node);
    if (!m || !m.alive) return;
    m.alive = false;
    this.notify(node, { node, status: "down" });
  }

  private notify(about: NodeName, e: V1NodeEvent): void {
    for (const [n, p] of this.members) {
      if (n === about || !p.alive) continue;
      setImmediate(() => p.alive && p.emitter.emit("node", e));
    }
  }
}
