/**
 * The bus frame format (big-endian). Every frame starts with a 12-byte common header:
 *   magic 0xB5 | type | flags | reserved | srcGen (u64 as two u32)
 * DATA  (type 1): epoch u32 | seq u32 | fragment bytes            (flags: FIRST=1, LAST=2)
 * ACK   (type 2): rxInst u32 | streamGen u64 | streamEpoch u32 | cum u32 | n u16 | n × (first u32, last u32)
 * A message is serialized once (see encodeMessage) and cut into DATA fragments; the first fragment
 * begins with the message header, so reassembly needs nothing but in-order fragments.
 */
import type { ChannelName, Generation } from "./types.js";

export const FRAME_MAGIC = 0xb5;
export const DATA_HEADER_BYTES = 20;
export const ACK_HEADER_BYTES = 34;
export const FLAG_FIRST = 1;
export const FLAG_LAST = 2;
/** Retransmit ranges per ACK frame: enough to describe a window with scattered loss. */
export const MAX_NACK_RANGES = 256;

export enum FrameType {
  Data = 1,
  Ack = 2,
}

export class FrameError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "FrameError";
  }
}

export interface DataFrame {
  type: FrameType.Data;
  srcGen: Generation;
  epoch: number;
  seq: number;
  first: boolean;
  last: boolean;
  chunk: Uint8Array;
}

export interface SeqRange {
  first: number;
  last: number;
}

export interface AckFrame {
  type: FrameType.Ack;
  /** The acknowledging node's generation. */
  srcGen: Generation;
  /** Which receive state (per sender) of the acknowledging node speaks; grows when it loses state. */
  rxInst: number;
  /** The data stream acknowledged: the data sender's generation and epoch. */
  streamGen: Generation;
  streamEpoch: number;
  /** Every seq ≤ cum has been received in order. */
  cum: number;
  /** Retransmit requests (Heartbeat's NS_rexmit firstseq..lastseq), possibly empty. */
  missing: SeqRange[];
}

export type Frame = DataFrame | AckFrame;

function putGen(v: DataView, at: number, gen: Generation): void {
  v.setUint32(at, Math.floor(gen / 0x100000000));
  v.setUint32(at + 4, gen >>> 0);
}

function getGen(v: DataView, at: number): Generation {
  return v.getUint32(at) * 0x100000000 + v.getUint32(at + 4);
}

function common(buf: Uint8Array, type: FrameType, flags: number, srcGen: Generation): DataView {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  buf[0] = FRAME_MAGIC;
  buf[1] = type;
  buf[2] = flags;
  buf[3] = 0;
  putGen(v, 4, srcGen);
  return v;
}

export function encodeData(f: Omit<DataFrame, "type">): Uint8Array {
  const buf = new Uint8Array(DATA_HEADER_BYTES + f.chunk.byteLength);
  const flags = (f.first ? FLAG_FIRST : 0) | (f.last ? FLAG_LAST : 0);
  const v = common(buf, FrameType.Data, flags, f.srcGen);
  v.setUint32(12, f.epoch);
  v.setUint32(16, f.seq);
  buf.set(f.chunk, DATA_HEADER_BYTES);
  return buf;
}

export function encodeAck(f: Omit<AckFrame, "type">): Uint8Array {
  const n = Math.min(f.missing.length, MAX_NACK_RANGES);
  const buf = new Uint8Array(ACK_HEADER_BYTES + n * 8);
  const v = common(buf, FrameType.Ack, 0, f.srcGen);
  v.setUint32(12, f.rxInst);
  putGen(v, 16, f.streamGen);
  v.setUint32(24, f.streamEpoch);
  v.setUint32(28, f.cum);
  v.setUint16(32, n);
  for (let i = 0; i < n; i++) {
    v.setUint32(ACK_HEADER_BYTES + i * 8, f.missing[i].first);
    v.setUint32(ACK_HEADER_BYTES + i * 8 + 4, f.missing[i].last);
  }
  return buf;
}

