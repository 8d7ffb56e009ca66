import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { repoRoot } from "@hbx/cib";
import { defaultRunModuleCandidates, loadSimulateRun } from "./in-process.js";
import { ProcessSimulator } from "./process-simulator.js";
import type { Simulator } from "./simulator.js";
import { WorkerSimulator } from "./worker-simulator.js";

export interface SimulatorChoice {
  /** A crm_simulate program to run per case (e.g. Pacemaker's /usr/sbin/crm_simulate). */
  readonly binary?: string;
  /** A module exporting hbx's crm_simulate run(argv, io), run in worker threads. */
  readonly module?: string;
  /** Run hbx's built binary as processes even when the in-process module is there. */
  readonly processes?: boolean;
  readonly jobs?: number;
  readonly timeoutMs: number;
}

export const HBX_CRM_SIMULATE = resolve(repoRoot, "node_modules/.bin/crm_simulate");
export const HBX_BUILT_MAIN = resolve(repoRoot, "packages/cli/dist/crm_simulate/main.js");

/** Picks how cases run: an explicit binary, else hbx in worker threads, else hbx's binary. */
export async function chooseSimulator(choice: SimulatorChoice): Promise<Simulator> {
  const jobs = choice.jobs ?? Math.max(1, Math.min(2, availableParallelism()));
  if (choice.binary !== undefined) {
    if (!existsSync(choice.binary)) throw new Error(`crm_simulate not found at ${choice.binary}`);
    return new ProcessSimulator(choice.binary, choice.timeoutMs, jobs);
  }
  if (!choice.processes) {
    const candidates = choice.module !== undefined ? [resolve(choice.module)] : defaultRunModuleCandidates();
    const found = await loadSimulateRun(candidates);
    if (found) return new WorkerSimulator(found.module, choice.timeoutMs, jobs);
    if (choice.module !== undefined) throw new Error(`${choice.module} exports no crm_simulate run function`);
  }
  if (existsSync(HBX_BUILT_MAIN)) return new ProcessSimulator(HBX_CRM_SIMULATE, choice.timeoutMs, jobs);
  throw new Error(
    "hbx crm_simulate is not built (no packages/cli/dist/crm_simulate): run `npx tsc -b tsconfig.build.json`, " +
      "or pass --crm-simulate PATH",
  );
}
