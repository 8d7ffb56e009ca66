import { seededRandom } from "@hbx/bus";
import { type AutoFailback } from "@hbx/transport";
import { V1ResourceManager } from "../manager.js";
import { type GroupId, type NodeName, type V1Effect, type V1Event, type V1Group } from "../types.js";
import { type ActiveResources, noGroupActiveTwice } from "./invariants.js";

export interface SimOptions {
  readonly seed: number;
  readonly nodes: readonly NodeName[];
  readonly groups: readonly V1Group[];
  readonly autoFailback: AutoFailback;
  /** Message delay is uniform in 1..maxDelayMs, FIFO per sender and receiver (as the bus delivers). */
  readonly maxDelayMs: number;
  /** A crash is seen by each peer 1..deadtimeMs later. */
  readonly deadtimeMs: number;
  readonly initdeadMs: number;
  /** Chance that an agent start fails. */
  readonly startFailure: number;
  /** Chance that a cluster message is lost (the managers then re-announce periodically). */
  readonly dropRate?: number;
  /** Every delivered event and its effects, one line each (to replay a failing seed by eye). */
  readonly trace?: (line: string) => void;
}

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly node: NodeName;
  /** The incarnation the event is for: events for a crashed incarnation are dropped. */
  readonly inc: number;
  readonly event: V1Event;
  /** Bookkeeping done as the event is delivered (a stop's resource is gone when it finished). */
  readonly before?: () => void;
}

interface SimNode {
  manager: V1ResourceManager;
  inc: number;
  alive: boolean;
  ops: Map<number, { group: GroupId; index: number; action: string }>;
}

/**
 * Several v1 managers on one virtual clock and a seeded network: ordered, delayed delivery,
 * crashes seen after a random part of deadtime, restarts with a new generation, agents that
 * finish after a random time and sometimes fail. `noGroupActiveTwice` is checked after every
 * step; `violation` holds the first failure.
 */
export class V1Simulator {
  now = 0;
  steps = 0;
  violation: string | undefined;
  readonly rand: () => number;
  private seq = 0;
  private queue: Pending[] = [];
  private readonly sims = new Map<NodeName, SimNode>();
  private readonly lastDelivery = new Map<string, number>();
  private readonly active = new Map<NodeName, Map<GroupId, Set<number>>>();

  constructor(public opts: SimOptions) {
    this.rand = seededRandom(opts.seed);
    for (const n of opts.nodes) this.boot(n, 1);
  }

  get aliveNodes(): Set<NodeName> {
    return new Set([...this.sims].filter(([, s]) => s.alive).map(([n]) => n));
  }

  manager(node: NodeName): V1ResourceManager {
    return this.sims.get(node)!.manager;
  }

  /** Groups whose resources run on each node now. */
  activeGroups(node: NodeName): GroupId[] {
    return [...(this.active.get(node) ?? new Map<GroupId, Set<number>>())]
      .filter(([, r]) => r.size > 0)
      .map(([g]) => g);
  }

  private boot(node: NodeName, inc: number): void {
    const manager = new V1ResourceManager({
      node,
      nodes: this.opts.nodes,
      autoFailback: this.opts.autoFailback,
      groups: this.opts.groups,
      incarnation: `${node}-${inc}`,
      initdeadMs: this.opts.initdeadMs,
      claimTimeoutMs: 4 * this.opts.maxDelayMs + 200,
      retryMs: 50 + Math.floor(this.rand() * 200),
      announceIntervalMs: this.opts.dropRate ? 500 : 0,
    });
    this.sims.set(node, { manager, inc, alive: true, ops: new Map() });
    this.active.set(node, new Map());
    this.push(this.now, node, inc, { type: "boot" });
    // Each side's heartbeat layer sees the other up well within initdead.
    for (const [peer, p] of this.sims) {
      if (peer === node || !p.alive) continue;
      const half = this.opts.initdeadMs / 2;
      this.deliver(peer, node, inc, 1 + Math.floor(this.rand() * half), {
        type: "node",
        node: peer,
        status: "up",
        generation: p.inc,
      });
      this.deliver(node, peer, p.inc, 1 + Math.floor(this.rand() * half), {
        type: "node",
        node,
        status: "up",
        generation: inc,
      });
    }
  }