/** Decodes one frame; throws FrameError naming what is wrong, never reads out of bounds. */
export function decodeFrame(buf: Uint8Array): Frame {
  if (buf.byteLength < 12)
    throw new FrameError(`frame of ${buf.byteLength} bytes is shorter than the 12-byte header`);
  if (buf[0] !== FRAME_MAGIC) throw new FrameError(`bad magic 0x${buf[0].toString(16)}, expected 0xb5`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const srcGen = getGen(v, 4);
  switch (buf[1]) {
    case FrameType.Data: {
      if (buf.byteLength < DATA_HEADER_BYTES)
        throw new FrameError(`DATA frame of ${buf.byteLength} bytes is truncated`);
      const seq = v.getUint32(16);
      if (seq === 0) throw new FrameError("DATA frame with seq 0 (sequence numbers start at 1)");
      return {
        type: FrameType.Data,
        srcGen,
        epoch: v.getUint32(12),
        seq,
        first: (buf[2] & FLAG_FIRST) !== 0,
        last: (buf[2] & FLAG_LAST) !== 0,
        chunk: buf.subarray(DATA_HEADER_BYTES),
      };
    }
    case FrameType.Ack: {
      if (buf.byteLength < ACK_HEADER_BYTES)
        throw new FrameError(`ACK frame of ${buf.byteLength} bytes is truncated`);
      const n = v.getUint16(32);
      if (n > MAX_NACK_RANGES || buf.byteLength !== ACK_HEADER_BYTES + n * 8)
        throw new FrameError(`ACK frame declares ${n} ranges but has ${buf.byteLength} bytes`);
      const missing: SeqRange[] = [];
      for (let i = 0; i < n; i++) {
        const first = v.getUint32(ACK_HEADER_BYTES + i * 8);
        const last = v.getUint32(ACK_HEADER_BYTES + i * 8 + 4);
        if (first === 0 || last < first) throw new FrameError(`ACK frame range ${first}..${last} is invalid`);
        missing.push({ first, last });
      }
      return {
        type: FrameType.Ack,
        srcGen,
        rxInst: v.getUint32(12),
        streamGen: getGen(v, 16),
        streamEpoch: v.getUint32(24),
        cum: v.getUint32(28),
        missing,
      };
    }
    default:
      throw new FrameError(`unknown frame type ${buf[1]}`);
  }
}

export enum MessageKind {
  Plain = 0,
  Request = 1,
  Reply = 2,
}

export enum Encoding {
  Raw = 0,
  Zlib = 1,
}

export const MESSAGE_HEADER_BYTES = 16;

export interface MessageHeader {
  kind: MessageKind;
  encoding: Encoding;
  channel: ChannelName;
  requestId: number;
  /** Length of the (possibly compressed) body that follows the header. */
  bodyLength: number;
  /** Length of the body once decompressed; bounds the inflater. */
  rawLength: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** Serializes header + body into the byte string that gets fragmented. */
export function encodeMessage(h: Omit<MessageHeader, "bodyLength">, body: Uint8Array): Uint8Array {
  const ch = utf8.encode(h.channel);
  if (ch.byteLength > 0xffff) throw new FrameError(`channel name of ${ch.byteLength} bytes is too long`);
  const buf = new Uint8Array(MESSAGE_HEADER_BYTES + ch.byteLength + body.byteLength);
  const v = new DataView(buf.buffer);
  buf[0] = h.kind;
  buf[1] = h.encoding;
  v.setUint16(2, ch.byteLength);
  v.setUint32(4, h.requestId >>> 0);
  v.setUint32(8, body.byteLength);
  v.setUint32(12, h.rawLength);
  buf.set(ch, MESSAGE_HEADER_BYTES);
  buf.set(body, MESSAGE_HEADER_BYTES + ch.byteLength);
  return buf;
}

/** Reads the header at the start of a message; `total` is what the first fragment promises in all. */
export function decodeMessageHeader(buf: Uint8Array): { header: MessageHeader; bodyOffset: number } {
  if (buf.byteLength < MESSAGE_HEADER_BYTES)
    throw new FrameError("first fragment shorter than the message header");
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const kind = buf[0];
  const encoding = buf[1];
  if (kind > MessageKind.Reply) throw new FrameError(`unknown message kind ${kind}`);
  if (encoding > Encoding.Zlib) throw new FrameError(`unknown message encoding ${encoding}`);
  const chLen = v.getUint16(2);
  if (buf.byteLength < MESSAGE_HEADER_BYTES + chLen)
    throw new FrameError("channel name cut off in the first fragment");
  let channel: string;
  try {
    channel = utf8Decoder.decode(buf.subarray(MESSAGE_HEADER_BYTES, MESSAGE_HEADER_BYTES + chLen));
  } catch {
    throw new FrameError("channel name is not UTF-8");
  }
  return {
    header: {
      kind,
      encoding,
      channel,
      requestId: v.getUint32(4),
      bodyLength: v.getUint32(8),
      rawLength: v.getUint32(12),
    },
    bodyOffset: MESSAGE_HEADER_BYTES + chLen,
  };
}
