import { describe, expect, it } from "vitest";
import { simulate, type SimOptions } from "./simulator.js";

function runSeeds(label: string, count: number, base: Omit<SimOptions, "seed">) {
  const failures: string[] = [];
  let delivered = 0;
  let failedReports = 0;
  for (let seed = 1; seed <= count; seed++) {
    const r = simulate({ ...base, seed });
    delivered += r.stats.delivered;
    failedReports += r.stats.failedReports;
    if (r.violations.length > 0)
      failures.push(
        `${label} seed ${seed} (re-run: simulate({...opts, seed: ${seed}})): ${r.violations.slice(0, 3).join("; ")}`,
      );
  }
  return { failures, delivered, failedReports };
}

describe("bus simulator", () => {
  it("is deterministic: the same seed gives the same trace", () => {
    const a = simulate({ seed: 42, workloadMs: 2000, crashRatePerSec: 0.5, isolateRatePerSec: 0.5 });
    const b = simulate({ seed: 42, workloadMs: 2000, crashRatePerSec: 0.5, isolateRatePerSec: 0.5 });
    expect(a.stats).toEqual(b.stats);
    expect(a.trace.deliveries.map((d) => d.key)).toEqual(b.trace.deliveries.map((d) => d.key));
  });

  it("delivers everything in order and exactly once over a lossy, reordering, duplicating network", () => {
    const r = runSeeds("lossy", 150, {
      workloadMs: 1500,
      dropRate: 0.2,
      duplicateRate: 0.05,
      maxDelayMs: 30,
    });
    expect(r.failures).toEqual([]);
    expect(r.failedReports).toBe(0); // nobody died, so nothing may fail
    expect(r.delivered).toBeGreaterThan(150 * 100);
  }, 120_000);

  it("keeps order, no duplicates and reports every loss under crashes, restarts and partitions", () => {
    const r = runSeeds("chaos", 150, {
      workloadMs: 2000,
      dropRate: 0.15,
      duplicateRate: 0.05,
      maxDelayMs: 40,
      crashRatePerSec: 1,
      isolateRatePerSec: 1,
      nodes: 4,
    });
    expect(r.failures).toEqual([]);
    expect(r.failedReports).toBeGreaterThan(0); // the faults did bite
  }, 120_000);
});
