/**
 * The conformance ratchet: hbx's crm_simulate over Pacemaker's scheduler corpus must score at
 * least the floor in tools/conformance-floor.json, tier by tier. Raise the floor with
 * `pnpm conformance --update-floor` when the engine improves; it never goes down.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "@hbx/cib";
import { DirectSimulator } from "../tools/src/conformance/direct-simulator.js";
import { checkFloor, formatViolations, readFloor } from "../tools/src/conformance/floor.js";
import { defaultRunModuleCandidates, loadSimulateRun } from "../tools/src/conformance/in-process.js";
import { ProcessSimulator } from "../tools/src/conformance/process-simulator.js";
import { figuresByTier, formatMisses, formatTable } from "../tools/src/conformance/report.js";
import { corpusLayout, loadCases, runCases } from "../tools/src/conformance/runner.js";
import { HBX_BUILT_MAIN, HBX_CRM_SIMULATE } from "../tools/src/conformance/choose-simulator.js";
import type { Simulator } from "../tools/src/conformance/simulator.js";

const corpus = schedulerCorpusDir();

/** hbx's engine in this process (TypeScript sources) when it exports run(), else the built binary. */
async function hbxSimulator(): Promise<Simulator | undefined> {
  const found = await loadSimulateRun(defaultRunModuleCandidates(true));
  if (found) return new DirectSimulator(found.run, found.module, 60_000);
  if (existsSync(HBX_BUILT_MAIN)) return new ProcessSimulator(HBX_CRM_SIMULATE, 60_000, 2);
  return undefined;
}

describe.skipIf(corpus === undefined)("scheduler conformance", () => {
  it("scores at least the floor on every tier of Pacemaker's corpus", { timeout: 900_000 }, async (ctx) => {
    const floor = readFloor();
    const simulator = await hbxSimulator();
    const floorIsZero = Object.values(floor.tiers).every((t) => t.decisions === 0 && t.status === 0);
    if (simulator === undefined) {
      // Without hbx's crm_simulate there is nothing to measure; that is only acceptable while
      // the floor is still zero.
      expect(floorIsZero, "hbx crm_simulate is missing but the floor expects figures").toBe(true);
      ctx.skip();
      return;
    }
    const layout = corpusLayout(corpus as string);
    const outcomes = await runCases(layout, loadCases(layout), simulator);
    await simulator.close();
    const figures = figuresByTier(outcomes);
    process.stdout.write(`conformance via ${simulator.description}\n${formatTable(figures)}`);
    const violations = checkFloor(figures, floor);
    expect(violations, `${formatViolations(violations)}\n${formatMisses(outcomes)}`).toEqual([]);
  });
});
