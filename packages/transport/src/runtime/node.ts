import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import type { RemoteInfo } from "node:dgram";
import type { Logger } from "pino";
import type { Authkeys, HaCf } from "../config/index.js";
import { DecodeError, decodeMessage, F, HbMessage, type WireFormat } from "../codec/index.js";
import { signMessage, verifyMessage } from "../auth/index.js";
import { Liveness } from "../liveness/core.js";
import type { LinkName, LivenessEffect, NodeName } from "../liveness/types.js";
import { planLinks, UdpLink, type LinkFaults } from "../adapters/udp.js";
import { IcmpPinger } from "../adapters/ping.js";
import { DropLog } from "./droplog.js";
import { nextGeneration, nodeUuid } from "./persist.js";
import { PeerMemory } from "./peer-memory.js";
import type {
  HeartbeatNodeEvents,
  HeartbeatTransport,
  LinkFaultSettings,
  NodeSnapshot,
  SendStats,
} from "./transport.js";
import { ACK_MSG_DIV, ackmsg, INTERNAL_TYPES, isUnsequenced, repnodes, T_REQNODES } from "./membership.js";

export interface HeartbeatNodeOptions {
  hacf: HaCf;
  authkeys: Authkeys;
  nodeName: NodeName;
  stateDir: string;
  /** Local address for every link's socket; default: all addresses. */
  bindAddress?: string;
  logger: Logger;
  format?: WireFormat;
  /**
   * This life's generation when the caller already took it from the state directory (the
   * worker's proxy does, so that `generation` is known before the thread starts); otherwise
   * the node takes the next one itself.
   */
  generation?: number;
}

/**
 * The heartbeat layer of one node: UDP links, signing, the liveness core and its timers. Status
 * heartbeats are handled here; every other authenticated message is emitted as "message".
 * It runs in whatever thread constructs it: hbxd puts it on its own thread (`HeartbeatWorker`).
 */
export class HeartbeatNode extends EventEmitter<HeartbeatNodeEvents> implements HeartbeatTransport {
  readonly name: NodeName;
  readonly generation: number;
  private readonly uuid: Buffer;
  private readonly log: Logger;
  private readonly drops: DropLog;
  private readonly liveness: Liveness;
  private readonly links: UdpLink[];
  /** Ping address -> the ping nodes it answers for (an address may be alone and in a group). */
  private readonly pingTargets = new Map<string, NodeName[]>();
  private readonly pinger?: IcmpPinger;
  private seq = 1;
  private timer?: NodeJS.Timeout;
  /** When the timer is due, on the `now()` clock. */
  private wakeAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly started = performance.now();
  private readonly peerMemory: PeerMemory;
  private sendWindow = { since: performance.now(), last: -1, sends: 0, maxIntervalMs: 0, bytes: 0 };

  constructor(private readonly opts: HeartbeatNodeOptions) {
    super();
    this.name = opts.nodeName.toLowerCase();
    this.log = opts.logger.child({ component: "transport" });
    this.drops = new DropLog(this.log);
    this.generation = opts.generation ?? nextGeneration(opts.stateDir);
    this.peerMemory = new PeerMemory(opts.stateDir);
    this.uuid = nodeUuid(opts.stateDir);
    const plan = planLinks(opts.hacf.media);
    this.links = plan.map(
      (l) =>
        new UdpLink({
          ...l,
          bindAddress: opts.bindAddress,
          onPacket: (pkt, rinfo, link) => this.onPacket(pkt, rinfo, link),
          onError: (err, link) => this.log.error({ link, err: err.message }, `link ${link}: ${err.message}`),
        }),
    );
    const pingNodes: NodeName[] = [];
    const target = (addr: string, node: NodeName) =>
      this.pingTargets.set(addr, [...(this.pingTargets.get(addr) ?? []), node]);
    for (const addr of opts.hacf.ping) {
      pingNodes.push(addr);
      target(addr, addr);
    }
    for (const g of opts.hacf.pingGroups) {
      pingNodes.push(g.name);
      for (const a of g.addresses) target(a, g.name);
    }
    if (pingNodes.length) {
      this.pinger = new IcmpPinger(opts.hacf.keepaliveMs, (addr) => {
        for (const node of this.pingTargets.get(addr) ?? [])
          this.step({ type: "ping-reply", node, link: node });
      });
    }
    this.liveness = new Liveness({
      localNode: this.name,
      nodes: opts.hacf.nodes.map((n) => n.toLowerCase()),
      pingNodes,
      links: this.links.map((l) => l.name),
      keepaliveMs: opts.hacf.keepaliveMs,
      warntimeMs: opts.hacf.warntimeMs,
      deadtimeMs: opts.hacf.deadtimeMs,
      initdeadMs: opts.hacf.initdeadMs,
      remembered: this.peerMemory.load(),
    });
  }

  private now(): number {
    return performance.now() - this.started;
  }

