import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "@hbx/cib";
import { runCibadmin, runCrmResource, runCrmVerify } from "@hbx/cli";
import { pacemakerAvailable, runHbx, runPacemaker } from "./harness.js";

/**
 * Pacemaker's own scheduler inputs, read in place (never copied), through both tools. The
 * sample is deterministic: every 25th input that does not use `fencing-enabled` (an option
 * newer than 2.1.5, which hbx honours and 2.1.5 ignores, so the verdicts differ by design).
 */
const dir = (() => {
  const d = schedulerCorpusDir();
  return d && existsSync(path.join(d, "xml")) ? path.join(d, "xml") : undefined;
})();

const sample = dir
  ? readdirSync(dir)
      .filter((f) => f.endsWith(".xml"))
      .sort()
      .filter((f) => !readFileSync(path.join(dir, f), "utf8").includes("fencing-enabled"))
      .filter((_, i) => i % 25 === 0)
  : [];

/** Inputs where 2.1.5's verdict rests on something outside the CIB. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  // 2.1.5 exits 78 with only warnings printed: its fencing device's agent (stonith:dummy) is not installed here.
  "systemhealth1.xml": "fencing agent not installed",
};

describe.skipIf(!dir || !pacemakerAvailable)("Pacemaker's scheduler corpus through both tools", () => {
  it("samples some inputs", () => {
    expect(sample.length).toBeGreaterThanOrEqual(5);
  });
  for (const f of sample) {
    const text = () => readFileSync(path.join(dir!, f), "utf8");
    it.skipIf(f in KNOWN_DIFFERENCES)(`crm_verify -p agrees on ${f}`, async () => {
      const ours = await runHbx(runCrmVerify, ["-p"], text(), text());
      const theirs = runPacemaker("crm_verify", ["-p"], text(), text());
      expect(ours.code, ours.stderr + theirs.stderr).toBe(theirs.code);
    });
    it(`cibadmin -Q -o resources prints the same XML for ${f}`, async () => {
      const ours = await runHbx(runCibadmin, ["-Q", "-o", "resources"], text());
      const theirs = runPacemaker("cibadmin", ["-Q", "-o", "resources"], text());
      expect(ours.code).toBe(theirs.code);
      expect(ours.stdout).toBe(theirs.stdout);
    });
    it(`crm_resource --constraints agrees for the first resource of ${f}`, async () => {
      const rsc = /<(?:primitive|group|clone|master) id="([^"]+)"/.exec(text())?.[1];
      if (rsc === undefined) return;
      const ours = await runHbx(runCrmResource, ["--constraints", "-r", rsc], text());
      const theirs = runPacemaker("crm_resource", ["--constraints", "-r", rsc], text());
      expect(ours.code).toBe(theirs.code);
      expect(ours.stdout).toBe(theirs.stdout);
    });
  }
});
