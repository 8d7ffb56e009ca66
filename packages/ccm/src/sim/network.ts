/**
 * A simulated cluster for the membership core: N CcmCores, each behind a heartbeat-like liveness
 * (heartbeats every keepalive, dead after deadtime of silence, pending peers dead after
 * initdead), on a network with virtual time, per-direction link cuts (one-way faults), seeded
 * loss and delay, crashes and restarts with a new generation. Like the real bus, a node sends
 * its "ccm" views only to peers its liveness does not call dead. Driven by the data-driven
 * scripts and by the seeded simulator alike; the same inputs always give the same run.
 */
import { seededRandom } from "@hbx/bus";
import { CcmCore, type CcmEffect, type MembershipView } from "../core.js";
import type { NodeName, PeerView } from "../membership.js";

export interface NetworkOptions {
  nodes: NodeName[];
  keepaliveMs?: number;
  deadtimeMs?: number;
  initdeadMs?: number;
  /** Virtual time advances in steps of this size. */
  stepMs?: number;
  seed?: number;
  /** Chance that any one packet (heartbeat or ccm message) is lost. */
  lossRate?: number;
  /** Extra delay of a packet, uniform in [0, maxDelayMs], on top of one step. */
  maxDelayMs?: number;
  fullyConnected?: boolean;
}

type Liveness = "pending" | "up" | "dead";

interface SimNode {
  name: NodeName;
  running: boolean;
  generation: number;
  core: CcmCore;
  startedAt: number;
  nextBeat: number;
  live: Map<NodeName, Liveness>;
  lastHeard: Map<NodeName, number>;
  peerGeneration: Map<NodeName, number>;
}

type Packet =
  | { kind: "beat"; from: NodeName; to: NodeName; generation: number }
  | { kind: "ccm"; from: NodeName; to: NodeName; views: PeerView[] }
  /** A clean leave's last word: the receiver takes the sender as gone at once. */
  | { kind: "leave"; from: NodeName; to: NodeName };

/** A membership or DC change a node made, as the scripts print it. */
export interface NodeEffect {
  time: number;
  node: NodeName;
  effect: Exclude<CcmEffect, { type: "publish" }>;
}

export class SimNetwork {
  now = 0;
  readonly names: NodeName[];
  readonly keepaliveMs: number;
  readonly deadtimeMs: number;
  readonly initdeadMs: number;
  readonly stepMs: number;
  private readonly nodes = new Map<NodeName, SimNode>();
  private readonly cut = new Set<string>();
  private readonly rnd: () => number;
  private inFlight: { at: number; n: number; packet: Packet }[] = [];
  private packetNo = 0;
  lossRate: number;
  maxDelayMs: number;
  /** Every membership/DC change since the last drain. */
  effects: NodeEffect[] = [];
  /** Called after every step, for invariant checks. */
  onStep?: (net: SimNetwork) => void;

  constructor(private readonly opts: NetworkOptions) {
    this.names = [...opts.nodes];
    this.keepaliveMs = opts.keepaliveMs ?? 1000;
    this.deadtimeMs = opts.deadtimeMs ?? 5000;
    this.initdeadMs = opts.initdeadMs ?? 2 * this.deadtimeMs;
    this.stepMs = opts.stepMs ?? Math.max(1, Math.floor(this.keepaliveMs / 10));
    this.rnd = seededRandom(opts.seed ?? 1);
    this.lossRate = opts.lossRate ?? 0;
    this.maxDelayMs = opts.maxDelayMs ?? 0;
    for (const name of this.names) {
      this.nodes.set(name, this.fresh(name, 0));
      this.nodes.get(name)!.running = false;
    }
  }

  private fresh(name: NodeName, generation: number): SimNode {
    return {
      name,
      running: true,
      generation,
      core: new CcmCore({
        self: name,
        nodes: this.names,
        generation,
        keepaliveMs: this.keepaliveMs,
        deadtimeMs: this.deadtimeMs,
        fullyConnected: this.opts.fullyConnected,
      }),
      startedAt: this.now,
      nextBeat: this.now,
      live: new Map(this.names.filter((n) => n !== name).map((n) => [n, "pending" as Liveness])),
      lastHeard: new Map(),
      peerGeneration: new Map(),
    };
  }

  /** Start (or restart after a crash) a node with a new generation. */
  start(name: NodeName): void {
    const old = this.node(name);
    if (old.running) throw new Error(`${name} is already running`);
    const n = this.fresh(name, old.generation + 1);
    this.nodes.set(name, n);
    this.apply(n, n.core.start(this.now));
  }

  crash(name: NodeName): void {
    this.node(name).running = false;
  }

  /**
   * A clean leave, as hbxd's shutdown ends: the node's last view (hearing nobody) goes out,
   * then a leave message to every peer, then it stops. Each packet has its own delay, so peers
   * hear the leave at different moments.
   */
  leave(name: NodeName): void {
    const n = this.node(name);
    if (!n.running) throw new Error(`${name} is not running`);
    this.apply(n, n.core.leave(this.now));
    for (const [peer, state] of n.live)
      if (state !== "dead") this.transmit({ kind: "leave", from: n.name, to: peer });
    n.running = false;
  }

