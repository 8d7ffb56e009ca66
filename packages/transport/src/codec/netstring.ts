import { DecodeError, type DecodeLimits } from "./errors.js";
import { FieldType, HbMessage, type HbField } from "./message.js";

export const NS_START = "###\n";
export const NS_END = "%%%\n";
const START = Buffer.from(NS_START);
const END = Buffer.from(NS_END);
const COLON = 0x3a;
const COMMA = 0x2c;
/** Lengths above 9 digits cannot fit any packet we accept; refusing early avoids huge numbers. */
const MAX_LEN_DIGITS = 9;

/** `LEN:payload,` for one payload. */
export function netstring(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(",")]);
}

/** Encode a message body in Heartbeat's netstring format (no auth trailer). */
export function encodeNetstringBody(msg: HbMessage): Buffer {
  const parts: Buffer[] = [START];
  for (const f of msg.fields) parts.push(netstring(encodeField(f)));
  parts.push(END);
  return Buffer.concat(parts);
}

function encodeField(f: HbField): Buffer {
  const head = Buffer.from(`(${f.type})${f.name}=`);
  switch (f.type) {
    case FieldType.String:
      return Buffer.concat([head, Buffer.from(f.value)]);
    case FieldType.Struct:
      return Buffer.concat([head, encodeNetstringBody(f.value)]);
    case FieldType.List:
      return Buffer.concat([head, ...f.value.map((v) => netstring(Buffer.from(v)))]);
    default:
      return Buffer.concat([head, f.value]);
  }
}

/** Read `LEN:` at `pos`; returns the payload bounds. Every failure is a DecodeError. */
export function readNetstring(buf: Buffer, pos: number, limit: number): { start: number; end: number } {
  let i = pos;
  let len = 0;
  while (i < limit && buf[i] >= 0x30 && buf[i] <= 0x39) {
    if (i - pos >= MAX_LEN_DIGITS)
      throw new DecodeError("length-too-large", pos, "length has more than 9 digits");
    len = len * 10 + (buf[i] - 0x30);
    i++;
  }
  if (i === pos) {
    throw new DecodeError(
      "bad-length",
      pos,
      `expected a decimal length, found ${describeByte(buf, i, limit)}`,
    );
  }
  if (i >= limit) throw new DecodeError("truncated", i, "packet ends inside a netstring length");
  if (buf[i] !== COLON)
    throw new DecodeError("bad-length", i, `expected ':' after length, found ${describeByte(buf, i, limit)}`);
  const start = i + 1;
  const end = start + len;
  if (end >= limit) {
    throw new DecodeError("truncated", pos, `netstring of ${len} bytes runs past the end of the packet`);
  }
  if (buf[end] !== COMMA)
    throw new DecodeError(
      "bad-terminator",
      end,
      `expected ',' after ${len} bytes, found ${describeByte(buf, end, limit)}`,
    );
  return { start, end };
}

function describeByte(buf: Buffer, i: number, limit: number): string {
  if (i >= limit) return "end of packet";
  const b = buf[i];
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16)}`;
}

/** Decode a netstring-format message starting at `pos` (at `###\n`); returns it and where it ended. */
export function decodeNetstringBody(
  buf: Buffer,
  pos: number,
  limit: number,
  limits: DecodeLimits,
  depth: number,
): { msg: HbMessage; end: number } {
  if (depth > limits.maxDepth)
    throw new DecodeError("too-deep", pos, `nesting deeper than ${limits.maxDepth}`);
  if (limit - pos < START.length || !buf.subarray(pos, pos + START.length).equals(START)) {
    throw new DecodeError("bad-start", pos, "expected '###\\n' at the start of a message");
  }
  const msg = new HbMessage();
  let i = pos + START.length;
  for (;;) {
    if (i + END.length <= limit && buf.subarray(i, i + END.length).equals(END)) {
      return { msg, end: i + END.length };
    }
    if (i >= limit) throw new DecodeError("truncated", i, "message ends before '%%%\\n'");
    if (msg.fields.length >= limits.maxFields) {
      throw new DecodeError("too-many-fields", i, `more than ${limits.maxFields} fields`);
    }
    const { start, end } = readNetstring(buf, i, limit);
    msg.fields.push(decodeField(buf, start, end, limits, depth));
    i = end + 1;
  }
}

function decodeField(buf: Buffer, start: number, end: number, limits: DecodeLimits, depth: number): HbField {
  // "(T)name=value": T is one decimal digit.
  if (end - start < 4 || buf[start] !== 0x28 || buf[start + 2] !== 0x29) {
    throw new DecodeError("bad-field", start, "expected '(TYPE)name=value'");
  }
  const t = buf[start + 1] - 0x30;
  if (t < 0 || t > 5)
    throw new DecodeError("bad-type", start + 1, `unknown field type ${String.fromCharCode(buf[start + 1])}`);
  const eq = buf.indexOf(0x3d, start + 3);
  if (eq < 0 || eq >= end || eq === start + 3)
    throw new DecodeError("bad-field", start, "expected 'name=' in field");
  const name = buf.toString("latin1", start + 3, eq);
  const v0 = eq + 1;
  switch (t as FieldType) {
    case FieldType.String:
      return { name, type: FieldType.String, value: buf.toString("utf8", v0, end) };
    case FieldType.Struct: {
      const inner = decodeNetstringBody(buf, v0, end, limits, depth + 1);
      if (inner.end !== end)
        throw new DecodeError("trailing-garbage", inner.end, "bytes after a nested message");
      return { name, type: FieldType.Struct, value: inner.msg };
    }
    case FieldType.List: {
      const items: string[] = [];
      let i = v0;
      while (i < end) {
        if (items.length >= limits.maxFields) throw new DecodeError("too-many-fields", i, "list too long");
        const ns = readNetstring(buf, i, end + 1);
        if (ns.end >= end + 1) throw new DecodeError("truncated", i, "list item runs past its field");
        items.push(buf.toString("utf8", ns.start, ns.end));
        i = ns.end + 1;
      }
      return { name, type: FieldType.List, value: items };
    }
    case FieldType.Binary:
      return { name, type: FieldType.Binary, value: Buffer.from(buf.subarray(v0, end)) };
    default:
      return { name, type: t as FieldType.Compressed, value: Buffer.from(buf.subarray(v0, end)) };
  }
}
