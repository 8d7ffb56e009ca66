import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../corpus.js";
import { validateCib, validateCibs } from "./validate.js";
import { runXmllint } from "./xmllint-runner.js";

const EXAMPLE = resolve(repoRoot, "examples/nginx-vip/cib.xml");
const GOOD = readFileSync(EXAMPLE, "utf8");
const BAD = GOOD.replace("<resources>", "<resources><bogus/>");

describe("the long-lived xmllint worker", () => {
  it("gives each of many concurrent documents its own verdict", async () => {
    const texts = Array.from({ length: 24 }, (_, i) => (i % 3 === 1 ? BAD : GOOD));
    const results = await Promise.all(texts.map((t, i) => validateCib(t, `doc-${i}`)));
    expect(results.map((r) => r.valid)).toEqual(texts.map((t) => t === GOOD));
    for (const r of results.filter((x) => !x.valid)) {
      expect(r.errors[0].message).toContain("Did not expect element bogus there");
    }
  });

  it("carries nothing from a refused document into the next run", async () => {
    const [bad] = await validateCibs([{ text: BAD, source: "bad" }]);
    const [good] = await validateCibs([{ text: GOOD, source: "good" }]);
    expect([bad.valid, good.valid]).toEqual([false, true]);
  });

  it("reports xmllint's own exit code and messages for a document that is not well-formed", async () => {
    const run = await runXmllint([{ fileName: "a.xml", contents: "<a><b></a>" }], ["--noout", "a.xml"]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/a\.xml:1: parser error/);
  });

  const built = resolve(repoRoot, "packages/cib/dist/schema/validate.js");
  it.skipIf(!existsSync(built))(
    "does not keep a process alive once its validation is done (needs npx tsc -b)",
    () => {
      const script = `
      const { validateCib } = await import(${JSON.stringify(built)});
      const { readFileSync } = await import("node:fs");
        const r = await validateCib(readFileSync(${JSON.stringify(EXAMPLE)}, "utf8"), "x");
      console.log(r.valid ? "valid" : "invalid");
    `;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(run.signal, run.stderr).toBeNull();
      expect(run.stdout.trim(), run.stderr).toBe("valid");
      expect(run.status).toBe(0);
    },
  );
});