  /** The node dies: its resources die with it; peers notice within deadtime. */
  crash(node: NodeName): void {
    const s = this.sims.get(node)!;
    if (!s.alive) return;
    s.alive = false;
    this.active.set(node, new Map());
    for (const [peer, p] of this.sims) {
      if (peer === node || !p.alive) continue;
      this.deliver(node, peer, p.inc, 1 + Math.floor(this.rand() * this.opts.deadtimeMs), {
        type: "node",
        node,
        status: "down",
      });
    }
  }

  restart(node: NodeName): void {
    const s = this.sims.get(node)!;
    if (s.alive) return;
    this.boot(node, s.inc + 1);
  }

  /** Queue an administrator's command (standby, takeover, shutdown) on a node. */
  command(node: NodeName, event: V1Event): void {
    const s = this.sims.get(node)!;
    if (s.alive) this.push(this.now, node, s.inc, event);
  }

  /** Run every event due up to `until` (virtual ms). */
  runUntil(until: number): void {
    while (this.queue.length > 0 && this.queue[0].at <= until && this.violation === undefined) {
      const p = this.queue.shift()!;
      this.now = p.at;
      const s = this.sims.get(p.node)!;
      if (!s.alive || s.inc !== p.inc) continue;
      p.before?.();
      this.steps++;
      const effects = s.manager.step(this.now, p.event);
      if (this.opts.trace) {
        this.opts.trace(`${this.now} ${p.node} <- ${JSON.stringify(p.event)}`);
        for (const e of effects) this.opts.trace(`    ${JSON.stringify(e)}`);
      }
      this.apply(p.node, s, effects);
      this.violation = noGroupActiveTwice(this.active as ActiveResources, this.aliveNodes);
    }
    if (this.violation === undefined) this.now = Math.max(this.now, until);
  }

  private apply(node: NodeName, s: SimNode, effects: V1Effect[]): void {
    for (const e of effects) {
      switch (e.type) {
        case "op": {
          s.ops.set(e.opId, { group: e.group, index: e.index, action: e.action });
          const fail = e.action === "start" && this.rand() < this.opts.startFailure;
          if (e.action === "start") this.activeSet(node, e.group).add(e.index);
          this.push(
            this.now + 1 + Math.floor(this.rand() * 30),
            node,
            s.inc,
            { type: "op-done", opId: e.opId, ok: !fail },
            () => {
              if (e.action === "stop") this.activeSet(node, e.group).delete(e.index);
            },
          );
          break;
        }
        case "send":
          for (const to of e.to ? [e.to] : this.opts.nodes) {
            if (to === node) continue;
            const t = this.sims.get(to)!;
            if (!t.alive || this.rand() < (this.opts.dropRate ?? 0)) continue;
            this.deliver(node, to, t.inc, 1 + Math.floor(this.rand() * this.opts.maxDelayMs), {
              type: "message",
              from: node,
              msg: e.msg,
            });
          }
          break;
        case "timer":
          this.push(e.at, node, s.inc, { type: "timer" });
          break;
        case "shutdown-complete":
          // hbxd exits: peers see it go (quickly, as a clean exit is announced).
          this.crash(node);
          break;
        default:
          break;
      }
    }
  }

  /**
   * What `to` learns about `from` (its messages, and its liveness from the heartbeat layer)
   * arrives in order, as one stream: a peer never sees a restarted node's messages before the
   * news of its death, nor a death after the restart.
   */
  private deliver(from: NodeName, to: NodeName, toInc: number, delay: number, event: V1Event): void {
    const key = `${from}>${to}`;
    const at = Math.max(this.lastDelivery.get(key) ?? 0, this.now + delay);
    this.lastDelivery.set(key, at);
    this.push(at, to, toInc, event);
  }

  private activeSet(node: NodeName, group: GroupId): Set<number> {
    const groups = this.active.get(node)!;
    let set = groups.get(group);
    if (!set) groups.set(group, (set = new Set()));
    return set;
  }

  private push(at: number, node: NodeName, inc: number, event: V1Event, before?: () => void): void {
    const p: Pending = { at, seq: this.seq++, node, inc, event, before };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at > at) i--;
    this.queue.splice(i, 0, p);
  }
}
