import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is packages/cib/{src,dist}/corpus.*). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Pacemaker's scheduler regression corpus, kept beside the project (never copied into it).
 * HBX_SCHEDULER_CORPUS overrides the location; undefined when it is absent, so callers skip.
 */
export function schedulerCorpusDir(): string | undefined {
  const dir = process.env.HBX_SCHEDULER_CORPUS ?? resolve(repoRoot, "../shared/pacemaker-scheduler");
  return existsSync(resolve(dir, "cases.tsv")) ? dir : undefined;
}
