/**
 * Membership, quorum and DC election as a sans-I/O core (Heartbeat's CCM idea, without its
 * protocol rounds). Inputs: the heartbeat layer's liveness of each node, the views peers
 * publish (`hbx-ccm` messages), and a periodic tick. Outputs: the installed membership, the
 * DC, and the views to publish.
 *
 * Every node publishes its own view (whom it hears, whom it follows as DC, whether its
 * membership is quorate) on change and every keepalive, together with the other views it holds,
 * so a view crosses a one-way fault through any node that hears both sides. A view stands
 * while the heartbeat layer hears its publisher, else while its publisher's sequence number
 * grew within the last deadtime; stale views count as
 * hearing nobody. From the fresh views every node computes the same fully connected member set
 * and the same DC (the rules are written in membership.ts), so an asymmetric fault yields one
 * agreed membership instead of one per node.
 *
 * Start-up and joins: nothing is installed before every peer was heard or declared dead
 * (initdead, as the liveness layer reports it), or a peer's view shows a running cluster in
 * which nobody hears the pending peers. A peer that comes up or restarts is waited for, a
 * deadtime at most, until its view says it hears this incarnation of this node, names a DC, and
 * it and every other node heard here hear each other: a join or a heal is installed in one
 * change, a joining node is not first taken for a one-way fault, and a restarting node does not
 * make itself DC of a set of one.
 */
import { type NodeName, type PeerView, agreedMembership, electDc } from "./membership.js";

export type { NodeName } from "./membership.js";

export type PeerState = "pending" | "member" | "lost";

export type CcmEvent =
  /**
   * The heartbeat layer's view of a node: up/active is heard, dead is not. `restarted`: heard
   * with a new generation within deadtime, so it left (its LRM state is gone) and joins anew.
   */
  | { type: "node"; node: NodeName; up: boolean; restarted?: boolean }
  /** A "ccm" message: the views the sender holds (its own among them). */
  | { type: "views"; from: NodeName; views: PeerView[] }
  /** Periodic (every keepalive or more often): expires views, republishes. */
  | { type: "tick" };

export interface MembershipView {
  /** Members in ha.cf order. */
  members: NodeName[];
  quorate: boolean;
  /** Exactly two nodes configured: the CIB's no-quorum-policy decides what a lone node does. */
  twoNode: boolean;
  dc: NodeName | undefined;
}

export type CcmEffect =
  | { type: "membership"; view: MembershipView; joined: NodeName[]; left: NodeName[] }
  | { type: "dc"; dc: NodeName | undefined; previous: NodeName | undefined; isSelf: boolean }
  /** Broadcast these views (an `hbx-ccm` message) to every node that hears this one. */
  | { type: "publish"; views: PeerView[] };

export interface CcmOptions {
  self: NodeName;
  /** ha.cf's `node` lines, in order. */
  nodes: readonly NodeName[];
  /** This incarnation (the heartbeat generation): must grow across restarts. */
  generation?: number;
  keepaliveMs?: number;
  deadtimeMs?: number;
  /**
   * Only for the simulator's seeded-bug test: false installs the nodes this node hears, with no
   * fully connected check (each node acting on its own liveness, as hbx did before).
   */
  fullyConnected?: boolean;
}

/** Quorum: more than half of the configured nodes. */
export function hasQuorum(members: number, configured: number): boolean {
  return members * 2 > configured;
}

type Liveness = "pending" | "up" | "dead";

export class CcmCore {
  readonly self: NodeName;
  private readonly order: NodeName[];
  /** The same names sorted by strcmp: views list them in that order. */
  private readonly byName: NodeName[];
  /** The last computed membership and DC, and the inputs they came from. */
  private memo?: { key: string; members: NodeName[]; dc: NodeName };
  private readonly generation: number;
  private readonly keepaliveMs: number;
  private readonly deadtimeMs: number;
  private readonly fullyConnected: boolean;
  private readonly liveness = new Map<NodeName, Liveness>();
  private readonly upSince = new Map<NodeName, number>();
  /** The newest view of each peer and when it (a newer sequence number) arrived here. */
  private readonly received = new Map<NodeName, { view: PeerView; at: number }>();
  /** The generation of each view held (copied on change, so published views stay as they were). */
  private seen: Record<NodeName, number> = {};
  private members: NodeName[];
  private dc: NodeName | undefined;
  private settled = false;
  private seq = 0;
  private viewId = 0;
  private lastPublished?: string;
  private lastPublishAt = -Infinity;
  /** This node is leaving the cluster cleanly: it publishes that it hears nobody. */
  private leaving = false;

