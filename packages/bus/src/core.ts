/**
 * BusCore: the sans-I/O bus protocol for one node. `step(now, event)` returns the effects to carry
 * out; `nextDeadline()` says when to call `step(now, {type: "timer"})` next. No clocks, sockets or
 * timers in here, so the same code runs over UDP and in the simulator.
 */
import { deflateSync } from "node:zlib";
import {
  decodeFrame,
  encodeAck,
  encodeMessage,
  Encoding,
  FrameError,
  FrameType,
  MessageKind,
  MESSAGE_HEADER_BYTES,
} from "./frame.js";
import type { Logger } from "./log.js";
import { defaultBusLogger, PeerWarnings } from "./log.js";
import { hashString, seededRandom } from "./prng.js";
import { RecvStream, type ReceivedMessage } from "./receiver.js";
import { SendStream } from "./sender.js";
import {
  defaultBusConfig,
  type BusConfig,
  type BusEffect,
  type BusEvent,
  type ChannelName,
  type FailureReason,
  type Generation,
  type NodeName,
} from "./types.js";

export interface BusCoreOptions {
  self: NodeName;
  /** Must grow across restarts of this node (Heartbeat's `hg`). */
  generation: Generation;
  /** Nodes a message "to all" goes to, until peerDown/peerUp say otherwise. */
  peers?: NodeName[];
  config?: Partial<BusConfig>;
  random?: () => number;
  logger?: Logger;
}

type Owner =
  | { kind: "send"; ref: number; remaining: number; failed: { node: NodeName; reason: FailureReason }[] }
  | { kind: "request"; requestId: number }
  | { kind: "reply" };

interface PendingRequest {
  ref: number;
  to: NodeName;
  deadline: number;
}

export interface BusCoreStats {
  retransmissions: number;
  duplicatesDropped: number;
}

export class BusCore {
  readonly self: NodeName;
  readonly generation: Generation;
  readonly config: BusConfig;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly peerWarnings: PeerWarnings;
  private readonly peers = new Set<NodeName>();
  private readonly down = new Set<NodeName>();
  private readonly out = new Map<NodeName, SendStream>();
  private readonly in = new Map<NodeName, RecvStream>();
  private readonly owners = new Map<number, Owner>();
  private readonly requests = new Map<number, PendingRequest>();
  private nextMessageId = 1;
  private nextRequestId = 1;
  /** Counts receive states ever created, so a receiver that starts over is recognisable. */
  private rxInstances = 0;
  private effects: BusEffect[] = [];
  private now = 0;
  private duplicatesInDiscardedStreams = 0;

  constructor(opts: BusCoreOptions) {
    this.self = opts.self;
    this.generation = opts.generation;
    this.config = { ...defaultBusConfig, ...opts.config };
    this.random = opts.random ?? seededRandom(hashString(opts.self) ^ opts.generation);
    this.log = opts.logger ?? defaultBusLogger();
    this.peerWarnings = new PeerWarnings(this.log);
    for (const p of opts.peers ?? []) if (p !== this.self) this.peers.add(p);
  }

  step(now: number, event: BusEvent): BusEffect[] {
    this.now = now;
    this.effects = [];
    this.peerWarnings.flush(now);
    switch (event.type) {
      case "send":
        this.send(event.ref, event.channel, event.to, event.payload);
        break;
      case "request":
        this.request(event.ref, event.channel, event.to, event.payload, event.timeoutMs);
        break;
      case "reply":
        this.submit(
          { kind: "reply" },
          [event.to],
          MessageKind.Reply,
          event.channel,
          event.requestId,
          event.payload,
        );
        break;
      case "frame":
        this.onFrame(event.from, event.bytes);
        break;
      case "timer":
        this.onTimer();
        break;
      case "peerUp":
        this.down.delete(event.node);
        if (event.node !== this.self) this.peers.add(event.node);
        break;
      case "peerDown":
        this.onPeerDown(event.node);
        break;
    }
    const effects = this.effects;
    this.effects = [];
    return effects;
  }

