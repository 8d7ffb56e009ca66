/**
 * The receiving half of one sender→receiver stream (one epoch of one sender generation). Frames
 * are delivered strictly in seq order; out-of-order frames wait in a bounded buffer. Gaps are
 * reported after a short random delay and repeated every maxRexmitDelayMs until filled, as
 * Heartbeat's retransmit requests are; in-order progress is acknowledged cumulatively.
 * Fragments are joined into whole messages here; a partial message dies with this object.
 */
import { inflateSync } from "node:zlib";
import {
  decodeMessageHeader,
  Encoding,
  FrameError,
  MAX_NACK_RANGES,
  type DataFrame,
  type MessageHeader,
  type SeqRange,
} from "./frame.js";
import type { BusConfig, Generation } from "./types.js";

export interface ReceivedMessage {
  header: MessageHeader;
  body: Uint8Array;
}

export interface RecvStreamHooks {
  ack(a: {
    rxInst: number;
    streamGen: Generation;
    streamEpoch: number;
    cum: number;
    missing: SeqRange[];
  }): void;
  message(m: ReceivedMessage): void;
  /** A malformed or oversized message was skipped (its frames are consumed so the stream goes on). */
  rejected(reason: string): void;
}

interface Partial {
  header: MessageHeader;
  chunks: Uint8Array[];
  got: number;
  /** Set when the message is being skipped (too large or malformed). */
  skip: boolean;
}

export class RecvStream {
  private expected = 1;
  private readonly buffer = new Map<number, DataFrame>();
  private bufferedBytes = 0;
  private highest = 0;
  private partial: Partial | null = null;
  private skipping = false;
  private ackOwed = 0;
  private ackAt: number | null = null;
  private nackAt: number | null = null;
  private lastAckAt = -Infinity;
  duplicates = 0;

  constructor(
    readonly gen: Generation,
    readonly epoch: number,
    readonly rxInst: number,
    private readonly cfg: BusConfig,
    private readonly random: () => number,
    private readonly hooks: RecvStreamHooks,
  ) {}

  onData(now: number, f: DataFrame): void {
    if (f.seq < this.expected || this.buffer.has(f.seq)) {
      this.duplicates++;
      // A duplicate means the sender has not seen our acknowledgement: repeat it soon.
      if (now - this.lastAckAt >= this.cfg.ackDelayMs) this.sendAck(now);
      else this.ackAt ??= this.lastAckAt + this.cfg.ackDelayMs;
      return;
    }
    if (f.seq >= this.expected + this.cfg.windowFrames) return; // beyond the window: the sender resends it later
    if (f.seq > this.expected) {
      if (this.bufferedBytes + f.chunk.byteLength > this.cfg.maxBufferedBytes) return;
      this.buffer.set(f.seq, f);
      this.bufferedBytes += f.chunk.byteLength;
      if (f.seq > this.highest) this.highest = f.seq;
      const at =
        now + this.cfg.nackMinDelayMs + this.random() * (this.cfg.nackMaxDelayMs - this.cfg.nackMinDelayMs);
      if (this.nackAt === null || at < this.nackAt) this.nackAt = at;
      return;
    }
    this.consume(f);
    this.expected++;
    this.ackOwed++;
    for (let next = this.buffer.get(this.expected); next; next = this.buffer.get(this.expected)) {
      this.buffer.delete(this.expected);
      this.bufferedBytes -= next.chunk.byteLength;
      this.consume(next);
      this.expected++;
      this.ackOwed++;
    }
    if (this.ackOwed >= this.cfg.ackEveryFrames) this.sendAck(now);
    else this.ackAt ??= now + this.cfg.ackDelayMs;
  }

  private consume(f: DataFrame): void {
    if (f.first) {
      if (this.partial && !this.partial.skip) this.hooks.rejected("message without its last fragment");
      this.partial = null;
      this.skipping = false;
      try {
        const { header, bodyOffset } = decodeMessageHeader(f.chunk);
        if (header.bodyLength > this.cfg.maxMessageBytes || header.rawLength > this.cfg.maxMessageBytes) {
          this.hooks.rejected(
            `message of ${header.rawLength} bytes exceeds maxMessageBytes ${this.cfg.maxMessageBytes}`,
          );
          this.skipping = true;
        } else {
          this.partial = { header, chunks: [], got: 0, skip: false };
          this.addChunk(f.chunk.subarray(bodyOffset));
        }
      } catch (e) {
        this.hooks.rejected((e as Error).message);
        this.skipping = true;
      }
    } else if (this.partial) {
      this.addChunk(f.chunk);
    } else if (!this.skipping) {
      this.hooks.rejected("fragment without the start of its message");
      this.skipping = true;
    }
    if (f.last) {
      const p = this.partial;
      this.partial = null;
      this.skipping = false;
      if (p && !p.skip) this.finish(p);
    }
  }

  private addChunk(c: Uint8Array): void {
    const p = this.partial!;
    if (p.skip) return;
    if (p.got + c.byteLength > p.header.bodyLength) {
      this.hooks.rejected(`message body longer than the ${p.header.bodyLength} bytes its header declares`);
      p.skip = true;
      return;
    }
    // Copy: the chunk is a view into a datagram buffer we must not keep alive piecemeal.
    p.chunks.push(c.slice());
    p.got += c.byteLength;
  }

  private finish(p: Partial): void {
    if (p.got !== p.header.bodyLength) {
      this.hooks.rejected(`message body has ${p.got} bytes, its header declares ${p.header.bodyLength}`);
      return;
    }
    let body = p.chunks.length === 1 ? p.chunks[0] : Buffer.concat(p.chunks);
    if (p.header.encoding === Encoding.Zlib) {
      try {
        body = inflateSync(body, { maxOutputLength: Math.max(1, p.header.rawLength) });
      } catch (e) {
        this.hooks.rejected(`compressed body does not inflate: ${(e as Error).message}`);
        return;
      }
    }
    if (body.byteLength !== p.header.rawLength) {
      this.hooks.rejected(
        new FrameError(`body has ${body.byteLength} bytes, header says ${p.header.rawLength}`).message,
      );
      return;
    }
    this.hooks.message({ header: p.header, body });
  }

  private missingRanges(): SeqRange[] {
    const out: SeqRange[] = [];
    let start = 0;
    for (let s = this.expected; s <= this.highest && out.length < MAX_NACK_RANGES; s++) {
      if (!this.buffer.has(s)) {
        if (start === 0) start = s;
      } else if (start !== 0) {
        out.push({ first: start, last: s - 1 });
        start = 0;
      }
    }
    if (start !== 0 && out.length < MAX_NACK_RANGES) out.push({ first: start, last: this.highest });
    return out;
  }

  private sendAck(now: number): void {
    const missing = this.missingRanges();
    this.hooks.ack({
      rxInst: this.rxInst,
      streamGen: this.gen,
      streamEpoch: this.epoch,
      cum: this.expected - 1,
      missing,
    });
    this.lastAckAt = now;
    this.ackOwed = 0;
    this.ackAt = null;
    this.nackAt = missing.length > 0 ? now + this.cfg.maxRexmitDelayMs : null;
  }

  onTimer(now: number): void {
    if ((this.ackAt !== null && now >= this.ackAt) || (this.nackAt !== null && now >= this.nackAt))
      this.sendAck(now);
  }

  nextDeadline(): number | null {
    if (this.ackAt === null) return this.nackAt;
    if (this.nackAt === null) return this.ackAt;
    return Math.min(this.ackAt, this.nackAt);
  }

  /** True while part of a message has arrived but not its end. */
  get hasPartial(): boolean {
    return this.partial !== null;
  }
}
