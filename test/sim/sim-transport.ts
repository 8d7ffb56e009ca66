/**
 * A HeartbeatTransport for the whole-cluster simulator: the real liveness core (the one
 * HeartbeatNode runs) fed by status heartbeats over the SimNetwork, so node-status and
 * node-restarted come from Heartbeat's own rules; cluster messages (the bus frames) travel the
 * same network and count as heartbeats, as they do on the wire. No sockets, no signing: the
 * simulator tests the CRM above the transport, not the codec.
 */
import { EventEmitter } from "node:events";
import {
  type HbMessage,
  type HeartbeatNodeEvents,
  type HeartbeatTransport,
  Liveness,
  type LivenessEffect,
  type NodeSnapshot,
  type SendStats,
} from "@hbx/transport";
import type { SimNetwork, SimPacket } from "./network.js";

export const SIM_LINK = "sim";

export interface SimTiming {
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
}

export class SimTransport extends EventEmitter<HeartbeatNodeEvents> implements HeartbeatTransport {
  private readonly liveness: Liveness;
  private seq = 1;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private readonly endpoint = { receive: (p: SimPacket) => this.receive(p) };

  constructor(
    readonly name: string,
    readonly generation: number,
    private readonly nodes: readonly string[],
    private readonly net: SimNetwork,
    timing: SimTiming,
  ) {
    super();
    this.liveness = new Liveness({ localNode: name, nodes: [...nodes], links: [SIM_LINK], ...timing });
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.net.attach(this.name, this.endpoint);
    this.step({ type: "start" });
  }

  /** Also a crash: from now on nothing is sent or taken up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.net.detach(this.name, this.endpoint);
  }

  sendCluster(msg: HbMessage, to?: string): void {
    if (this.stopped) return;
    this.net.send({ from: this.name, generation: this.generation, seq: this.seq++, msg, to });
  }

  private receive(p: SimPacket): void {
    if (this.stopped) return;
    const effects = this.step({
      type: "heartbeat",
      from: p.from,
      link: SIM_LINK,
      generation: p.generation,
      seq: p.seq,
      status: p.status,
      addr: p.from,
    });
    if (!p.msg || (p.to !== undefined && p.to !== this.name)) return;
    if (effects.some((e) => e.type === "accept" && e.node === p.from))
      this.emit("message", p.msg, p.from, SIM_LINK);
  }

  private step(event: Parameters<Liveness["step"]>[1]): LivenessEffect[] {
    const now = Date.now();
    const { effects, nextWakeAt } = this.liveness.step(now, event);
    for (const e of effects) this.apply(e);
    if (!this.stopped) {
      clearTimeout(this.timer);
      this.timer = setTimeout(
        () => this.step({ type: "tick" }),
        Math.max(0, Math.min(nextWakeAt - now, 60_000)),
      );
    }
    return effects;
  }

  private apply(e: LivenessEffect): void {
    if (e.type === "send-heartbeat")
      this.net.send({ from: this.name, generation: this.generation, seq: this.seq++, status: "active" });
    else if (e.type === "node-status") this.emit("node-status", e.node, e.status, e.previous);
    else if (e.type === "link-status") this.emit("link-status", e.node, e.link, e.status, e.previous);
    else if (e.type === "restarted") this.emit("node-restarted", e.node, e.generation);
  }

  snapshot(): NodeSnapshot[] {
    return this.liveness.nodes().map((name) => ({
      name,
      type: this.liveness.nodeType(name) ?? "normal",
      status: this.liveness.nodeStatus(name) ?? "dead",
      links: [{ name: SIM_LINK, status: this.liveness.linkStatus(name, SIM_LINK) ?? "dead" }],
    }));
  }

  linkNames(): string[] {
    return [SIM_LINK];
  }

  setAuthkeys(): void {}

  setLinkFaults(): boolean {
    return false;
  }

  async sendStats(): Promise<SendStats> {
    return { sends: 0, maxIntervalMs: 0, windowMs: 0, bytes: 0 };
  }
}
