import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { BusCore } from "./core.js";
import { decodeFrame, encodeAck, FrameError, FrameType } from "./frame.js";
import { seededRandom } from "./prng.js";
import type { BusConfig, BusEffect } from "./types.js";

const silent = pino({ level: "silent" });
const cfg: Partial<BusConfig> = { maxFrameBytes: 200, compressThresholdBytes: 1 << 30 };
const core = (self: string, generation = 1, config = cfg) =>
  new BusCore({ self, generation, peers: ["a", "b"], config, logger: silent });
const frames = (effects: BusEffect[]) => effects.filter((e) => e.type === "frame").map((e) => e.bytes);
const delivered = (effects: BusEffect[]) =>
  effects.flatMap((e) => (e.type === "deliver" ? [new TextDecoder().decode(e.message.payload)] : []));
const bytes = (s: string) => new TextEncoder().encode(s);

describe("BusCore", () => {
  it("fragments a message larger than a frame and reassembles it whole", () => {
    const a = core("a");
    const b = core("b");
    const text = "x".repeat(1000) + "end";
    const out = frames(a.step(0, { type: "send", ref: 1, channel: "cib", to: "b", payload: bytes(text) }));
    expect(out.length).toBeGreaterThan(5);
    expect(out.every((f) => f.byteLength <= 200)).toBe(true);
    const got = out.flatMap((f) => delivered(b.step(1, { type: "frame", from: "a", bytes: f })));
    expect(got).toEqual([text]);
  });

  it("discards a partial message when its sender is declared dead", () => {
    const a = core("a");
    const b = core("b");
    const out = frames(
      a.step(0, { type: "send", ref: 1, channel: "cib", to: "b", payload: bytes("y".repeat(1000)) }),
    );
    for (const f of out.slice(0, 3)) b.step(1, { type: "frame", from: "a", bytes: f });
    b.step(2, { type: "peerDown", node: "a" });
    const late = out.slice(3).flatMap((f) => delivered(b.step(3, { type: "frame", from: "a", bytes: f })));
    expect(late).toEqual([]);
  });

  it("reports every pending message as failed when the peer goes down", () => {
    const a = core("a");
    a.step(0, { type: "send", ref: 1, channel: "cib", to: "b", payload: bytes("one") });
    a.step(0, { type: "send", ref: 2, channel: "cib", to: "b", payload: bytes("two") });
    const eff = a.step(5, { type: "peerDown", node: "b" });
    expect(eff).toEqual([
      { type: "sent", ref: 1, failed: [{ node: "b", reason: "peer-down" }] },
      { type: "sent", ref: 2, failed: [{ node: "b", reason: "peer-down" }] },
    ]);
    expect(a.step(6, { type: "send", ref: 3, channel: "cib", to: "b", payload: bytes("three") })).toEqual([
      { type: "sent", ref: 3, failed: [{ node: "b", reason: "peer-down" }] },
    ]);
  });

  it("treats a restarted sender's new generation as a fresh stream and ignores its old one", () => {
    const b = core("b");
    const old = core("a", 1);
    for (let i = 0; i < 5; i++)
      for (const f of frames(
        old.step(i, { type: "send", ref: i, channel: "c", to: "b", payload: bytes(`old${i}`) }),
      ))
        b.step(i, { type: "frame", from: "a", bytes: f });
    const reborn = core("a", 2);
    const f1 = frames(
      reborn.step(10, { type: "send", ref: 1, channel: "c", to: "b", payload: bytes("new0") }),
    );
    expect(delivered(b.step(11, { type: "frame", from: "a", bytes: f1[0] }))).toEqual(["new0"]); // seq 1 again, accepted
    const stale = frames(
      old.step(12, { type: "send", ref: 9, channel: "c", to: "b", payload: bytes("ghost") }),
    );
    expect(delivered(b.step(13, { type: "frame", from: "a", bytes: stale[0] }))).toEqual([]);
  });

  it("fails a message that is never acknowledged within the delivery timeout", () => {
    const a = core("a", 1, { ...cfg, deliveryTimeoutMs: 1000 });
    a.step(0, { type: "send", ref: 7, channel: "c", to: "b", payload: bytes("void") });
    let t = 0;
    const results: BusEffect[] = [];
    while (t < 2000) {
      t = a.nextDeadline()!;
      results.push(...a.step(t, { type: "timer" }).filter((e) => e.type === "sent"));
      if (results.length) break;
    }
    expect(results).toEqual([{ type: "sent", ref: 7, failed: [{ node: "b", reason: "timeout" }] }]);
    expect(t).toBe(1000);
  });

  it("drops a reply that arrives after its request timed out", () => {
    const a = core("a");
    const b = core("b");
    const req = frames(
      a.step(0, { type: "request", ref: 1, channel: "crmd", to: "b", payload: bytes("q"), timeoutMs: 100 }),
    );
    const d = b.step(1, { type: "frame", from: "a", bytes: req[0] }).find((e) => e.type === "deliver");
    expect(d?.type === "deliver" && d.message.requestId).toBe(1);
    expect(a.step(100, { type: "timer" })).toContainEqual({
      type: "requestFailed",
      ref: 1,
      to: "b",
      reason: "request-timeout",
    });
    const rep = frames(
      b.step(150, { type: "reply", to: "a", channel: "crmd", requestId: 1, payload: bytes("r") }),
    );
    const after = rep.flatMap((f) => a.step(151, { type: "frame", from: "b", bytes: f }));
    expect(after.filter((e) => e.type === "reply" || e.type === "requestFailed")).toEqual([]);
  });

  it("refuses a message larger than maxMessageBytes at once", () => {
    const a = core("a", 1, { ...cfg, maxMessageBytes: 100 });
    expect(a.step(0, { type: "send", ref: 1, channel: "c", to: "b", payload: new Uint8Array(500) })).toEqual([
      { type: "sent", ref: 1, failed: [{ node: "b", reason: "too-large" }] },
    ]);
  });

  it("restarts the stream when the receiver comes back without the state it acknowledged", () => {
    const a = core("a");
    let b = core("b", 1);
    const f1 = frames(a.step(0, { type: "send", ref: 1, channel: "c", to: "b", payload: bytes("m1") }));
    const ack1 = frames(b.step(1, { type: "frame", from: "a", bytes: f1[0] }));
    const acked = frames(b.step(10, { type: "timer" }));
    for (const f of [...ack1, ...acked]) a.step(11, { type: "frame", from: "b", bytes: f });
    b = core("b", 2); // restarted: it knows nothing of a's stream
    const f2 = frames(a.step(20, { type: "send", ref: 2, channel: "c", to: "b", payload: bytes("m2") }));
    b.step(21, { type: "frame", from: "a", bytes: f2[0] }); // seq 2 into an empty receiver: buffered, gap 1
    const nack = frames(b.step(40, { type: "timer" }));
    expect(nack.length).toBe(1);
    const eff = a.step(41, { type: "frame", from: "b", bytes: nack[0] });
    expect(eff).toContainEqual({
      type: "sent",
      ref: 2,
      failed: [{ node: "b", reason: "receiver-lost-state" }],
    });
    const f3 = frames(a.step(50, { type: "send", ref: 3, channel: "c", to: "b", payload: bytes("m3") }));
    expect(delivered(b.step(51, { type: "frame", from: "a", bytes: f3[0] }))).toEqual(["m3"]); // new epoch, seq 1
  });

  it("drops 100,000 truncated, mutated and random frames without throwing", () => {
    const a = core("a");
    const b = core("b");
    const rnd = seededRandom(99);
    const good = [
      ...frames(
        a.step(0, { type: "send", ref: 1, channel: "cib", to: "b", payload: bytes("z".repeat(900)) }),
      ),
      encodeAck({
        srcGen: 1,
        rxInst: 1,
        streamGen: 1,
        streamEpoch: 1,
        cum: 0,
        missing: [{ first: 1, last: 3 }],
      }),
    ];
    let threw = 0;
    for (let i = 0; i < 50_000; i++) {
      const base = good[i % good.length];
      const f =
        rnd() < 0.1
          ? new Uint8Array(Math.floor(rnd() * 64)).map(() => rnd() * 256)
          : base.slice(0, Math.max(1, Math.floor(rnd() * (base.length + 1))));
      for (let k = 0; k < 3 && f.length > 0; k++) f[Math.floor(rnd() * f.length)] = rnd() * 256;
      for (const [c, from] of [
        [b, "a"],
        [a, "b"],
      ] as const) {
        try {
          c.step(i, { type: "frame", from, bytes: f });
        } catch {
          threw++;
        }
      }
    }
    expect(threw).toBe(0);
    expect(() => decodeFrame(new Uint8Array([0xb5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toThrow(FrameError);
    expect(decodeFrame(good[0]).type).toBe(FrameType.Data);
  });
});
