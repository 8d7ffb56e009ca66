import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScript, runCheck, runEvent } from "./sim/script.js";

/**
 * Each testdata/*.txt drives a simulated cluster of membership cores (format in sim/script.ts)
 * and lists every membership/DC change each event must cause. HBX_REWRITE=1 rewrites the
 * effect lines from what the cores did (read the diff before committing it).
 */
const dir = new URL("./testdata/", import.meta.url);
const rewrite = process.env.HBX_REWRITE === "1";

for (const file of readdirSync(dir).filter((f) => f.endsWith(".txt"))) {
  describe(`membership scenario ${file}`, () => {
    it("causes exactly the listed membership and DC changes, and every check holds", () => {
      const text = readFileSync(new URL(file, dir), "utf8");
      const script = parseScript(text, file);
      const out: string[] = [];
      const lines = text.split("\n");
      let copied = 0;
      for (const step of script.steps) {
        const got = runEvent(script.net, step.text, `${file}:${step.line}`);
        if (rewrite) {
          out.push(...lines.slice(copied, step.line), ...got);
          copied = step.line + step.expected.length;
        } else expect(got, `effects of "${step.text}" (${file}:${step.line})`).toEqual(step.expected);
        for (const c of step.checks) expect(runCheck(script.net, c.text, `${file}:${c.line}`)).toEqual([]);
      }
      if (rewrite) writeFileSync(new URL(file, dir), [...out, ...lines.slice(copied)].join("\n"));
    });
  });
}