  constructor(opts: CcmOptions) {
    this.self = opts.self;
    this.order = [...opts.nodes];
    if (!this.order.includes(this.self)) this.order.push(this.self);
    this.byName = [...this.order].sort();
    this.generation = opts.generation ?? 0;
    this.keepaliveMs = opts.keepaliveMs ?? 1000;
    this.deadtimeMs = opts.deadtimeMs ?? 30_000;
    this.fullyConnected = opts.fullyConnected ?? true;
    for (const n of this.order) if (n !== this.self) this.liveness.set(n, "pending");
    this.members = [this.self];
  }

  /** Membership state of a node: pending before it was heard or declared dead. */
  state(node: NodeName): PeerState | undefined {
    if (node === this.self) return "member";
    const l = this.liveness.get(node);
    if (l === undefined) return undefined;
    return l === "pending" ? "pending" : this.members.includes(node) ? "member" : "lost";
  }

  view(): MembershipView {
    return {
      members: [...this.members],
      quorate: hasQuorum(this.members.length, this.order.length),
      twoNode: this.order.length === 2,
      dc: this.dc,
    };
  }

  /** The views this node holds now (its own first), fresh or not: for logs and tests. */
  heldViews(): PeerView[] {
    return [this.ownView(), ...[...this.received.values()].map((r) => r.view)];
  }

  step(now: number, ev: CcmEvent): CcmEffect[] {
    const out: CcmEffect[] = [];
    let learned = false;
    if (ev.type === "node") {
      if (ev.node === this.self || !this.liveness.has(ev.node)) return out; // ping nodes, strangers
      const next: Liveness = ev.up ? "up" : "dead";
      if ((this.liveness.get(ev.node) !== next || ev.restarted) && next === "up")
        this.upSince.set(ev.node, now);
      this.liveness.set(ev.node, next);
      if (ev.restarted && this.members.includes(ev.node)) {
        // Out at once; back once its new incarnation joined (the wait in recompute).
        this.members = this.members.filter((n) => n !== ev.node);
        out.push({ type: "membership", view: this.view(), joined: [], left: [ev.node] });
      }
    } else if (ev.type === "views") {
      // Trusted only from a node this node hears; what it relays of others is taken from it.
      if (this.liveness.get(ev.from) !== "up") return out;
      for (const v of ev.views) learned = this.take(now, v) || learned;
    }
    this.recompute(now, out);
    this.publish(now, learned, out);
    return out;
  }

  /**
   * A clean leave: from now on this node's view says it hears nobody, and that view goes out at
   * once. Every node then drops it from the fully connected set by the same rule, whenever the
   * leave message itself reaches it, so no node is left out while some have heard the leave and
   * others not yet (which would split the set for a moment).
   */
  leave(now: number): CcmEffect[] {
    this.leaving = true;
    const out: CcmEffect[] = [];
    this.publish(now, true, out);
    return out;
  }

  /** Initial step (a one-node cluster installs itself at once). */
  start(now: number): CcmEffect[] {
    return this.step(now, { type: "tick" });
  }

  /** Keep a view when newer than the one held; true when what it says changed. */
  private take(now: number, v: PeerView): boolean {
    if (v.node === this.self || !this.liveness.has(v.node)) return false;
    const held = this.received.get(v.node);
    if (
      held &&
      (v.generation < held.view.generation ||
        (v.generation === held.view.generation && v.seq <= held.view.seq))
    )
      return false;
    this.received.set(v.node, { view: v, at: now });
    if (this.seen[v.node] !== v.generation) this.seen = { ...this.seen, [v.node]: v.generation };
    // A new incarnation (restarted faster than the liveness layer noticed) joins anew: it is
    // waited for as any joining node, not taken as a node that stopped hearing the others.
    if (held && v.generation > held.view.generation && this.liveness.get(v.node) === "up")
      this.upSince.set(v.node, now);
    return !held || held.view.generation !== v.generation || held.view.viewId !== v.viewId;
  }

  /**
   * The view of `node` still in force. While the heartbeat layer hears the node (on its own
   * thread), its latest view stands however long ago it came: a busy main thread here or there
   * (a huge CIB being parsed) delays views, and must not drop a member the heartbeats show
   * alive. A node this one does not hear (its views come relayed) keeps its view for a deadtime
   * after the last newer one arrived.
   */
  private fresh(now: number, node: NodeName): PeerView | undefined {
    const r = this.received.get(node);
    if (!r) return undefined;
    if (this.liveness.get(node) === "up") return r.view;
    return now - r.at < this.deadtimeMs ? r.view : undefined;
  }

