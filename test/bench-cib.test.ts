/**
 * The bench's generated CIBs are real CIBs: Pacemaker's crm_verify accepts both variants, and
 * Pacemaker's scheduler finds the "running" variant settled (nothing to start, stop or move),
 * which shows its status places resources as a previous transition would have.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { transitionSummary } from "../tools/src/bench/decisions.js";
import { generateBenchCibText } from "../tools/src/bench/generate.js";

const CRM_VERIFY = "/usr/sbin/crm_verify";
const CRM_SIMULATE = "/usr/sbin/crm_simulate";
const dir = mkdtempSync(join(tmpdir(), "hbx-bench-cib-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(variant: "stopped" | "running"): string {
  const file = join(dir, `${variant}.xml`);
  writeFileSync(file, generateBenchCibText({ nodes: 4, resources: 60, variant }));
  return file;
}

function pacemakerSummary(file: string): string[] {
  const out = execFileSync(CRM_SIMULATE, ["-x", file, "-G", join(dir, "graph.xml")], { encoding: "utf8" });
  const lines = transitionSummary(out);
  if (lines === undefined) throw new Error(`no Transition Summary in:\n${out}`);
  return lines;
}

describe.skipIf(!existsSync(CRM_VERIFY))("generated bench CIBs", () => {
  for (const variant of ["stopped", "running"] as const) {
    it(`pass crm_verify (${variant})`, () => {
      // crm_verify exits non-zero and prints the problem on any error or warning it finds.
      const out = execFileSync(CRM_VERIFY, ["-x", write(variant)], { encoding: "utf8", stdio: "pipe" });
      expect(out).toBe("");
    });
  }

  it.skipIf(!existsSync(CRM_SIMULATE))(
    "start everything when stopped and change nothing when running",
    () => {
      const stopped = pacemakerSummary(write("stopped"));
      expect(stopped).toHaveLength(60);
      expect(stopped.every((l) => /^ {2}\* Start {6}rsc\d+ +\( node\d \)$/.test(l))).toBe(true);
      expect(pacemakerSummary(write("running"))).toEqual([]);
    },
  );
});
