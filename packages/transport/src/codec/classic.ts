import { DecodeError, type DecodeLimits } from "./errors.js";
import { FieldType, HbMessage, type HbField } from "./message.js";

export const CLASSIC_START = ">>>\n";
export const CLASSIC_END = "<<<\n";

/**
 * One line per field as msg2string_buf writes it: `name=value` for strings, `(T)name=base64`
 * for the other types. This is also the text the inner `auth` field is computed over.
 */
export function classicLines(msg: HbMessage): string {
  let out = "";
  for (const f of msg.fields) out += classicLine(f) + "\n";
  return out;
}

function classicLine(f: HbField): string {
  switch (f.type) {
    case FieldType.String:
      return `${f.name}=${f.value}`;
    case FieldType.Binary:
    case FieldType.Compressed:
    case FieldType.Uncompressed:
      return `(${f.type})${f.name}=${f.value.toString("base64")}`;
    case FieldType.List:
      return `(${f.type})${f.name}=${Buffer.from(f.value.map((v) => `${Buffer.byteLength(v)}:${v},`).join("")).toString("base64")}`;
    case FieldType.Struct:
      return `(${f.type})${f.name}=${Buffer.from(CLASSIC_START + classicLines(f.value) + CLASSIC_END).toString("base64")}`;
  }
}

export function encodeClassic(msg: HbMessage): Buffer {
  return Buffer.from(CLASSIC_START + classicLines(msg) + CLASSIC_END);
}

/** Decode `>>>\n name=value lines <<<\n`. Non-string types arrive base64-encoded. */
export function decodeClassic(buf: Buffer, limits: DecodeLimits): HbMessage {
  const text = buf.toString("utf8");
  if (!text.startsWith(CLASSIC_START)) throw new DecodeError("bad-start", 0, "expected '>>>\\n'");
  const endAt = text.indexOf(CLASSIC_END, CLASSIC_START.length - 1);
  if (endAt < 0) throw new DecodeError("truncated", text.length, "message ends before '<<<\\n'");
  const msg = new HbMessage();
  const body = text.slice(CLASSIC_START.length, endAt);
  let offset = CLASSIC_START.length;
  for (const line of body.split("\n")) {
    const lineAt = offset;
    offset += line.length + 1;
    if (line === "") continue;
    if (msg.fields.length >= limits.maxFields)
      throw new DecodeError("too-many-fields", lineAt, `more than ${limits.maxFields} fields`);
    const eq = line.indexOf("=");
    if (eq <= 0) throw new DecodeError("bad-field", lineAt, "expected 'name=value'");
    let name = line.slice(0, eq);
    const value = line.slice(eq + 1);
    const typed = /^\(([0-5])\)(.+)$/.exec(name);
    if (!typed) {
      msg.fields.push({ name, type: FieldType.String, value });
      continue;
    }
    name = typed[2];
    const t = Number(typed[1]) as FieldType;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value))
      throw new DecodeError("bad-base64", lineAt, `field ${name} is not base64`);
    const raw = Buffer.from(value, "base64");
    if (t === FieldType.Struct || t === FieldType.List) {
      // Nested values would need a recursive parse with a depth budget; keep them opaque.
      msg.fields.push({ name, type: FieldType.Binary, value: raw });
    } else if (t === FieldType.String) {
      msg.fields.push({ name, type: FieldType.String, value: raw.toString("utf8") });
    } else {
      msg.fields.push({ name, type: t as FieldType.Binary, value: raw });
    }
  }
  return msg;
}
