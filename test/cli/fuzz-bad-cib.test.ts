import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo, runCibadmin } from "@hbx/cli";
import { FUZZ_MAX_BYTES, MUTATION_KINDS, generateBadCib, seededRandom } from "./bad-cibs.js";
import { fixtureText } from "./harness.js";

/**
 * 10,000 generated bad CIBs through cibadmin's file path (`run(argv, io)` in-process against a
 * CIB_file copy), each as -x FILE, -X TEXT or stdin: every one is refused with a known exit code,
 * no stack trace and no exit 70, none takes longer than a limit, and the CIB file is byte-for-byte
 * what it was. HBX_FUZZ_SEED replays a run; a failure names the seed, the case and the mutation.
 */
const CASES = Number(process.env.HBX_FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.HBX_FUZZ_SEED ?? 20261207);
/** No single refusal may take longer than this (the reader's limits keep each one small). */
const PER_CASE_MS = 2_000;
/** Pacemaker's codes for refused input: invalid config, no such object, older, usage. */
const REFUSED = new Set([78, 105, 103, 64]);

describe("fuzzing the file path with bad CIBs", () => {
  it(`refuses ${CASES} generated bad CIBs without a stack trace, a hang or a change`, async () => {
    const original = fixtureText();
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-fuzz-"));
    const cib = path.join(dir, "cib.xml");
    const input = path.join(dir, "input.xml");
    writeFileSync(cib, original);
    const rng = seededRandom(SEED);
    const byKind = new Map<string, number>();
    const codes = new Map<number, number>();
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const bad = generateBadCib(rng, original);
      const where = `seed=${SEED} case=${i} kind=${bad.kind} (replay: HBX_FUZZ_SEED=${SEED} HBX_FUZZ_CASES=${i + 1})`;
      const via =
        typeof bad.input !== "string" ? "file" : (["file", "text", "stdin"] as const)[Math.floor(rng() * 3)];
      const argv = ["-R", ...(bad.scope ? ["-o", bad.scope] : [])];
      if (via === "file") {
        writeFileSync(input, bad.input);
        argv.push("-x", input);
      } else if (via === "text") argv.push("-X", bad.input as string);
      else argv.push("-p");
      const io = memoryIo(
        { CIB_file: cib, HBX_XML_MAX_BYTES: String(FUZZ_MAX_BYTES) },
        via === "stdin" ? (bad.input as string) : "",
      );
      const started = performance.now();
      let code: number;
      try {
        code = await runCibadmin(argv, io);
      } catch (e) {
        // An exception out of run() is what main turns into a stack trace and exit 70.
        throw new Error(`${where}: uncaught ${(e as Error).stack ?? String(e)}`);
      }
      const took = performance.now() - started;
      slowest = Math.max(slowest, took);
      expect(took, `${where}: took ${took.toFixed(0)} ms`).toBeLessThan(PER_CASE_MS);
      expect(REFUSED.has(code), `${where}: exit ${code}, stderr ${io.err.slice(0, 300)}`).toBe(true);
      expect(io.err, `${where}: a stack trace`).not.toMatch(/^\s+at /m);
      expect(io.err.trim(), `${where}: no reason given`).not.toBe("");
      expect(readFileSync(cib, "utf8") === original, `${where}: the CIB file changed`).toBe(true);
      byKind.set(bad.kind, (byKind.get(bad.kind) ?? 0) + 1);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    // Every mutation was exercised, so a generator that stops producing one is noticed.
    expect([...byKind.keys()].sort()).toEqual([...MUTATION_KINDS].sort());
    console.log(
      `fuzz seed=${SEED}: ${CASES} refused; by kind ${JSON.stringify(Object.fromEntries(byKind))}; exit codes ${JSON.stringify(Object.fromEntries(codes))}; slowest ${slowest.toFixed(0)} ms`,
    );
  }, 600_000);
});
