import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { DropLog, LogThrottle } from "./droplog.js";

describe("LogThrottle", () => {
  it("admits the first few events of a key per interval and counts the rest", () => {
    const t = new LogThrottle({ intervalMs: 1000, burst: 3 });
    const verdicts = Array.from({ length: 10 }, (_, i) => t.admit(i, "peer|bad"));
    expect(verdicts.map((v) => v.log)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    // Another key has its own allowance.
    expect(t.admit(10, "other|bad").log).toBe(true);
    // The next interval admits again and hands back what the last one held back, once.
    expect(t.admit(1000, "peer|bad")).toEqual({ log: true, suppressedBefore: 7 });
    expect(t.admit(1001, "peer|bad")).toEqual({ log: true, suppressedBefore: 0 });
  });

  it("reports an interval's suppressed count on flush when no further event comes", () => {
    const t = new LogThrottle({ intervalMs: 1000, burst: 1 });
    for (let i = 0; i < 5; i++) t.admit(i, "k");
    t.admit(0, "quiet");
    expect(t.flush(999)).toEqual([]);
    expect(t.flush(1004)).toEqual([{ key: "k", suppressed: 4 }]);
    expect(t.flush(5000)).toEqual([]);
    expect(t.admit(5001, "k")).toEqual({ log: true, suppressedBefore: 0 });
  });

  it("keeps its table bounded under many keys", () => {
    const t = new LogThrottle({ maxKeys: 10 });
    for (let i = 0; i < 1000; i++) expect(t.admit(0, `k${i}`).log).toBe(true);
    expect(t.flush(1e9).length).toBe(0);
  });
});

describe("DropLog", () => {
  it("logs one line per reason and sender per interval, then says how many it held back", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        lines.push((JSON.parse(c.toString()) as { msg: string }).msg);
        cb();
      },
    });
    const d = new DropLog(pino(sink), 1000);
    for (let i = 0; i < 100; i++) d.drop(i, "bad-auth", "10.0.0.1:694", "signature mismatch");
    d.drop(1500, "bad-auth", "10.0.0.1:694", "signature mismatch");
    expect(lines).toEqual([
      "dropped packet from 10.0.0.1:694: bad-auth: signature mismatch",
      "dropped packet from 10.0.0.1:694: bad-auth: signature mismatch (99 more suppressed)",
    ]);
  });
});
