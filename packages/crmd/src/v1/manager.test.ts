import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkValue, parseTestdata } from "./testdata-runner.js";

const dir = join(fileURLToPath(new URL(".", import.meta.url)), "testdata");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort();

describe("V1ResourceManager, data-driven (src/v1/testdata/*.txt)", () => {
  it("has cases", () => expect(files.length).toBeGreaterThan(5));
  for (const f of files) {
    it(f.replace(/\.txt$/, "").replace(/-/g, " "), () => {
      const c = parseTestdata(readFileSync(join(dir, f), "utf8"), f);
      for (const step of c.steps) {
        const actual = step.run();
        expect(actual, `${f}:${step.line}`).toEqual(step.expected);
        for (const chk of step.checks) {
          const { actual: a, expected: e } = checkValue(c.manager, chk.text);
          expect(a, `${f}:${chk.line}: ${chk.text}`).toBe(e);
        }
      }
    });
  }
});
