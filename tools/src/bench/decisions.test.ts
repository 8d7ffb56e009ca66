import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { formatTransitionSummary, schedule } from "@hbx/pengine";
import { compareDecisions } from "./decisions.js";
import { generateBenchCibText, type BenchVariant } from "./generate.js";
import { NODE_NAMINGS, type NodeNaming } from "./layout.js";

const PACEMAKER = "/usr/sbin/crm_simulate";
const available = existsSync(PACEMAKER);
const dir = mkdtempSync(join(tmpdir(), "hbx-bench-decisions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = NODE_NAMINGS.flatMap((names) =>
  (["stopped", "running"] as BenchVariant[]).map((variant) => ({ names, variant })),
);

/**
 * The bench's check on a size small enough for every run: 16 nodes, where unpadded names
 * (node1 … node16) sort differently by strcmp, which Pacemaker breaks ties with.
 */
describe.skipIf(!available)(
  available
    ? "bench CIBs of 16 nodes × 200 resources against Pacemaker 2.1.5"
    : `bench CIBs against Pacemaker (skipped: ${PACEMAKER} is not installed)`,
  () => {
    it.each(cases)("take Pacemaker's decisions with $names names, $variant", ({ names, variant }) => {
      const text = generateBenchCibText({ nodes: 16, resources: 200, variant, names: names as NodeNaming });
      const file = join(dir, `${names}-${variant}.xml`);
      writeFileSync(file, text);
      const pacemaker = execFileSync(PACEMAKER, ["-x", file, "-G", join(dir, "graph.xml")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
      const hbx = formatTransitionSummary(schedule(parseXml(text, file)).ws);
      const result = compareDecisions(pacemaker, hbx);
      expect(result?.diff).toEqual({ missing: [], unexpected: [] });
      expect(result?.pacemakerLines).toBe(variant === "stopped" ? 200 : 0);
    });
  },
);