  /** When the core next needs a timer event, or null when nothing is pending. */
  nextDeadline(): number | null {
    let t: number | null = null;
    const take = (d: number | null) => {
      if (d !== null && (t === null || d < t)) t = d;
    };
    for (const s of this.out.values()) take(s.nextDeadline());
    for (const r of this.in.values()) take(r.nextDeadline());
    for (const q of this.requests.values()) take(q.deadline);
    return t;
  }

  stats(): BusCoreStats {
    let retransmissions = 0;
    let duplicatesDropped = this.duplicatesInDiscardedStreams;
    for (const s of this.out.values()) retransmissions += s.retransmissions;
    for (const r of this.in.values()) duplicatesDropped += r.duplicates;
    return { retransmissions, duplicatesDropped };
  }

  /** Nodes a message to all currently goes to. */
  activePeers(): NodeName[] {
    return [...this.peers].filter((p) => !this.down.has(p));
  }

  private send(ref: number, channel: ChannelName, to: NodeName | null, payload: Uint8Array): void {
    const dests = to === null ? this.activePeers() : [to];
    const owner: Owner = { kind: "send", ref, remaining: dests.length, failed: [] };
    if (dests.length === 0) {
      this.effects.push({ type: "sent", ref, failed: [] });
      return;
    }
    this.submit(owner, dests, MessageKind.Plain, channel, 0, payload);
  }

  private request(
    ref: number,
    channel: ChannelName,
    to: NodeName,
    payload: Uint8Array,
    timeoutMs: number,
  ): void {
    const requestId = this.nextRequestId++;
    if (this.nextRequestId > 0xffffffff) this.nextRequestId = 1;
    this.requests.set(requestId, { ref, to, deadline: this.now + timeoutMs });
    this.submit({ kind: "request", requestId }, [to], MessageKind.Request, channel, requestId, payload);
  }

  private submit(
    owner: Owner,
    dests: NodeName[],
    kind: MessageKind,
    channel: ChannelName,
    requestId: number,
    payload: Uint8Array,
  ): void {
    const id = this.nextMessageId++;
    this.owners.set(id, owner);
    let body = payload;
    let encoding = Encoding.Raw;
    if (payload.byteLength >= this.config.compressThresholdBytes) {
      const z = deflateSync(payload, { level: 1 });
      if (z.byteLength < payload.byteLength) {
        body = z;
        encoding = Encoding.Zlib;
      }
    }
    if (
      body.byteLength + MESSAGE_HEADER_BYTES > this.config.maxMessageBytes ||
      payload.byteLength > this.config.maxMessageBytes
    ) {
      for (const d of dests) this.failed(id, d, "too-large");
      return;
    }
    const bytes = encodeMessage({ kind, encoding, channel, requestId, rawLength: payload.byteLength }, body);
    for (const d of dests) {
      if (d === this.self) {
        // To ourselves: no network, delivered at once (Heartbeat loops a node's own messages back too).
        this.onMessage(this.self, {
          header: { kind, encoding, channel, requestId, bodyLength: 0, rawLength: 0 },
          body: payload,
        });
        this.delivered(id, d);
      } else if (this.down.has(d)) {
        this.failed(id, d, "peer-down");
      } else {
        this.sendStream(d).enqueue(this.now, id, bytes);
      }
    }
  }

  private sendStream(to: NodeName): SendStream {
    let s = this.out.get(to);
    if (!s) {
      s = new SendStream(this.config, this.generation, {
        emit: (bytes) => this.effects.push({ type: "frame", to, bytes }),
        delivered: (id) => this.delivered(id, to),
        failed: (id, reason) => this.failed(id, to, reason),
      });
      this.out.set(to, s);
    }
    return s;
  }

  private delivered(id: number, _node: NodeName): void {
    const o = this.owners.get(id);
    if (!o) return;
    if (o.kind === "send") {
      if (--o.remaining === 0) {
        this.owners.delete(id);
        this.effects.push({ type: "sent", ref: o.ref, failed: o.failed });
      }
    } else {
      this.owners.delete(id);
    }
  }

