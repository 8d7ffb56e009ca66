import { groupsInSet } from "./groups.js";
import { type LocalGroup, afterOp, newLocalGroup } from "./local-group.js";
import {
  type DecodedMessage,
  V1MessageError,
  decodeMessage,
  encodeAnswer,
  encodeClaim,
  encodeState,
  encodeTakeover,
} from "./messages.js";
import { Peer } from "./peers.js";
import { type NodeView, targetNode } from "./placement.js";
import {
  type AgentAction,
  type GroupId,
  type GroupState,
  type NodeName,
  type RscStatus,
  type V1Config,
  type V1Effect,
  type V1Event,
  type V1Message,
  holds,
} from "./types.js";

/**
 * Heartbeat v1 haresources mode as a sans-I/O state machine: `step(now, event)` returns the
 * effects (agent operations, cluster messages, logs, state changes, a timer) and does nothing
 * else. A group starts on a node only after every live peer granted that node's claim, and a
 * peer never grants while it holds, claims or has granted the group to another: so two nodes
 * that both see each other alive never run a group at once. A dead node holds nothing, so the
 * survivors need no grant from it and take over at once.
 */
export class V1ResourceManager {
  private readonly peers = new Map<NodeName, Peer>();
  private readonly local = new Map<GroupId, LocalGroup>();
  private readonly order = new Map<NodeName, number>();
  private declined = new Set<GroupId>();
  private failed = new Set<GroupId>();
  private shuttingDown = false;
  private shutdownReported = false;
  private bootAt: number | undefined;
  private now = 0;
  private nextOpId = 1;
  private out: V1Effect[] = [];
  private lastAnnounced = "";
  private lastAnnouncedAt = 0;
  private timerAt: number | undefined;

  constructor(readonly config: V1Config) {
    config.nodes.forEach((n, i) => this.order.set(n, i));
    if (!this.order.has(config.node)) this.order.set(config.node, config.nodes.length);
    for (const n of config.nodes) if (n !== config.node) this.peers.set(n, new Peer(n));
    for (const def of config.groups) this.local.set(def.id, newLocalGroup(def));
  }

  get node(): NodeName {
    return this.config.node;
  }

  /** This node's state of a group (undefined for an unknown group). */
  groupState(group: GroupId): GroupState | undefined {
    return this.local.get(group)?.state;
  }

  /** Every group's state here, in haresources order. */
  groupStates(): Map<GroupId, GroupState> {
    return new Map([...this.local].map(([id, g]) => [id, g.state]));
  }

  /** cl_status rscstatus: which of its resources this node holds, or "transition" while moving. */
  rscStatus(): RscStatus {
    let local = false;
    let foreign = false;
    for (const g of this.local.values()) {
      if (g.op || g.state === "claiming" || g.state === "starting" || g.state === "stopping")
        return "transition";
      if (g.state !== "started" && g.state !== "stop-failed") continue;
      if (g.def.preferred === this.node) local = true;
      else foreign = true;
    }
    return local && foreign ? "all" : local ? "local" : foreign ? "foreign" : "none";
  }

  step(now: number, event: V1Event): V1Effect[] {
    this.now = now;
    this.out = [];
    this.handle(event);
    if (this.bootAt !== undefined) {
      this.reconcile();
      this.announce();
      this.reportShutdown();
      this.scheduleTimer();
    }
    return this.out;
  }

