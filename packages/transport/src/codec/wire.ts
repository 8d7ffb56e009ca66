import { decodeClassic, encodeClassic, CLASSIC_START } from "./classic.js";
import { DEFAULT_LIMITS, DecodeError, type DecodeLimits } from "./errors.js";
import type { HbMessage } from "./message.js";
import { decodeNetstringBody, encodeNetstringBody, NS_START, readNetstring } from "./netstring.js";

export type WireFormat = "netstring" | "classic";

/** The auth netstring after `%%%\n`: `LEN:N token,`. */
export interface AuthTrailer {
  index: number;
  token: string;
}

export interface DecodedPacket {
  format: WireFormat;
  msg: HbMessage;
  /** The bytes the trailer authenticates: from `###\n` through `%%%\n` (netstring only). */
  signed: Buffer;
  trailer?: AuthTrailer;
}

/** Encode without any auth; see signMessage for what goes on the wire. */
export function encodeMessage(msg: HbMessage, format: WireFormat = "netstring"): Buffer {
  return format === "netstring" ? encodeNetstringBody(msg) : encodeClassic(msg);
}

/**
 * Decode one datagram in either format. Throws only DecodeError; anything unexpected inside is
 * converted so a hostile packet can never escape as another exception.
 */
export function decodeMessage(buf: Buffer, limits: DecodeLimits = DEFAULT_LIMITS): DecodedPacket {
  try {
    return decodeUnchecked(buf, limits);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError("bad-field", 0, `malformed packet (${(e as Error).message})`);
  }
}

function decodeUnchecked(buf: Buffer, limits: DecodeLimits): DecodedPacket {
  if (buf.length === 0) throw new DecodeError("empty", 0, "empty packet");
  if (buf.length > limits.maxBytes) {
    throw new DecodeError("oversized", 0, `packet of ${buf.length} bytes exceeds ${limits.maxBytes}`);
  }
  if (startsWith(buf, CLASSIC_START)) {
    return { format: "classic", msg: decodeClassic(buf, limits), signed: buf };
  }
  if (!startsWith(buf, NS_START)) {
    throw new DecodeError("bad-start", 0, "expected '###\\n' (netstring) or '>>>\\n' (classic)");
  }
  const { msg, end } = decodeNetstringBody(buf, 0, buf.length, limits, 0);
  const signed = buf.subarray(0, end);
  if (end === buf.length) return { format: "netstring", msg, signed };
  const ns = readNetstring(buf, end, buf.length);
  if (ns.end + 1 !== buf.length) {
    throw new DecodeError("trailing-garbage", ns.end + 1, "bytes after the auth netstring");
  }
  const m = /^(\d{1,2}) ([0-9a-fA-F]{1,128})$/.exec(buf.toString("latin1", ns.start, ns.end));
  if (!m) throw new DecodeError("bad-auth-trailer", ns.start, "expected 'N token' in the auth netstring");
  return { format: "netstring", msg, signed, trailer: { index: Number(m[1]), token: m[2].toLowerCase() } };
}

function startsWith(buf: Buffer, s: string): boolean {
  return buf.length >= s.length && buf.toString("latin1", 0, s.length) === s;
}