  private failed(id: number, node: NodeName, reason: FailureReason): void {
    const o = this.owners.get(id);
    if (!o) return;
    if (o.kind === "send") {
      o.failed.push({ node, reason });
      if (--o.remaining === 0) {
        this.owners.delete(id);
        this.effects.push({ type: "sent", ref: o.ref, failed: o.failed });
      }
      return;
    }
    this.owners.delete(id);
    if (o.kind === "request") {
      const q = this.requests.get(o.requestId);
      if (q) {
        this.requests.delete(o.requestId);
        this.effects.push({ type: "requestFailed", ref: q.ref, to: q.to, reason });
      }
    } else {
      this.log.info({ to: node, reason }, "reply not delivered");
    }
  }

  private failStream(node: NodeName, reason: FailureReason): void {
    const s = this.out.get(node);
    if (!s) return;
    if (s.queued > 0) this.log.warn({ peer: node, reason, messages: s.queued }, "messages to peer failed");
    s.fail(reason);
  }

  private onPeerDown(node: NodeName): void {
    this.down.add(node);
    this.failStream(node, "peer-down");
    const r = this.in.get(node);
    if (r) {
      if (r.hasPartial) this.log.info({ peer: node }, "partial message from dead peer discarded");
      this.duplicatesInDiscardedStreams += r.duplicates;
      this.in.delete(node);
    }
    for (const [id, q] of this.requests) {
      if (q.to === node) {
        this.requests.delete(id);
        this.effects.push({ type: "requestFailed", ref: q.ref, to: node, reason: "peer-down" });
      }
    }
  }

  private onFrame(from: NodeName, bytes: Uint8Array): void {
    let f;
    try {
      f = decodeFrame(bytes);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.peerWarnings.warn(this.now, from, "bad bus frame dropped", { reason: e.reason });
      return;
    }
    if (f.type === FrameType.Ack) {
      const s = this.out.get(from);
      if (!s) return;
      const reason = s.onAck(this.now, f);
      if (reason) this.failStream(from, reason);
      return;
    }
    let r = this.in.get(from);
    if (r && (f.srcGen < r.gen || (f.srcGen === r.gen && f.epoch < r.epoch))) return; // from an older stream
    if (!r || f.srcGen !== r.gen || f.epoch !== r.epoch) {
      if (r) {
        if (r.hasPartial) this.log.info({ peer: from }, "partial message of an abandoned stream discarded");
        this.duplicatesInDiscardedStreams += r.duplicates;
      }
      r = this.recvStream(from, f.srcGen, f.epoch);
    }
    r.onData(this.now, f);
  }

  private recvStream(from: NodeName, gen: Generation, epoch: number): RecvStream {
    const r = new RecvStream(gen, epoch, ++this.rxInstances, this.config, this.random, {
      ack: (a) =>
        this.effects.push({ type: "frame", to: from, bytes: encodeAck({ srcGen: this.generation, ...a }) }),
      message: (m) => this.onMessage(from, m),
      rejected: (reason) => this.peerWarnings.warn(this.now, from, "bus message rejected", { reason }),
    });
    this.in.set(from, r);
    return r;
  }

  private onMessage(from: NodeName, m: ReceivedMessage): void {
    const { kind, channel, requestId } = m.header;
    if (kind === MessageKind.Reply) {
      const q = this.requests.get(requestId);
      if (!q || q.to !== from) {
        this.log.debug({ peer: from, requestId }, "reply after timeout dropped");
        return;
      }
      this.requests.delete(requestId);
      this.effects.push({ type: "reply", ref: q.ref, from, payload: m.body });
      return;
    }
    this.effects.push({
      type: "deliver",
      message:
        kind === MessageKind.Request
          ? { from, channel, payload: m.body, requestId }
          : { from, channel, payload: m.body },
    });
  }

  private onTimer(): void {
    for (const [node, s] of this.out) {
      const reason = s.onTimer(this.now);
      if (reason) this.failStream(node, reason);
    }
    for (const r of this.in.values()) r.onTimer(this.now);
    for (const [id, q] of this.requests) {
      if (q.deadline <= this.now) {
        this.requests.delete(id);
        this.effects.push({ type: "requestFailed", ref: q.ref, to: q.to, reason: "request-timeout" });
      }
    }
  }
}
