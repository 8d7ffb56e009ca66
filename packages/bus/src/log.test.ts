import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BusCore } from "./core.js";
import { seededRandom } from "./prng.js";

function capture() {
  const lines: { msg: string; peer?: string; suppressed?: number }[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      lines.push(JSON.parse(c.toString()) as { msg: string });
      cb();
    },
  });
  return { logger: pino(sink), lines };
}

describe("bus warnings about a peer's bad frames", () => {
  it("log a few lines per peer and a count, not one line per junk frame", () => {
    const { logger, lines } = capture();
    const core = new BusCore({ self: "a", generation: 1, peers: ["b", "c"], logger });
    const rnd = seededRandom(11);
    const junk = () =>
      Uint8Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
    // 3,000 junk frames from b within one second, as a peer holding the key could send them.
    for (let i = 0; i < 3000; i++) core.step(i / 3, { type: "frame", from: "b", bytes: junk() });
    core.step(500, { type: "frame", from: "c", bytes: junk() });
    const during = lines.length;
    console.log(`3000 junk bus frames: ${during} log lines while the burst lasted`);
    expect(during).toBeLessThanOrEqual(3 * 2 + 1); // at most 3 per (peer, kind); c has its own
    expect(lines.filter((l) => l.peer === "c")).toHaveLength(1);
    // Once the interval is over, the next step reports what was held back, in one line per kind.
    core.step(20_000, { type: "timer" });
    const summaries = lines.slice(during);
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries.every((l) => / more from b suppressed within 10s$/.test(l.msg))).toBe(true);
    const shown = lines.slice(0, during).filter((l) => l.peer === "b").length;
    const held = summaries.reduce((n, l) => n + (l.suppressed ?? 0), 0);
    // Every junk frame that was not decodable is accounted for: shown or counted.
    expect(shown + held).toBeGreaterThan(2900);
    expect(shown + held).toBeLessThanOrEqual(3000);
  });
});