  /**
   * p's view, received since p came up here, says it hears this node and holds this
   * incarnation's view (a view from before p restarted says nothing about the new p); when this
   * node is settled, p installed a membership too (before that its view may be partial); and
   * p and each other node this one hears hear each other.
   */
  private joined(now: number, p: NodeName): boolean {
    const r = this.received.get(p);
    if (!r || now - r.at >= this.deadtimeMs || r.at < (this.upSince.get(p) ?? 0)) return false;
    const v = r.view;
    if (!v.hears.includes(this.self) || v.seen[this.self] !== this.generation) return false;
    if (this.settled && v.dc === undefined) return false;
    // p follows a DC this node does not hear (the DC of a partition on p's other side): taking
    // p now would give p two quorate memberships at once, ours and that DC's. Wait until p's
    // view follows a DC here, or this node hears that one too (the heal has spread).
    if (v.dc !== undefined && v.dc !== p && v.dc !== this.self && this.liveness.get(v.dc) !== "up")
      return false;
    // p and every other node this one hears hear each other: a heal has spread before it is
    // installed, so it is not installed in pieces (a lasting one-way fault waits a deadtime).
    for (const q of this.order) {
      if (q === this.self || q === p || this.liveness.get(q) !== "up") continue;
      const qv = this.fresh(now, q);
      if (qv && !(qv.hears.includes(p) && v.hears.includes(q))) return false;
    }
    return true;
  }

  private ownView(): PeerView {
    const hears = this.byName.filter(
      (n) => n === this.self || (!this.leaving && this.liveness.get(n) === "up"),
    );
    return {
      node: this.self,
      generation: this.generation,
      seq: this.seq,
      viewId: this.viewId,
      hears,
      seen: this.seen,
      ...(this.dc !== undefined ? { dc: this.dc } : {}),
      quorate: hasQuorum(this.members.length, this.order.length),
      members: this.members.length,
    };
  }

  private recompute(now: number, out: CcmEffect[]): void {
    const peers = this.order.filter((n) => n !== this.self);
    // Wait for peers whose view would be partial. A pending peer (not yet heard nor declared
    // dead) is waited for at start-up, unless a running cluster's views (a peer names a DC) show
    // that nobody hears it. A peer that just came up (or restarted) is waited for until its view
    // says it hears this incarnation of this node and, when this node is settled, until it
    // settled too (names a DC): a deadtime at most.
    const running = peers.some((p) => this.fresh(now, p)?.dc !== undefined);
    const waiting = peers.some((p) => {
      const l = this.liveness.get(p);
      if (l === "pending")
        return !this.settled && (!running || peers.some((q) => this.fresh(now, q)?.hears.includes(p)));
      return l === "up" && now - (this.upSince.get(p) ?? now) < this.deadtimeMs && !this.joined(now, p);
    });
    if (waiting) return;
    this.settled = true;

    const own = this.ownView();
    const views = new Map<NodeName, PeerView>([[this.self, own]]);
    // Same views (a view's content changes only with its viewId), same answer: skip the search.
    let key = `${own.hears.join(",")}|${own.dc}|${own.members}`;
    for (const p of peers) {
      const v = this.fresh(now, p);
      if (v) views.set(p, v);
      if (v) key += `|${p}@${v.generation}.${v.viewId}`;
    }
    if (this.memo?.key !== key) {
      const chosen = this.fullyConnected ? agreedMembership(this.self, views) : own.hears;
      const members = this.order.filter((n) => chosen.includes(n));
      this.memo = { key, members, dc: electDc(members, views) };
    }
    const { members, dc } = this.memo;

    const joined = members.filter((n) => !this.members.includes(n));
    const left = this.members.filter((n) => !members.includes(n));
    const previous = this.dc;
    this.members = members;
    this.dc = dc;
    if (joined.length || left.length) out.push({ type: "membership", view: this.view(), joined, left });
    if (dc !== previous) out.push({ type: "dc", dc, previous, isSelf: dc === this.self });
  }

  /** On a change of its own view or of a view it relays at once, else every keepalive. */
  private publish(now: number, learned: boolean, out: CcmEffect[]): void {
    const own = this.ownView();
    let signature = `${own.hears.join(",")}|${own.dc}|${own.members}`;
    for (const [n, g] of Object.entries(own.seen)) signature += `|${n}@${g}`;
    const changed = signature !== this.lastPublished;
    if (!changed && !learned && now - this.lastPublishAt < this.keepaliveMs) return;
    if (changed) this.viewId++;
    this.seq++;
    this.lastPublished = signature;
    this.lastPublishAt = now;
    const views = [{ ...own, seq: this.seq, viewId: this.viewId }];
    for (const p of this.order) {
      const v = p === this.self ? undefined : this.fresh(now, p);
      if (v) views.push(v);
    }
    out.push({ type: "publish", views });
  }
}