  private handle(e: V1Event): void {
    switch (e.type) {
      case "boot":
        if (this.bootAt !== undefined) return;
        this.bootAt = this.now;
        if (this.config.autoFailback === "legacy") {
          this.log(
            "warn",
            "Deprecated 'legacy' auto_failback option selected; resources fail back as with 'on'",
          );
        }
        this.log("info", "v1 resource manager started", {
          groups: this.config.groups.length,
          auto_failback: this.config.autoFailback,
        });
        return;
      case "node":
        return this.onNode(e.node, e.status, e.generation);
      case "message":
        return this.onMessage(e.from, e.msg);
      case "op-done":
        return this.onOpDone(e.opId, e.ok, e.rc, e.reason);
      case "standby": {
        const set = groupsInSet(this.config.groups, this.node, e.which);
        for (const g of set) this.declined.add(g);
        this.log("info", `Giving up ${e.which} HA resources (standby).`, { groups: set });
        return;
      }
      case "takeover": {
        const set = groupsInSet(this.config.groups, this.node, e.which);
        for (const g of set) {
          this.declined.delete(g);
          this.failed.delete(g);
        }
        this.log("info", `Taking over ${e.which} HA resources.`, { groups: set });
        this.send(encodeTakeover(this.config.incarnation, set));
        return;
      }
      case "shutdown":
        if (!this.shuttingDown) this.log("info", "Giving up all HA resources (shutdown).");
        this.shuttingDown = true;
        return;
      case "timer":
        return;
    }
  }

  private onNode(name: NodeName, status: "up" | "down", generation?: number): void {
    const peer = this.peers.get(name);
    if (!peer) return;
    if (status === "down") {
      if (peer.status !== "down") this.peerDied(peer, "heartbeat layer reports it dead");
      return;
    }
    if (
      peer.up &&
      generation !== undefined &&
      peer.generation !== undefined &&
      generation !== peer.generation
    ) {
      this.peerDied(peer, "restarted (new generation)");
    }
    const wasUp = peer.up;
    peer.status = "up";
    peer.generation = generation ?? peer.generation;
    if (wasUp) return;
    this.log("info", `Node ${name} is up`, { node: name, generation });
    // The newcomer needs our holdings before it may claim anything, and our open claims.
    this.send(this.stateMessage(), name);
    for (const g of this.local.values()) {
      if (g.state === "claiming") this.send(encodeClaim(this.config.incarnation, g.def.id, g.claimSeq), name);
    }
  }

  private peerDied(peer: Peer, why: string): void {
    const held = [...peer.groups].filter(([, st]) => holds(st)).map(([g]) => g);
    this.log("warn", `Node ${peer.name} is dead: ${why}`, { node: peer.name, held });
    peer.status = "down";
    peer.forget();
    for (const g of this.local.values()) {
      if (g.grantedTo === peer.name) g.grantedTo = undefined;
      g.grants.delete(peer.name);
    }
    // Membership changed: standby and failure marks are reset, as Heartbeat resets a standby
    // in progress when a node dies, so the survivors may take everything.
    this.declined.clear();
    this.failed.clear();
  }

  private onMessage(from: NodeName, raw: V1Message): void {
    const peer = this.peers.get(from);
    if (!peer) return;
    let msg: DecodedMessage | undefined;
    try {
      msg = decodeMessage(raw);
    } catch (e) {
      if (!(e instanceof V1MessageError)) throw e;
      this.log("warn", `Dropped a message from ${from}: ${e.message}`, { node: from });
      return;
    }
    if (!msg || peer.deadIncs.has(msg.inc)) return;
    if (peer.inc !== undefined && msg.inc !== peer.inc) {
      const status = peer.status;
      this.peerDied(peer, "restarted (new incarnation)");
      peer.status = status;
    }
    switch (msg.kind) {
      case "state":
        peer.apply(msg);
        for (const g of this.local.values()) {
          if (g.grantedTo === from && !holds(peer.state(g.def.id))) g.grantedTo = undefined;
        }
        return;
      case "claim":
        return this.onClaim(peer, msg.group, msg.inc, msg.seq);
      case "grant":
      case "deny": {
        const g = this.local.get(msg.group);
        const mine = msg.to === this.node && msg.toInc === this.config.incarnation && msg.seq === g?.claimSeq;
        if (!g || !mine || g.state !== "claiming") return;
        if (msg.kind === "grant") g.grants.add(from);
        else this.withdraw(g, `${from} refused: ${msg.reason}`);
        return;
      }
      case "takeover":
        for (const id of msg.groups) if (this.local.has(id)) this.declined.add(id);
        this.log("info", `Node ${from} takes over; giving up its requested groups`, { groups: msg.groups });
        return;
    }
  }

