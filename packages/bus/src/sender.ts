/**
 * The sending half of one sender→receiver stream. Frames carry consecutive sequence numbers within
 * an epoch; the receiver acknowledges cumulatively and asks for gaps (Heartbeat's retransmit
 * requests), so the sender keeps every unacknowledged frame until it is acknowledged. A stream
 * that cannot make progress (timeout, peer down, receiver lost its state) fails every message it
 * still holds and starts a new epoch at seq 1, so the sender always learns what was not confirmed.
 */
import { DATA_HEADER_BYTES, encodeData, type AckFrame } from "./frame.js";
import type { BusConfig, FailureReason, Generation } from "./types.js";

interface OutMessage {
  id: number;
  bytes: Uint8Array;
  /** Bytes already cut into frames. */
  offset: number;
  /** Seq of the message's last frame, once it has been framed. */
  lastSeq: number;
  deadline: number;
}

interface InflightFrame {
  bytes: Uint8Array;
  sentAt: number;
}

export interface SendStreamHooks {
  emit(bytes: Uint8Array): void;
  delivered(id: number): void;
  failed(id: number, reason: FailureReason): void;
}

function tupleGreater(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

export class SendStream {
  epoch = 1;
  private nextSeq = 1;
  /** Lowest seq not yet acknowledged. */
  private base = 1;
  private readonly inflight = new Map<number, InflightFrame>();
  private inflightBytes = 0;
  /** Messages in send order; those before `framing` are wholly framed. */
  private msgs: OutMessage[] = [];
  private head = 0;
  private framing = 0;
  private probeAt: number | null = null;
  private probeBackoff: number;
  /** The (generation, receive-state instance) of the receiver's newest acknowledgement. */
  private lastRx: [number, number] | null = null;
  retransmissions = 0;

  constructor(
    private readonly cfg: BusConfig,
    private readonly srcGen: Generation,
    private readonly hooks: SendStreamHooks,
  ) {
    this.probeBackoff = cfg.probeMs;
  }

  get queued(): number {
    return this.msgs.length - this.head;
  }

  enqueue(now: number, id: number, bytes: Uint8Array): void {
    this.msgs.push({ id, bytes, offset: 0, lastSeq: 0, deadline: now + this.cfg.deliveryTimeoutMs });
    this.pump(now);
  }

  /** Cuts and sends frames while the window allows. */
  private pump(now: number): void {
    const chunkMax = this.cfg.maxFrameBytes - DATA_HEADER_BYTES;
    while (this.framing < this.msgs.length) {
      if (this.inflight.size >= this.cfg.windowFrames) return;
      if (this.inflight.size > 0 && this.inflightBytes + this.cfg.maxFrameBytes > this.cfg.windowBytes)
        return;
      const m = this.msgs[this.framing];
      const first = m.offset === 0;
      const end = Math.min(m.bytes.byteLength, m.offset + chunkMax);
      const last = end === m.bytes.byteLength;
      const seq = this.nextSeq++;
      const bytes = encodeData({
        srcGen: this.srcGen,
        epoch: this.epoch,
        seq,
        first,
        last,
        chunk: m.bytes.subarray(m.offset, end),
      });
      m.offset = end;
      // Fresh data restarts the probe clock: an idle-then-busy stream must not inherit a long back-off.
      this.armProbe(now);
      this.inflight.set(seq, { bytes, sentAt: now });
      this.inflightBytes += bytes.byteLength;
      this.hooks.emit(bytes);
      if (last) {
        m.lastSeq = seq;
        m.bytes = new Uint8Array(0); // the frames hold the bytes now
        this.framing++;
      }
    }
  }

  private armProbe(now: number): void {
    this.probeBackoff = this.cfg.probeMs;
    this.probeAt = now + this.probeBackoff;
  }

  /** Returns a failure reason when the acknowledgement shows the stream cannot continue. */
  onAck(now: number, f: AckFrame): FailureReason | null {
    if (f.streamGen !== this.srcGen || f.streamEpoch !== this.epoch) return null; // about an older stream
    const rx: [number, number] = [f.srcGen, f.rxInst];
    if (this.lastRx && tupleGreater(this.lastRx, rx)) return null; // a late ack from a discarded receive state
    if (this.lastRx && tupleGreater(rx, this.lastRx) && this.base > 1) {
      // The receiver started over (restart or it dropped us as dead) after acknowledging part of
      // this epoch: what it asks for is gone, so start a new epoch.
      this.lastRx = rx;
      return "receiver-lost-state";
    }
    this.lastRx = rx;
    if (f.cum >= this.base && f.cum < this.nextSeq) {
      for (let s = this.base; s <= f.cum; s++) {
        const fr = this.inflight.get(s);
        if (fr) {
          this.inflightBytes -= fr.bytes.byteLength;
          this.inflight.delete(s);
        }
      }
      this.base = f.cum + 1;
      while (this.head < this.framing && this.msgs[this.head].lastSeq <= f.cum) {
        const m = this.msgs[this.head++];
        this.hooks.delivered(m.id);
      }
      this.compact();
      if (this.inflight.size > 0) this.armProbe(now);
      else this.probeAt = null;
    }
    for (const r of f.missing) {
      const from = Math.max(r.first, this.base);
      const to = Math.min(r.last, this.nextSeq - 1);
      for (let s = from; s <= to; s++) {
        const fr = this.inflight.get(s);
        if (fr && now - fr.sentAt >= this.cfg.minRexmitGapMs) {
          fr.sentAt = now;
          this.retransmissions++;
          this.hooks.emit(fr.bytes);
        }
      }
    }
    this.pump(now);
    return null;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.msgs.length) {
      this.msgs = this.msgs.slice(this.head);
      this.framing -= this.head;
      this.head = 0;
    }
  }

  /** Returns a failure reason when the oldest message has passed its deadline. */
  onTimer(now: number): FailureReason | null {
    if (this.head < this.msgs.length && this.msgs[this.head].deadline <= now) return "timeout";
    if (this.probeAt !== null && now >= this.probeAt) {
      // Tail-loss probe: the newest frame either reveals a gap to the receiver or, as a
      // duplicate, makes it acknowledge again (our acknowledgements may be what was lost).
      let newest: InflightFrame | undefined;
      for (let s = this.nextSeq - 1; s >= this.base && !newest; s--) newest = this.inflight.get(s);
      if (newest) {
        newest.sentAt = now;
        this.retransmissions++;
        this.hooks.emit(newest.bytes);
      }
      this.probeBackoff = Math.min(this.probeBackoff * 2, this.cfg.maxProbeMs);
      this.probeAt = now + this.probeBackoff;
    }
    return null;
  }

  /** Fails every message held and starts a new epoch; keeps what is known about the receiver. */
  fail(reason: FailureReason): void {
    const failed = this.msgs.slice(this.head);
    this.msgs = [];
    this.head = 0;
    this.framing = 0;
    this.inflight.clear();
    this.inflightBytes = 0;
    this.probeAt = null;
    this.epoch++;
    this.nextSeq = 1;
    this.base = 1;
    for (const m of failed) this.hooks.failed(m.id, reason);
  }

  nextDeadline(): number | null {
    let t = this.probeAt;
    if (this.head < this.msgs.length) {
      const d = this.msgs[this.head].deadline;
      if (t === null || d < t) t = d;
    }
    return t;
  }
}
