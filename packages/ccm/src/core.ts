/**
 * Membership, quorum and DC election as a sans-I/O core. Membership is what the heartbeat layer
 * reports: a node is a member while it is up, out when dead, and "pending" until it has been
 * heard or declared dead (initdead). The DC is the first member in ha.cf's node order — a
 * deterministic rule every node computes alike from the same liveness view — and only once no
 * node is pending, so a node starting alone does not make itself DC before it heard the others.
 */

export type NodeName = string;

export type PeerState = "pending" | "member" | "lost";

export type CcmEvent =
  /** The heartbeat layer's view of a node: up/active is a member, dead is lost. */
  { type: "node"; node: NodeName; up: boolean };

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
  | { type: "dc"; dc: NodeName | undefined; previous: NodeName | undefined; isSelf: boolean };

export interface CcmOptions {
  self: NodeName;
  /** ha.cf's `node` lines, in order. */
  nodes: readonly NodeName[];
}

/** Quorum: more than half of the configured nodes. */
export function hasQuorum(members: number, configured: number): boolean {
  return members * 2 > configured;
}

export class CcmCore {
  readonly self: NodeName;
  private readonly order: NodeName[];
  private readonly peers = new Map<NodeName, PeerState>();
  private dc: NodeName | undefined;

  constructor(opts: CcmOptions) {
    this.self = opts.self;
    this.order = [...opts.nodes];
    if (!this.order.includes(this.self)) this.order.push(this.self);
    for (const n of this.order) this.peers.set(n, n === this.self ? "member" : "pending");
  }

  state(node: NodeName): PeerState | undefined {
    return this.peers.get(node);
  }

  view(): MembershipView {
    const members = this.order.filter((n) => this.peers.get(n) === "member");
    return {
      members,
      quorate: hasQuorum(members.length, this.order.length),
      twoNode: this.order.length === 2,
      dc: this.dc,
    };
  }

  step(_now: number, ev: CcmEvent): CcmEffect[] {
    const out: CcmEffect[] = [];
    if (ev.node === this.self || !this.peers.has(ev.node)) return out; // ping nodes, strangers
    const before = this.peers.get(ev.node);
    const after: PeerState = ev.up ? "member" : "lost";
    if (before !== after) {
      this.peers.set(ev.node, after);
      const joined = after === "member" ? [ev.node] : [];
      const left = before === "member" ? [ev.node] : [];
      if (joined.length || left.length) out.push({ type: "membership", view: this.view(), joined, left });
    }
    this.elect(out);
    return out;
  }

  private elect(out: CcmEffect[]): void {
    const settled = ![...this.peers.values()].includes("pending");
    const next = settled ? this.order.find((n) => this.peers.get(n) === "member") : undefined;
    if (next === this.dc) return;
    const previous = this.dc;
    this.dc = next;
    out.push({ type: "dc", dc: next, previous, isSelf: next === this.self });
  }

  /** Initial election when every peer is known at once (a one-node cluster). */
  start(now: number): CcmEffect[] {
    const out: CcmEffect[] = [];
    void now;
    this.elect(out);
    return out;
  }
}
