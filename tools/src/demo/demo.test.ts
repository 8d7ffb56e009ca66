import { spawnSync } from "node:child_process";
import { repoRoot } from "@hbx/cib";
import { describe, expect, it } from "vitest";
import { runDemo } from "./demo.js";

describe("demo", () => {
  it("--crm-only shows the scores and the group moving to mysql2 at the fourth failure", async () => {
    spawnSync("npx", ["tsc", "-b", "packages/cli"], { cwd: repoRoot });
    const lines: string[] = [];
    const code = await runDemo(["--crm-only"], {
      out: (t) => lines.push(t),
      env: process.env,
      interrupted: new Promise(() => {}),
    });
    const text = lines.join("\n");
    expect(code).toBe(0);
    expect(text).toContain("$ crm_simulate -x $DEMO/cib.xml -s");
    expect(text).toContain("scope=status  name=fail-count-mysql value=2");
    // Only the fourth failure moves the group.
    expect(text.split("Move ").length - 1).toBe(2);
    expect(text).toMatch(/Move\s+mysql\s+\( mysql1 -> mysql2 \)/);
  }, 60_000);
});