  async start(): Promise<void> {
    await Promise.all(this.links.map((l) => l.open()));
    this.log.info(
      { generation: this.generation, links: this.links.map((l) => l.name) },
      `heartbeat started: node ${this.name}, generation ${this.generation}, links ${this.links.map((l) => l.name).join(", ")}`,
    );
    this.step({ type: "start" });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.rememberPeers();
    await Promise.all(this.links.map((l) => l.close()));
  }

  /** Keep each peer's last accepted generation and seq for the next start (see PeerMemory). */
  private rememberPeers(): void {
    const peers = new Map<NodeName, { generation: number; seq: number }>();
    for (const n of this.liveness.normalPeers()) {
      const last = this.liveness.lastAccepted(n);
      if (last) peers.set(n, last);
    }
    try {
      this.peerMemory.save(peers);
    } catch (e) {
      this.log.error(
        { err: (e as Error).message },
        `cannot remember peer generations: ${(e as Error).message}`,
      );
    }
  }

  /**
   * Send a cluster message to every node (or, with `to`, addressed to one node: Heartbeat
   * broadcasts it with a `dest` field). Adds the control fields and signs it; returns its seq.
   */
  sendCluster(msg: HbMessage, to?: NodeName): number {
    this.catchUp();
    if (to) msg.set(F.to, to.toLowerCase());
    return this.sendSigned(msg);
  }

  private sendSigned(body: HbMessage): number {
    const sequenced = !isUnsequenced(body.get(F.type));
    const seq = sequenced ? this.seq++ : 0;
    const m = new HbMessage();
    m.fields.push(...body.fields.filter((f) => !CONTROL_FIELDS.has(f.name)));
    m.set(F.orig, this.name);
    m.setBinary(F.origUuid, this.uuid);
    if (sequenced) m.set(F.seq, seq.toString(16));
    m.set(F.generation, this.generation.toString(16));
    m.set(F.time, Math.floor(Date.now() / 1000).toString(16));
    if (sequenced) m.set(F.load, loadavg());
    m.set(F.ttl, String(this.opts.hacf.hopfudge + this.opts.hacf.nodes.length));
    const wire = signMessage(m, this.opts.authkeys, this.opts.format ?? "netstring");
    for (const l of this.links) l.send(wire);
    this.sendWindow.bytes += wire.length;
    return seq;
  }

  private sendStatus(): void {
    const at = performance.now();
    const w = this.sendWindow;
    if (w.last >= 0) w.maxIntervalMs = Math.max(w.maxIntervalMs, at - w.last);
    w.last = at;
    w.sends++;
    const m = new HbMessage({
      [F.type]: "status",
      [F.status]: "active",
      [F.deadtime]: this.opts.hacf.deadtimeMs.toString(16),
      [F.protocol]: "1",
    });
    this.sendSigned(m);
  }

