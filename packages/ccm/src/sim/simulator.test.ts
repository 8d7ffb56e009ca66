import { describe, expect, it } from "vitest";
import { type CcmSimOptions, replayCommand, simulateCcm } from "./simulator.js";

/**
 * HBX_CCM_SEED=N replays one seed and prints its faults (HBX_CCM_BUG=1 with the seeded bug);
 * HBX_CCM_SEEDS=N runs more seeds than the default 1,000.
 */
const only = process.env.HBX_CCM_SEED;
const seeds = Number(process.env.HBX_CCM_SEEDS ?? 1000);

function runSeeds(count: number, base: Omit<CcmSimOptions, "seed">, bugFlag = "") {
  const failures: string[] = [];
  let checks = 0;
  let faults = 0;
  let largestSets = 0;
  for (let seed = 1; seed <= count; seed++) {
    const r = simulateCcm({ ...base, seed });
    checks += r.stats.checks;
    faults += r.stats.faults;
    largestSets += r.stats.largestSets;
    if (r.violations.length > 0)
      failures.push(
        `seed ${seed} (replay: ${replayCommand(seed, bugFlag)}): ${r.violations.slice(0, 2).join("; ")}`,
      );
  }
  return { failures, checks, faults, largestSets };
}

describe.skipIf(only !== undefined)("ccm simulator", () => {
  it("is deterministic: the same seed gives the same run", () => {
    expect(simulateCcm({ seed: 7 })).toEqual(simulateCcm({ seed: 7 }));
  });

  it(`keeps one agreed membership, one quorate DC and a stable DC after faults settle, over ${seeds} seeds`, () => {
    const t0 = performance.now();
    const r = runSeeds(seeds, {});
    const ms = performance.now() - t0;
    const meanSet = r.largestSets / (2 * seeds);
    process.stdout.write(
      `ccm simulator: ${seeds} seeds, ${r.faults} faults, ${r.checks} invariant checks, largest installed set ${meanSet.toFixed(2)} nodes on average, ${r.failures.length} failing, ${ms.toFixed(0)} ms\n`,
    );
    expect(r.failures.slice(0, 5)).toEqual([]);
    expect(r.faults).toBeGreaterThan(seeds * 5);
    // The checks were not vacuous: after the faults most windows held a set of several nodes.
    expect(meanSet).toBeGreaterThan(2);
  }, 300_000);

  it("keeps the same invariants on two-node clusters, where neither side of a cut has quorum", () => {
    const r = runSeeds(200, { nodes: 2 });
    expect(r.failures.slice(0, 5)).toEqual([]);
  }, 300_000);

  it("catches the seeded bug: without the fully connected check one-way faults split the membership", () => {
    const r = runSeeds(100, { fullyConnected: false }, " HBX_CCM_BUG=1");
    process.stdout.write(
      `ccm simulator, seeded bug: ${r.failures.length} of 100 seeds fail; first: ${r.failures[0]}\n`,
    );
    expect(r.failures.length).toBeGreaterThan(10);
    expect(r.failures.join("\n")).toMatch(/membersAgree/);
  }, 120_000);
});

describe.skipIf(only === undefined)(`ccm simulator replay of seed ${only}`, () => {
  it("replays the seed and prints its faults and violations", () => {
    const r = simulateCcm({ seed: Number(only), fullyConnected: process.env.HBX_CCM_BUG !== "1" });
    process.stdout.write(
      `seed ${r.seed}: ${r.nodes} nodes\n${r.faults.join("\n")}\n${r.violations.join("\n") || "no violation"}\n`,
    );
    expect(r.violations).toEqual([]);
  });
});
