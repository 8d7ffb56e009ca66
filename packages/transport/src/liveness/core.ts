import { SeqWindow } from "./replay.js";
import type {
  LinkName,
  LastAccepted,
  LinkStatus,
  LivenessConfig,
  LivenessEffect,
  LivenessEvent,
  NodeName,
  NodeStatus,
  NodeType,
  StepResult,
} from "./types.js";

interface LinkState {
  status: LinkStatus;
  lastHeard: number;
}

interface PeerState {
  type: NodeType;
  status: NodeStatus;
  generation: number;
  window: SeqWindow;
  /** The last accepted (generation, seq) from before this node's restart; nothing at or below it is live. */
  floor?: LastAccepted;
  /** Last time any link carried something from this node; -1 when never. */
  lastHeard: number;
  links: Map<LinkName, LinkState>;
}

/** What a ping node reports while it answers, as Heartbeat's cl_status prints it. */
export const PING_STATUS = "ping";

/**
 * Heartbeat's liveness rules as a sans-I/O state machine. Feed it `start`, received heartbeats
 * and ticks with the current time; it answers with effects (send a heartbeat, a node or link
 * changed state, a packet is a replay) and when it next needs a tick.
 */
export class Liveness {
  private readonly peers = new Map<NodeName, PeerState>();
  private startedAt = -1;
  private nextSendAt = Number.POSITIVE_INFINITY;

  constructor(readonly config: LivenessConfig) {
    for (const n of config.nodes) {
      if (n !== config.localNode) this.peers.set(n, this.newPeer("normal", config.links));
    }
    // A ping node has one link named after itself, as cl_status lists it.
    for (const n of config.pingNodes ?? []) this.peers.set(n, this.newPeer("ping", [n]));
    for (const [n, floor] of Object.entries(config.remembered ?? {})) {
      const p = this.peers.get(n);
      if (p?.type === "normal") p.floor = { ...floor };
    }
  }

  private newPeer(type: NodeType, linkNames: LinkName[]): PeerState {
    const links = new Map<LinkName, LinkState>();
    for (const l of linkNames) links.set(l, { status: "init", lastHeard: -1 });
    return { type, status: "init", generation: 0, window: new SeqWindow(), lastHeard: -1, links };
  }

  step(now: number, event: LivenessEvent): StepResult {
    const effects: LivenessEffect[] = [];
    switch (event.type) {
      case "start":
        this.startedAt = now;
        this.nextSendAt = now;
        break;
      case "heartbeat":
        this.onHeartbeat(now, event, effects);
        break;
      case "ping-reply": {
        const p = this.peers.get(event.node);
        if (p?.type === "ping") this.heard(now, event.node, p, event.link, PING_STATUS, effects);
        break;
      }
      case "tick":
        break;
    }
    this.onTimers(now, effects);
    return { effects, nextWakeAt: this.nextWakeAt() };
  }

  private onHeartbeat(
    now: number,
    e: Extract<LivenessEvent, { type: "heartbeat" }>,
    out: LivenessEffect[],
  ): void {
    if (e.from === this.config.localNode) return; // our own broadcast looping back
    const p = this.peers.get(e.from);
    if (!p || p.type !== "normal") {
      out.push({
        type: "drop",
        node: e.from,
        addr: e.addr,
        reason: "unknown-node",
        detail: "not a node in ha.cf",
      });
      return;
    }
    // Heartbeat 3.0.6 keeps its peers' generations and seqs only in memory, so a freshly started
    // daemon takes whatever authenticated packet comes first as the peer's current life, and
    // packets captured from a node that has since died make it look alive again. The rule here:
    // a generation older than the remembered one is stale, and in the remembered generation a seq
    // at or below the remembered one is a replay, for the whole generation (not only while the
    // window still holds it). A restarted peer always comes back with a higher generation (its
    // hb_generation file is incremented before its first packet), so a live peer is never refused.
    const floor = p.floor;
    if (floor && e.generation < floor.generation) {
      out.push({
        type: "drop",
        node: e.from,
        addr: e.addr,
        reason: "stale-generation",
        // A peer whose state directory was wiped (reinstalled) can come back lower: the operator
        // removes its line from hb_peers, as the detail says.
        detail: `generation ${e.generation} is older than ${floor.generation}, the last accepted before restart (if ${e.from} was reinstalled, remove its line from hb_peers)`,
      });
      return;
    }
    if (floor && e.generation === floor.generation && e.seq <= floor.seq) {
      out.push({
        type: "drop",
        node: e.from,
        addr: e.addr,
        reason: "replay",
        detail: `seq ${e.seq} of generation ${e.generation} was accepted before restart (up to ${floor.seq})`,
      });
      return;
    }
    if (e.generation < p.generation) {
      out.push({
        type: "drop",
        node: e.from,
        addr: e.addr,
        reason: "stale-generation",
        detail: `generation ${e.generation} is older than ${p.generation}`,
      });
      return;
    }
    if (e.generation > p.generation) {
      if (p.generation > 0) {
        out.push({
          type: "restarted",
          node: e.from,
          previousGeneration: p.generation,
          generation: e.generation,
        });
      }
      p.generation = e.generation;
      p.window = new SeqWindow();
    }
    const verdict = p.window.check(e.seq);
    if (verdict === "replay") {
      out.push({
        type: "drop",
        node: e.from,
        addr: e.addr,
        reason: "replay",
        detail: `seq ${e.seq} is outside the window`,
      });
      return;
    }
    // A duplicate is the same packet over another link: it proves that link alive, nothing more.
    if (verdict === "duplicate") {
      this.touchLink(now, e.from, p, e.link, out);
      return;
    }
    out.push({ type: "accept", node: e.from, seq: e.seq });
    this.heard(now, e.from, p, e.link, e.status, out);
  }