  private onClaim(peer: Peer, id: GroupId, inc: string, seq: number): void {
    const g = this.local.get(id);
    const answer = (reason?: string) =>
      this.send(encodeAnswer(this.config.incarnation, id, peer.name, inc, seq, reason), peer.name);
    if (!g) return answer(`unknown group ${id}`);
    if (!peer.up) return answer(`${peer.name} is not up as ${this.node} sees it`);
    if (g.state === "claiming" && this.rank(peer.name) < this.rank(this.node)) {
      // Both claim at once (views differ for a moment): the node first in ha.cf wins.
      this.withdraw(g, `${peer.name} claimed it at the same time and comes first in ha.cf`);
    }
    if (holds(g.state)) return answer(`${this.node} holds it (${g.state})`);
    if (g.grantedTo !== undefined && g.grantedTo !== peer.name) {
      return answer(`${this.node} granted it to ${g.grantedTo}`);
    }
    g.grantedTo = peer.name;
    peer.groups.set(id, "claiming");
    answer();
  }

  private onOpDone(opId: number, ok: boolean, rc?: number, reason?: string): void {
    const g = [...this.local.values()].find((x) => x.op?.id === opId);
    if (!g || !g.op) return;
    const { action, index } = g.op;
    g.op = undefined;
    const out = afterOp(g, action, index, ok);
    const fields = { group: g.def.id, resource: g.def.resources[index].text };
    if (out.error) this.log("error", out.error, { ...fields, rc, reason });
    if (out.markFailed) this.failed.add(g.def.id);
    if (out.state) this.setState(g, out.state);
    if (out.state === "started") this.log("info", `Group ${g.def.id}: all resources started`, fields);
    if (out.next) this.runOp(g, out.next.action, out.next.index);
  }

  /** Act on the current view: time out the silent, hand over, claim, start. */
  private reconcile(): void {
    if (this.bootAt !== undefined && this.now >= this.bootAt + this.config.initdeadMs) {
      for (const p of this.peers.values()) {
        if (p.status === "unknown") this.peerDied(p, "not heard from within initdead");
      }
    }
    for (const g of this.local.values()) {
      if (g.op) continue;
      const target = this.shuttingDown
        ? undefined
        : targetNode(g.def, this.config.nodes, (n) => this.view(n), this.config.autoFailback);
      switch (g.state) {
        case "started":
          if (target !== this.node) {
            this.log("info", `Group ${g.def.id}: releasing it${target ? ` to ${target}` : ""}`, {
              group: g.def.id,
              target,
            });
            this.setState(g, "stopping");
            this.runOp(g, "stop", g.started - 1);
          }
          break;
        case "stopped":
        case "failed":
          if (target === this.node && this.mayClaim(g)) this.claim(g);
          break;
        case "claiming":
          if (target !== this.node) this.withdraw(g, "placement changed");
          else if (this.now >= g.claimSince + this.config.claimTimeoutMs)
            this.withdraw(g, "no answer in time");
          else this.reconcileClaim(g);
          break;
        default:
          break;
      }
    }
  }

  /** After the last stop of a shutdown, once the announcement that says so is out. */
  private reportShutdown(): void {
    const released = (g: LocalGroup) => !g.op && (!holds(g.state) || g.state === "stop-failed");
    if (this.shuttingDown && !this.shutdownReported && [...this.local.values()].every(released)) {
      this.shutdownReported = true;
      this.log("info", "All HA resources released; shutdown may proceed");
      this.out.push({ type: "shutdown-complete" });
    }
  }

  private mayClaim(g: LocalGroup): boolean {
    if (this.now < g.retryAt) return false;
    if (g.grantedTo !== undefined) return false;
    for (const p of this.peers.values()) {
      if (p.status === "unknown") return false;
      if (p.up && (!p.known || holds(p.state(g.def.id)))) return false;
    }
    return true;
  }

