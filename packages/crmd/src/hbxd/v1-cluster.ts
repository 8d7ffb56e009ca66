import { type HaCf, HbMessage, type HeartbeatTransport } from "@hbx/transport";
import { type V1Cluster, type V1NodeEvent, type V1NodeStatus } from "../v1/cluster.js";
import { type NodeName, type V1Message } from "../v1/types.js";

/** Fields the heartbeat layer adds to every message: not part of a v1 message's body. */
const TRANSPORT_FIELDS = new Set(["src", "srcuuid", "seq", "hg", "ts", "ld", "ttl", "auth", "dest"]);

function v1Status(status: string | undefined): V1NodeStatus["status"] {
  if (status === "dead") return "down";
  if (status === "up" || status === "active") return "up";
  return "unknown";
}

/**
 * V1Cluster over hbxd's heartbeat layer: ha.cf's other nodes, their up/down transitions (a restart
 * is reported as a death, then the new generation up, so the core forgets the old incarnation
 * first), and `hbx-v1-*` cluster messages as plain string maps. Loss is tolerated by the core
 * (state announcements repeat, claims retry), so send is fire-and-forget.
 */
export class HeartbeatV1Cluster implements V1Cluster {
  readonly localNode: NodeName;
  private readonly generations = new Map<NodeName, number>();
  private readonly nodeListeners = new Set<(e: V1NodeEvent) => void>();
  private readonly messageListeners = new Set<(from: NodeName, msg: V1Message) => void>();
  private readonly detach: (() => void)[] = [];

  constructor(
    private readonly hb: HeartbeatTransport,
    private readonly hacf: HaCf,
  ) {
    this.localNode = hb.name;
    const onStatus = (node: NodeName, status: string, previous: string): void => {
      if (!this.isPeer(node)) return;
      const now = v1Status(status);
      if (now === "unknown" || now === v1Status(previous)) return;
      this.emitNode({ node, status: now, generation: this.generations.get(node) });
    };
    const onRestart = (node: NodeName, generation: number): void => {
      if (!this.isPeer(node)) return;
      this.generations.set(node, generation);
      this.emitNode({ node, status: "down" });
      this.emitNode({ node, status: "up", generation });
    };
    const onMessage = (msg: HbMessage, from: NodeName): void => {
      const t = msg.get("t");
      if (!t?.startsWith("hbx-v1-") || !this.isPeer(from)) return;
      const hg = Number.parseInt(msg.get("hg") ?? "", 16);
      if (Number.isSafeInteger(hg) && !this.generations.has(from)) this.generations.set(from, hg);
      const body: Record<string, string> = {};
      for (const f of msg.fields) {
        if (TRANSPORT_FIELDS.has(f.name)) continue;
        const v = msg.get(f.name);
        if (typeof v === "string") body[f.name] = v;
      }
      for (const cb of this.messageListeners) cb(from, body);
    };
    hb.on("node-status", onStatus);
    hb.on("node-restarted", onRestart);
    hb.on("message", onMessage);
    this.detach.push(
      () => hb.off("node-status", onStatus),
      () => hb.off("node-restarted", onRestart),
      () => hb.off("message", onMessage),
    );
  }

  private isPeer(node: NodeName): boolean {
    return node !== this.localNode && this.hacf.nodes.includes(node);
  }

  private emitNode(e: V1NodeEvent): void {
    for (const cb of this.nodeListeners) cb(e);
  }

  nodes(): readonly V1NodeStatus[] {
    const snap = new Map(this.hb.snapshot().map((s) => [s.name, s.status]));
    return this.hacf.nodes
      .filter((n) => n !== this.localNode)
      .map((name) => ({ name, status: v1Status(snap.get(name)), generation: this.generations.get(name) }));
  }

  on(event: "node", cb: (e: V1NodeEvent) => void): () => void;
  on(event: "message", cb: (from: NodeName, msg: V1Message) => void): () => void;
  on(event: "node" | "message", cb: ((e: V1NodeEvent) => void) | ((from: NodeName, msg: V1Message) => void)) {
    if (event === "node") {
      const f = cb as (e: V1NodeEvent) => void;
      this.nodeListeners.add(f);
      return () => this.nodeListeners.delete(f);
    }
    const f = cb as (from: NodeName, msg: V1Message) => void;
    this.messageListeners.add(f);
    return () => this.messageListeners.delete(f);
  }

  send(msg: V1Message, to?: NodeName): void {
    this.hb.sendCluster(new HbMessage({ ...msg }), to);
  }

  close(): void {
    for (const d of this.detach) d();
  }
}
