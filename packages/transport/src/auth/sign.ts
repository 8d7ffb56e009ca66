import { createHmac, timingSafeEqual } from "node:crypto";
import type { AuthKey, Authkeys } from "../config/index.js";
import { classicLines } from "../codec/classic.js";
import { F, HbMessage } from "../codec/message.js";
import { encodeMessage, type DecodedPacket, type WireFormat } from "../codec/wire.js";
import { heartbeatCrc } from "./crc.js";

/** The token for `data` under one authkeys entry, as Heartbeat prints it (lower-case hex). */
export function authToken(key: Pick<AuthKey, "method" | "key">, data: Buffer | string): string {
  switch (key.method) {
    case "crc":
      return heartbeatCrc(typeof data === "string" ? Buffer.from(data) : data).toString(16);
    case "md5":
      return createHmac("md5", key.key).update(data).digest("hex");
    case "sha1":
      return createHmac("sha1", key.key).update(data).digest("hex");
  }
}

/**
 * Sign and encode a message as the Heartbeat daemon does: an inner `auth=N token` field computed
 * over the message's classic text (without `auth`), then, in netstring format, an auth netstring
 * over everything from `###\n` through `%%%\n`.
 */
export function signMessage(msg: HbMessage, authkeys: Authkeys, format: WireFormat = "netstring"): Buffer {
  const index = authkeys.activeIndex;
  const key = authkeys.keys.get(index);
  if (!key) throw new Error(`authkeys ${authkeys.file}: no key with index ${index}`);
  const signedMsg = new HbMessage();
  signedMsg.fields.push(...msg.without(F.auth).fields);
  signedMsg.set(F.auth, `${index} ${authToken(key, classicLines(signedMsg.without(F.auth)))}`);
  const body = encodeMessage(signedMsg, format);
  if (format === "classic") return body;
  const trailer = `${index} ${authToken(key, body)}`;
  return Buffer.concat([body, Buffer.from(`${trailer.length}:${trailer},`)]);
}

export type AuthFailure = "missing-auth" | "unknown-auth-method" | "bad-auth";
export type VerifyResult = { ok: true; index: number } | { ok: false; reason: AuthFailure; detail: string };

/** Check a decoded packet against every key in authkeys (any configured index is accepted inbound). */
export function verifyMessage(packet: DecodedPacket, authkeys: Authkeys): VerifyResult {
  let index: number;
  let token: string;
  let data: Buffer | string;
  if (packet.format === "netstring") {
    if (!packet.trailer)
      return { ok: false, reason: "missing-auth", detail: "no auth netstring after '%%%'" };
    ({ index, token } = packet.trailer);
    data = packet.signed;
  } else {
    const m = /^(\d{1,2}) ([0-9a-fA-F]+)$/.exec(packet.msg.get(F.auth) ?? "");
    if (!m) return { ok: false, reason: "missing-auth", detail: "no valid auth field" };
    index = Number(m[1]);
    token = m[2].toLowerCase();
    data = classicLines(packet.msg.without(F.auth));
  }
  const key = authkeys.keys.get(index);
  if (!key)
    return {
      ok: false,
      reason: "unknown-auth-method",
      detail: `key index ${index} is not in ${authkeys.file}`,
    };
  const expected = authToken(key, data);
  const a = Buffer.from(expected);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { ok: false, reason: "bad-auth", detail: `${key.method} token does not match key ${index}` };
  }
  return { ok: true, index };
}