  private onPacket(pkt: Buffer, rinfo: RemoteInfo, link: LinkName): void {
    if (this.stopped) return;
    this.catchUp();
    const addr = `${rinfo.address}:${rinfo.port}`;
    const now = this.now();
    let packet;
    try {
      packet = decodeMessage(pkt);
    } catch (e) {
      const err = e as DecodeError;
      this.drops.drop(now, err.reason, addr, `${err.detail} (byte ${err.offset})`);
      return;
    }
    const verdict = verifyMessage(packet, this.opts.authkeys);
    if (!verdict.ok) {
      this.drops.drop(now, verdict.reason, addr, verdict.detail, packet.msg.get(F.orig));
      return;
    }
    const msg = packet.msg;
    const from = msg.get(F.orig)?.toLowerCase();
    if (!from) {
      this.drops.drop(now, "bad-field", addr, "no src field");
      return;
    }
    if (from === this.name) return;
    const type = msg.get(F.type);
    const seqText = msg.get(F.seq);
    const dest = msg.get(F.to)?.toLowerCase();
    const forUs = dest === undefined || dest === this.name;
    if (seqText === undefined) {
      // Unsequenced control messages (retransmit requests) cannot be replay-checked; pass them up.
      this.log.debug({ from, link, t: type }, `unsequenced message from ${from} on ${link}: t=${type}`);
      if (type !== "status" && forUs && !INTERNAL_TYPES.has(type ?? ""))
        this.emit("message", msg, from, link);
      return;
    }
    const seq = Number.parseInt(seqText, 16);
    const generation = Number.parseInt(msg.get(F.generation) ?? "0", 16);
    if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(generation)) {
      this.drops.drop(now, "bad-field", addr, `unreadable seq ${seqText} or hg`, from);
      return;
    }
    const effects = this.step({
      type: "heartbeat",
      from,
      link,
      generation,
      seq,
      status: type === "status" ? (msg.get(F.status) ?? "active") : undefined,
      addr,
    });
    if (!effects.some((e) => e.type === "accept" && e.node === from)) return;
    if (seq % ACK_MSG_DIV === 0) this.sendSigned(ackmsg(from, seq));
    if (type === "status" || !forUs) return;
    this.log.debug({ from, link, seq, t: type }, `message from ${from} on ${link}: t=${type} seq=${seq}`);
    if (type === T_REQNODES) this.sendCluster(repnodes(from, this.opts.hacf.nodes));
    else if (!INTERNAL_TYPES.has(type ?? "")) this.emit("message", msg, from, link);
  }

  private step(event: Parameters<Liveness["step"]>[1]): LivenessEffect[] {
    const now = this.now();
    const { effects, nextWakeAt } = this.liveness.step(now, event);
    for (const e of effects) this.apply(now, e);
    if (effects.some((e) => this.worthRemembering(e))) this.rememberPeers();
    if (!this.stopped) {
      clearTimeout(this.timer);
      const delay = Math.max(0, Math.min(nextWakeAt - now, 60_000));
      this.wakeAt = now + delay;
      this.timer = setTimeout(() => this.step({ type: "tick" }), delay);
    }
    return effects;
  }

  /**
   * A burst of bus frames to send or to receive is handled in one go, and no timer fires in the
   * middle of it: so every send and every packet first looks whether the keepalive (or a
   * deadline) is due, and steps the core then, not after the burst.
   */
  private catchUp(): void {
    if (!this.stopped && this.now() >= this.wakeAt) this.step({ type: "tick" });
  }

  private apply(now: number, e: LivenessEffect): void {
    switch (e.type) {
      case "send-heartbeat":
        this.sendStatus();
        break;
      case "send-ping":
        for (const addr of this.pingTargets.keys()) this.pinger?.probe(addr);
        break;
      case "node-status":
        this.log.info(
          { node: e.node, status: e.status, previous: e.previous },
          e.status === "dead"
            ? `node ${e.node}: is dead`
            : `status update for node ${e.node}: status ${e.status}`,
        );
        this.emit("node-status", e.node, e.status, e.previous);
        break;
      case "link-status":
        this.log.info(
          { node: e.node, link: e.link, status: e.status },
          `link ${e.node}:${e.link} ${e.status === "up" ? "up" : "dead"}`,
        );
        this.emit("link-status", e.node, e.link, e.status, e.previous);
        break;
      case "late":
        this.log.warn(
          { node: e.node, intervalMs: e.intervalMs },
          `late heartbeat: node ${e.node}: interval ${e.intervalMs} ms`,
        );
        break;
      case "restarted":
        this.log.info(
          { node: e.node, generation: e.generation, previous: e.previousGeneration },
          `node ${e.node} restarted: generation ${e.previousGeneration} -> ${e.generation}`,
        );
        this.emit("node-restarted", e.node, e.generation);
        break;
      case "drop":
        if (e.reason !== "duplicate") this.drops.drop(now, e.reason, e.addr, e.detail, e.node);
        break;
      case "accept":
        break;
    }
  }

  /** A peer's new life, or its death (the last seq it will send in this generation). */
  private worthRemembering(e: LivenessEffect): boolean {
    if (e.type === "accept")
      return this.peerMemory.generationChanged(e.node, this.liveness.lastAccepted(e.node));
    return (
      e.type === "node-status" && e.status === "dead" && this.liveness.lastAccepted(e.node) !== undefined
    );
  }

  async sendStats(reset = false): Promise<SendStats> {
    const w = this.sendWindow;
    const stats = {
      sends: w.sends,
      maxIntervalMs: w.maxIntervalMs,
      windowMs: performance.now() - w.since,
      bytes: w.bytes,
    };
    // A new window starts from the last send, so the first gap after a reset is measured too.
    if (reset)
      this.sendWindow = { since: performance.now(), last: w.last, sends: 0, maxIntervalMs: 0, bytes: 0 };
    return stats;
  }

  /** Fault injection for tests: cut a link or make it lossy. */
  setLinkFaults(link: LinkName, faults: Partial<LinkFaults> & LinkFaultSettings): boolean {
    const l = this.links.find((x) => x.name === link);
    if (!l) return false;
    Object.assign(l.faults, faults);
    return true;
  }

  setAuthkeys(authkeys: Authkeys): void {
    this.opts.authkeys = authkeys;
  }

  linkNames(): LinkName[] {
    return this.links.map((l) => l.name);
  }

  snapshot(): NodeSnapshot[] {
    return this.liveness.nodes().map((name) => ({
      name,
      type: this.liveness.nodeType(name) ?? "normal",
      status: this.liveness.nodeStatus(name) ?? "dead",
      links: (this.liveness.links(name) ?? []).map((l) => ({
        name: l,
        status: this.liveness.linkStatus(name, l) ?? "dead",
      })),
    }));
  }
}

/** Fields the transport owns; a caller's values are replaced. */
const CONTROL_FIELDS = new Set<string>([
  F.orig,
  F.origUuid,
  F.seq,
  F.generation,
  F.time,
  F.load,
  F.ttl,
  F.auth,
]);

let loadFd: string | undefined;
function loadavg(): string {
  try {
    loadFd = readFileSync("/proc/loadavg", "utf8").split("\n")[0];
  } catch {
    loadFd = "n/a";
  }
  return loadFd;
}
