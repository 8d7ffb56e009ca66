import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAuthkeys } from "../config/index.js";
import { signMessage, verifyMessage } from "../auth/index.js";
import { DecodeError, decodeMessage, encodeMessage, FieldType, HbMessage } from "./index.js";

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const keys = {
  sha1: parseAuthkeys("auth 1\n1 sha1 secretkey\n", "authkeys"),
  md5: parseAuthkeys("auth 2\n2 md5 md5secret\n", "authkeys"),
  crc: parseAuthkeys("auth 2\n2 crc\n", "authkeys"),
};

describe("the Heartbeat netstring codec", () => {
  it("decodes a status heartbeat captured from the Heartbeat 3.0.6 daemon", () => {
    const p = decodeMessage(fixture("status-sha1.bin"));
    expect(p.format).toBe("netstring");
    expect(p.msg.toObject()).toMatchObject({
      t: "status",
      st: "active",
      dt: "1770",
      protocol: "1",
      src: "realnode",
      seq: "1d",
      hg: "6b0255b9",
      ttl: "3",
    });
    expect(p.msg.getBinary("srcuuid")).toHaveLength(16);
    expect(p.trailer).toEqual({ index: 1, token: "3d7b4ac5164ff9a40ec092d68428fa017884a818" });
  });

  for (const [method, file] of [
    ["sha1", "status-sha1.bin"],
    ["md5", "status-md5.bin"],
    ["crc", "status-crc.bin"],
  ] as const) {
    it(`re-signs a captured ${method} packet to the exact bytes the daemon sent`, () => {
      const raw = fixture(file);
      const p = decodeMessage(raw);
      expect(verifyMessage(p, keys[method])).toMatchObject({ ok: true });
      expect(signMessage(p.msg, keys[method]).equals(raw)).toBe(true);
    });
  }

  it("round-trips every field type", () => {
    const inner = new HbMessage({ a: "1" });
    const m = new HbMessage({ t: "cib", "with=equals": "x=y", empty: "" })
      .setBinary("bin", Buffer.from([0, 1, 2, 0x2c, 0x3a]))
      .setStruct("nested", inner)
      .setList("list", ["a", "b,c", ""]);
    const back = decodeMessage(encodeMessage(m)).msg;
    expect(back.get("with")).toBe("equals=x=y");
    expect(back.get("empty")).toBe("");
    expect(back.getBinary("bin")).toEqual(Buffer.from([0, 1, 2, 0x2c, 0x3a]));
    expect(back.getStruct("nested")?.get("a")).toBe("1");
    expect(back.field("list")).toEqual({ name: "list", type: FieldType.List, value: ["a", "b,c", ""] });
  });

  it("decodes and verifies the classic >>> <<< text format", () => {
    const m = new HbMessage({ t: "status", src: "n1", seq: "a" });
    const wire = signMessage(m, keys.md5, "classic");
    expect(wire.toString()).toMatch(/^>>>\nt=status\nsrc=n1\nseq=a\nauth=2 [0-9a-f]{32}\n<<<\n$/);
    const p = decodeMessage(wire);
    expect(p.format).toBe("classic");
    expect(verifyMessage(p, keys.md5)).toMatchObject({ ok: true });
    expect(verifyMessage(p, keys.sha1)).toMatchObject({ ok: false, reason: "unknown-auth-method" });
  });

  const bad: [string, string, string][] = [
    ["", "empty", "an empty packet"],
    ["hello", "bad-start", "a packet with no header"],
    ["###\n11:(0)t=status", "truncated", "a truncated netstring"],
    ["###\n-5:(0)t=x,%%%\n", "bad-length", "a negative length"],
    ["###\n9999999999:(0)t=x,%%%\n", "length-too-large", "an absurd length"],
    ["###\n99999:(0)t=x,%%%\n", "truncated", "a length past the end"],
    ["###\n8:(0)t=x;,%%%\n", "bad-terminator", "a missing comma"],
    ["###\n6:(9)t=x,%%%\n", "bad-type", "an unknown field type"],
    ["###\n4:(0)t,%%%\n", "bad-field", "a field with no '='"],
    ["###\n6:(0)t=x,%%%\n3:1 z,", "bad-auth-trailer", "a garbled auth netstring"],
  ];
  for (const [input, reason, what] of bad) {
    it(`rejects ${what} with DecodeError ${reason}`, () => {
      expect(() => decodeMessage(Buffer.from(input))).toThrow(DecodeError);
      try {
        decodeMessage(Buffer.from(input));
      } catch (e) {
        expect((e as DecodeError).reason).toBe(reason);
      }
    });
  }

  it("rejects nesting deeper than the limit", () => {
    let m = new HbMessage({ leaf: "1" });
    for (let i = 0; i < 20; i++) m = new HbMessage().setStruct("n", m);
    expect(() => decodeMessage(encodeMessage(m))).toThrow(/too-deep/);
  });

  it("rejects an oversized packet before parsing it", () => {
    expect(() => decodeMessage(Buffer.alloc(300 * 1024, 0x23))).toThrow(/oversized/);
  });
});

describe("auth", () => {
  it("rejects a packet signed with another key, a missing trailer and an unknown key index", () => {
    const m = new HbMessage({ t: "status", src: "n1" });
    const other = parseAuthkeys("auth 1\n1 sha1 otherkey\n", "authkeys");
    expect(verifyMessage(decodeMessage(signMessage(m, other)), keys.sha1)).toMatchObject({
      ok: false,
      reason: "bad-auth",
    });
    expect(verifyMessage(decodeMessage(encodeMessage(m)), keys.sha1)).toMatchObject({
      ok: false,
      reason: "missing-auth",
    });
    expect(verifyMessage(decodeMessage(signMessage(m, keys.md5)), keys.sha1)).toMatchObject({
      ok: false,
      reason: "unknown-auth-method",
    });
  });

  it("detects a single flipped byte in a signed packet", () => {
    const wire = signMessage(new HbMessage({ t: "status", src: "n1", st: "active" }), keys.crc);
    const i = wire.indexOf("active");
    wire[i] = 0x41;
    expect(verifyMessage(decodeMessage(wire), keys.crc)).toMatchObject({ ok: false, reason: "bad-auth" });
  });
});