  private heard(
    now: number,
    node: NodeName,
    p: PeerState,
    link: LinkName,
    status: string | undefined,
    out: LivenessEffect[],
  ): void {
    if (p.lastHeard >= 0 && p.status !== "dead" && now - p.lastHeard > this.config.warntimeMs) {
      out.push({ type: "late", node, intervalMs: now - p.lastHeard });
    }
    this.touchLink(now, node, p, link, out);
    p.lastHeard = now;
    if (status !== undefined && p.status !== status) {
      out.push({ type: "node-status", node, status, previous: p.status });
      p.status = status;
    }
  }

  private touchLink(now: number, node: NodeName, p: PeerState, link: LinkName, out: LivenessEffect[]): void {
    let l = p.links.get(link);
    if (!l) {
      l = { status: "init", lastHeard: -1 };
      p.links.set(link, l);
    }
    l.lastHeard = now;
    if (l.status !== "up") {
      out.push({ type: "link-status", node, link, status: "up", previous: l.status });
      l.status = "up";
    }
  }

  private onTimers(now: number, out: LivenessEffect[]): void {
    if (this.startedAt < 0) return;
    if (now >= this.nextSendAt) {
      out.push({ type: "send-heartbeat" });
      if (this.peersOfType("ping")) out.push({ type: "send-ping" });
      // Keep the cadence, but never fire a burst to catch up after a stall.
      this.nextSendAt += this.config.keepaliveMs;
      if (this.nextSendAt <= now) this.nextSendAt = now + this.config.keepaliveMs;
    }
    const { deadtimeMs, initdeadMs } = this.config;
    for (const [node, p] of this.peers) {
      for (const [link, l] of p.links) {
        const silentSince = l.lastHeard >= 0 ? l.lastHeard : this.startedAt;
        const limit = l.lastHeard >= 0 ? deadtimeMs : initdeadMs;
        if (l.status !== "dead" && now - silentSince >= limit) {
          out.push({ type: "link-status", node, link, status: "dead", previous: l.status });
          l.status = "dead";
        }
      }
      if (p.status === "dead") continue;
      // Dead only when every link has been silent for deadtime (or initdead if never heard).
      const silent = p.lastHeard >= 0 ? now - p.lastHeard >= deadtimeMs : now - this.startedAt >= initdeadMs;
      if (silent) {
        out.push({ type: "node-status", node, status: "dead", previous: p.status });
        p.status = "dead";
      }
    }
  }

  private peersOfType(type: NodeType): boolean {
    for (const p of this.peers.values()) if (p.type === type) return true;
    return false;
  }

  private nextWakeAt(): number {
    let next = this.nextSendAt;
    const { deadtimeMs, initdeadMs } = this.config;
    for (const p of this.peers.values()) {
      for (const l of p.links.values()) {
        if (l.status === "dead") continue;
        next = Math.min(next, l.lastHeard >= 0 ? l.lastHeard + deadtimeMs : this.startedAt + initdeadMs);
      }
      if (p.status !== "dead") {
        next = Math.min(next, p.lastHeard >= 0 ? p.lastHeard + deadtimeMs : this.startedAt + initdeadMs);
      }
    }
    return next;
  }

  // Queries for cl_status and the IPC.
  nodeStatus(node: NodeName): NodeStatus | undefined {
    if (node === this.config.localNode) return "active";
    return this.peers.get(node)?.status;
  }

  nodeType(node: NodeName): NodeType | undefined {
    if (node === this.config.localNode) return "normal";
    return this.peers.get(node)?.type;
  }

  nodes(): NodeName[] {
    return [this.config.localNode, ...this.peers.keys()];
  }

  links(node: NodeName): LinkName[] | undefined {
    if (node === this.config.localNode) return [...this.config.links];
    const p = this.peers.get(node);
    return p ? [...p.links.keys()] : undefined;
  }

  linkStatus(node: NodeName, link: LinkName): LinkStatus | undefined {
    if (node === this.config.localNode) return this.config.links.includes(link) ? "up" : undefined;
    return this.peers.get(node)?.links.get(link)?.status;
  }

  generation(node: NodeName): number | undefined {
    return this.peers.get(node)?.generation;
  }

  /** What to remember about a peer across a restart: the remembered floor until it is heard again. */
  lastAccepted(node: NodeName): LastAccepted | undefined {
    const p = this.peers.get(node);
    if (!p || p.type !== "normal") return undefined;
    if (p.generation > 0) return { generation: p.generation, seq: p.window.highestSeen };
    return p.floor ? { ...p.floor } : undefined;
  }

  /** The cluster's normal peers (not ping nodes, not this node). */
  normalPeers(): NodeName[] {
    return [...this.peers].filter(([, p]) => p.type === "normal").map(([n]) => n);
  }
}