  restart(name: NodeName): void {
    this.crash(name);
    this.start(name);
  }

  /** Packets from `from` to `to` are lost from now on (a blackhole route). */
  block(from: NodeName, to: NodeName): void {
    this.node(from);
    this.node(to);
    this.cut.add(`${from}>${to}`);
  }

  unblock(from: NodeName, to: NodeName): void {
    this.cut.delete(`${from}>${to}`);
  }

  /** Cut every link between different groups, both ways. */
  partition(groups: NodeName[][]): void {
    const groupOf = new Map(groups.flatMap((g, i) => g.map((n) => [n, i] as const)));
    for (const a of this.names)
      for (const b of this.names) if (a !== b && groupOf.get(a) !== groupOf.get(b)) this.cut.add(`${a}>${b}`);
  }

  heal(): void {
    this.cut.clear();
  }

  isCut(from: NodeName, to: NodeName): boolean {
    return this.cut.has(`${from}>${to}`);
  }

  running(): NodeName[] {
    return this.names.filter((n) => this.node(n).running);
  }

  view(name: NodeName): MembershipView {
    return this.node(name).core.view();
  }

  core(name: NodeName): CcmCore {
    return this.node(name).core;
  }

  private node(name: NodeName): SimNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name} (nodes: ${this.names.join(",")})`);
    return n;
  }

  run(ms: number): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + this.stepMs);
      this.tick();
      this.onStep?.(this);
    }
  }

  private tick(): void {
    const due = this.inFlight.filter((p) => p.at <= this.now).sort((a, b) => a.at - b.at || a.n - b.n);
    this.inFlight = this.inFlight.filter((p) => p.at > this.now);
    for (const { packet } of due) this.receive(packet);
    for (const n of this.nodes.values()) {
      if (!n.running) continue;
      for (const [peer, state] of n.live) {
        const silentFor = this.now - (n.lastHeard.get(peer) ?? n.startedAt);
        const limit = state === "pending" ? this.initdeadMs : this.deadtimeMs;
        if (state !== "dead" && silentFor >= limit) this.setLive(n, peer, "dead");
      }
      if (this.now >= n.nextBeat) {
        n.nextBeat += this.keepaliveMs;
        for (const peer of n.live.keys())
          this.transmit({ kind: "beat", from: n.name, to: peer, generation: n.generation });
        this.apply(n, n.core.step(this.now, { type: "tick" }));
      }
    }
  }

  private receive(p: Packet): void {
    const n = this.node(p.to);
    if (!n.running) return;
    if (p.kind === "ccm") {
      this.apply(n, n.core.step(this.now, { type: "views", from: p.from, views: p.views }));
      return;
    }
    if (p.kind === "leave") {
      if (n.live.get(p.from) !== "dead") this.setLive(n, p.from, "dead");
      return;
    }
    const known = n.peerGeneration.get(p.from);
    n.lastHeard.set(p.from, this.now);
    n.peerGeneration.set(p.from, p.generation);
    // A new generation within deadtime is a death and a join, as the heartbeat layer reports it.
    if (known !== undefined && known !== p.generation && n.live.get(p.from) === "up")
      this.setLive(n, p.from, "up", true);
    else if (n.live.get(p.from) !== "up") this.setLive(n, p.from, "up");
  }

  private setLive(n: SimNode, peer: NodeName, state: Liveness, restarted = false): void {
    n.live.set(peer, state);
    const up = state === "up";
    this.apply(
      n,
      n.core.step(this.now, { type: "node", node: peer, up, ...(restarted ? { restarted } : {}) }),
    );
  }

  private apply(n: SimNode, effects: CcmEffect[]): void {
    for (const e of effects) {
      if (e.type !== "publish") {
        this.effects.push({ time: this.now, node: n.name, effect: e });
        continue;
      }
      // Broadcast, as hbxd sends them: every node that hears this one gets its views.
      for (const peer of n.live.keys())
        this.transmit({ kind: "ccm", from: n.name, to: peer, views: e.views });
    }
  }

  private transmit(packet: Packet): void {
    if (this.cut.has(`${packet.from}>${packet.to}`)) return;
    if (this.lossRate > 0 && this.rnd() < this.lossRate) return;
    const delay = this.maxDelayMs > 0 ? Math.floor(this.rnd() * (this.maxDelayMs + 1)) : 0;
    this.inFlight.push({ at: this.now + this.stepMs + delay, n: this.packetNo++, packet });
  }

  drainEffects(): NodeEffect[] {
    const e = this.effects;
    this.effects = [];
    return e;
  }
}

/** One line per membership/DC change, as the data-driven scripts expect them. */
export function formatNodeEffect(e: NodeEffect): string {
  const eff = e.effect;
  if (eff.type === "membership")
    return `${e.node} members ${eff.view.members.join(",")} ${eff.view.quorate ? "quorate" : "no-quorum"}`;
  return `${e.node} dc ${eff.dc ?? "(none)"}${eff.previous ? ` (was ${eff.previous})` : ""}`;
}