  private claim(g: LocalGroup): void {
    g.claimSeq++;
    g.grants = new Set();
    g.claimSince = this.now;
    this.setState(g, "claiming");
    if (this.upPeers().length > 0) this.send(encodeClaim(this.config.incarnation, g.def.id, g.claimSeq));
    // With no live peer there is nobody to ask: it starts at once.
    this.reconcileClaim(g);
  }

  private reconcileClaim(g: LocalGroup): void {
    if (this.upPeers().every((p) => g.grants.has(p.name))) {
      this.setState(g, "starting");
      this.log("info", `Group ${g.def.id}: acquiring resources`, { group: g.def.id });
      this.runOp(g, "start", 0);
    }
  }

  private withdraw(g: LocalGroup, why: string): void {
    if (g.state !== "claiming") return;
    this.log("info", `Group ${g.def.id}: claim withdrawn: ${why}`, { group: g.def.id });
    g.grants = new Set();
    g.retryAt = this.now + this.config.retryMs;
    this.setState(g, this.failed.has(g.def.id) ? "failed" : "stopped");
  }

  private runOp(g: LocalGroup, action: AgentAction, index: number): void {
    const opId = this.nextOpId++;
    g.op = { id: opId, action, index };
    this.out.push({ type: "op", opId, group: g.def.id, index, resource: g.def.resources[index], action });
  }

  private setState(g: LocalGroup, to: GroupState): void {
    if (g.state === to) return;
    this.out.push({ type: "state", group: g.def.id, from: g.state, to });
    g.state = to;
  }

  private view(n: NodeName): NodeView | undefined {
    if (n !== this.node) return this.peers.get(n);
    return {
      ready: true,
      shuttingDown: this.shuttingDown,
      state: (id) => this.local.get(id)?.state,
      declined: this.declined,
      failed: this.failed,
    };
  }

  private upPeers(): Peer[] {
    return [...this.peers.values()].filter((p) => p.up);
  }

  private rank(n: NodeName): number {
    return this.order.get(n) ?? Number.MAX_SAFE_INTEGER;
  }

  private stateMessage(): V1Message {
    return encodeState({
      inc: this.config.incarnation,
      groups: this.groupStates(),
      declined: this.declined,
      failed: this.failed,
      shuttingDown: this.shuttingDown,
    });
  }

  /** Tell everyone when what we hold (or give up) changed, and every announceIntervalMs. */
  private announce(): void {
    const msg = this.stateMessage();
    const text = JSON.stringify(msg);
    const every = this.config.announceIntervalMs ?? 0;
    if (text === this.lastAnnounced && !(every > 0 && this.now >= this.lastAnnouncedAt + every)) return;
    this.lastAnnounced = text;
    this.lastAnnouncedAt = this.now;
    this.send(msg);
  }

  private scheduleTimer(): void {
    let at = Infinity;
    if (this.bootAt !== undefined && [...this.peers.values()].some((p) => p.status === "unknown")) {
      at = this.bootAt + this.config.initdeadMs;
    }
    for (const g of this.local.values()) {
      if (g.state === "claiming") at = Math.min(at, g.claimSince + this.config.claimTimeoutMs);
      if (g.retryAt > this.now) at = Math.min(at, g.retryAt);
    }
    const every = this.config.announceIntervalMs ?? 0;
    if (every > 0) at = Math.min(at, this.lastAnnouncedAt + every);
    if (at === Infinity || at === this.timerAt) return;
    this.timerAt = at;
    this.out.push({ type: "timer", at });
  }

  private send(msg: V1Message, to?: NodeName): void {
    this.out.push(to === undefined ? { type: "send", msg } : { type: "send", to, msg });
  }

  private log(
    level: "debug" | "info" | "warn" | "error",
    msg: string,
    fields?: Record<string, unknown>,
  ): void {
    this.out.push(fields ? { type: "log", level, msg, fields } : { type: "log", level, msg });
  }
}
