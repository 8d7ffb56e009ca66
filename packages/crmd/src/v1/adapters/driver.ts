import { EventEmitter } from "node:events";
import { type Logger } from "pino";
import { type V1Cluster } from "../cluster.js";
import { type V1ResourceManager } from "../manager.js";
import {
  type GroupId,
  type GroupState,
  type ResourceSet,
  type RscStatus,
  type V1Effect,
  type V1Event,
} from "../types.js";
import { type V1Agents } from "./agents.js";

export interface V1DriverOptions {
  readonly manager: V1ResourceManager;
  readonly cluster: V1Cluster;
  readonly agents: V1Agents;
  readonly logger: Logger;
  /** Milliseconds; Date.now by default. */
  readonly clock?: () => number;
}

/**
 * Runs a V1ResourceManager for real: feeds it the cluster's node events and messages, the
 * agents' results and its timer, and carries out its effects. No placement logic lives here.
 * Emits "state" (group, from, to) on every group state change.
 */
export class V1Driver extends EventEmitter {
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private shutdownWaiters: (() => void)[] = [];
  private shutdownDone = false;

  constructor(private readonly opts: V1DriverOptions) {
    super();
    this.log = opts.logger.child({ component: "v1" });
    this.clock = opts.clock ?? Date.now;
  }

  get manager(): V1ResourceManager {
    return this.opts.manager;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { cluster } = this.opts;
    this.unsubscribe.push(
      cluster.on("node", (e) =>
        this.step({ type: "node", node: e.node, status: e.status, generation: e.generation }),
      ),
      cluster.on("message", (from, msg) => this.step({ type: "message", from, msg })),
    );
    this.step({ type: "boot" });
    for (const n of cluster.nodes()) {
      if (n.status !== "unknown")
        this.step({ type: "node", node: n.name, status: n.status, generation: n.generation });
    }
  }

  /** hb_standby: give up local, foreign or all groups. */
  standby(which: ResourceSet = "all"): void {
    this.step({ type: "standby", which });
  }

  /** hb_takeover: ask the other nodes for local, foreign or all groups. */
  takeover(which: ResourceSet = "all"): void {
    this.step({ type: "takeover", which });
  }

  rscStatus(): RscStatus {
    return this.opts.manager.rscStatus();
  }

  groupStates(): Map<GroupId, GroupState> {
    return this.opts.manager.groupStates();
  }

  /** Stop every group held here (in reverse order) and hand it over; resolves when done. */
  shutdown(): Promise<void> {
    if (this.shutdownDone) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.shutdownWaiters.push(resolve));
    this.step({ type: "shutdown" });
    return done;
  }

  /** Stop listening (after shutdown, or when the node is being killed in a test). */
  stop(): void {
    this.running = false;
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private step(event: V1Event): void {
    if (!this.running) return;
    for (const e of this.opts.manager.step(this.clock(), event)) this.apply(e);
  }

  private apply(e: V1Effect): void {
    switch (e.type) {
      case "op":
        this.log.info(
          { group: e.group, resource: e.resource.text, action: e.action },
          `${e.action} ${e.resource.text}`,
        );
        this.opts.agents.run(e.group, e.resource, e.action).then(
          (r) => this.step({ type: "op-done", opId: e.opId, ok: r.ok, rc: r.rc, reason: r.reason }),
          (err: Error) => this.step({ type: "op-done", opId: e.opId, ok: false, reason: err.message }),
        );
        return;
      case "send":
        this.opts.cluster.send(e.msg, e.to);
        return;
      case "log":
        this.log[e.level](e.fields ?? {}, e.msg);
        return;
      case "state":
        this.emit("state", e.group, e.from, e.to);
        return;
      case "timer": {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => this.step({ type: "timer" }), Math.max(0, e.at - this.clock()));
        this.timer.unref();
        return;
      }
      case "shutdown-complete":
        this.shutdownDone = true;
        for (const w of this.shutdownWaiters.splice(0)) w();
        return;
    }
  }
}
