/**
 * Bus: the runtime around BusCore. It owns the clock and the one timer, feeds link frames into the
 * core and carries out the core's effects: frames to the link, messages to channel handlers,
 * promise settlement for send() and request(). No protocol logic lives here.
 */
import { performance } from "node:perf_hooks";
import { BusCore, type BusCoreStats } from "./core.js";
import type { BusLink } from "./link.js";
import { defaultBusLogger, type Logger } from "./log.js";
import type {
  BusConfig,
  BusEffect,
  BusEvent,
  BusMessage,
  ChannelName,
  FailureReason,
  Generation,
  NodeName,
} from "./types.js";

export type Payload = Uint8Array | string;
/** A channel handler; for a request, what it returns (or resolves to) is sent back as the reply. */
export type BusHandler = (msg: BusMessage) => void | Payload | Promise<void | Payload>;

/** send() failed for some destinations; each names why (timeout, peer-down, ...). */
export class BusSendError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly failed: { node: NodeName; reason: FailureReason }[],
  ) {
    super(
      `message on channel ${channel} not delivered to ${failed.map((f) => `${f.node} (${f.reason})`).join(", ")}`,
    );
    this.name = "BusSendError";
  }
}

/** request() got no reply: the request was not delivered, or no reply came within the timeout. */
export class BusRequestError extends Error {
  constructor(
    readonly channel: ChannelName,
    readonly to: NodeName,
    readonly reason: FailureReason | "request-timeout",
    readonly timeoutMs: number,
  ) {
    super(
      reason === "request-timeout"
        ? `request to ${to} on channel ${channel} timed out after ${timeoutMs} ms`
        : `request to ${to} on channel ${channel} failed: ${reason}`,
    );
    this.name = "BusRequestError";
  }
}

export interface BusOptions {
  self: NodeName;
  link: BusLink;
  /** Must grow across restarts; defaults to the wall clock in ms. */
  generation?: Generation;
  peers?: NodeName[];
  config?: Partial<BusConfig>;
  logger?: Logger;
}

interface Waiter {
  resolve(v: Uint8Array | void): void;
  reject(e: Error): void;
  channel: ChannelName;
  timeoutMs: number;
}

const encoder = new TextEncoder();
const toBytes = (p: Payload): Uint8Array => (typeof p === "string" ? encoder.encode(p) : p);

export class Bus {
  readonly core: BusCore;
  readonly self: NodeName;
  private readonly link: BusLink;
  private readonly log: Logger;
  private readonly handlers = new Map<ChannelName, BusHandler>();
  private readonly waiters = new Map<number, Waiter>();
  private nextRef = 1;
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private closed = false;

  constructor(opts: BusOptions) {
    this.self = opts.self;
    this.link = opts.link;
    this.log = opts.logger ?? defaultBusLogger();
    this.core = new BusCore({
      self: opts.self,
      generation: opts.generation ?? Date.now(),
      peers: opts.peers,
      config: { maxFrameBytes: opts.link.maxFrameBytes, ...opts.config },
      logger: this.log,
    });
    this.link.onFrame((from, bytes) => this.step({ type: "frame", from, bytes }));
  }

  /** Resolves once every destination acknowledged; rejects with BusSendError naming the nodes that did not. */
  send(channel: ChannelName, to: NodeName | null, payload: Payload): Promise<void> {
    const ref = this.nextRef++;
    return new Promise<void>((resolve, reject) => {
      this.waiters.set(ref, { resolve: () => resolve(), reject, channel, timeoutMs: 0 });
      this.step({ type: "send", ref, channel, to, payload: toBytes(payload) });
    });
  }

  /** Sends a request and resolves with the reply's payload; rejects with BusRequestError. */
  request(channel: ChannelName, to: NodeName, payload: Payload, timeoutMs: number): Promise<Uint8Array> {
    const ref = this.nextRef++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.waiters.set(ref, { resolve: (v) => resolve(v as Uint8Array), reject, channel, timeoutMs });
      this.step({ type: "request", ref, channel, to, payload: toBytes(payload), timeoutMs });
    });
  }

  /** One handler per channel (as one Heartbeat client per type); returns an unsubscribe function. */
  on(channel: ChannelName, handler: BusHandler): () => void {
    this.handlers.set(channel, handler);
    return () => {
      if (this.handlers.get(channel) === handler) this.handlers.delete(channel);
    };
  }

  /** Liveness from the transport: a node is up again (or new). */
  peerUp(node: NodeName): void {
    this.step({ type: "peerUp", node });
  }

  /** Liveness from the transport: fails what is pending to `node`, drops its partial messages. */
  peerDown(node: NodeName): void {
    this.step({ type: "peerDown", node });
  }

  stats(): BusCoreStats {
    return this.core.stats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.link.close();
  }

  private step(ev: BusEvent): void {
    if (this.closed) return;
    const effects = this.core.step(performance.now(), ev);
    for (const e of effects) this.apply(e);
    this.schedule();
  }

  private apply(e: BusEffect): void {
    switch (e.type) {
      case "frame":
        this.link.send(e.to, e.bytes);
        return;
      case "deliver":
        this.dispatch(e.message);
        return;
      case "sent": {
        const w = this.waiters.get(e.ref);
        this.waiters.delete(e.ref);
        if (!w) return;
        if (e.failed.length === 0) w.resolve();
        else w.reject(new BusSendError(w.channel, e.failed));
        return;
      }
      case "reply": {
        const w = this.waiters.get(e.ref);
        this.waiters.delete(e.ref);
        w?.resolve(e.payload);
        return;
      }
      case "requestFailed": {
        const w = this.waiters.get(e.ref);
        this.waiters.delete(e.ref);
        w?.reject(new BusRequestError(w.channel, e.to, e.reason, w.timeoutMs));
        return;
      }
    }
  }

  private dispatch(msg: BusMessage): void {
    const h = this.handlers.get(msg.channel);
    if (!h) {
      this.log.debug(
        { channel: msg.channel, from: msg.from },
        "message for a channel nobody listens to dropped",
      );
      return;
    }
    // Handlers run after the current step so one that sends or throws cannot disturb the core.
    queueMicrotask(() => {
      Promise.resolve()
        .then(() => h(msg))
        .then((result) => {
          if (msg.requestId !== undefined && result !== undefined)
            this.step({
              type: "reply",
              to: msg.from,
              channel: msg.channel,
              requestId: msg.requestId,
              payload: toBytes(result),
            });
        })
        .catch((err: unknown) =>
          this.log.error({ err, channel: msg.channel, from: msg.from }, "bus handler failed"),
        );
    });
  }

  private schedule(): void {
    if (this.closed) return;
    const at = this.core.nextDeadline();
    if (at === null || (this.timerAt !== null && this.timerAt <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = null;
        this.step({ type: "timer" });
      },
      Math.max(0, at - performance.now()),
    );
  }
}
