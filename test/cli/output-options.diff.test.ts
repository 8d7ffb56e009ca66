import { describe, expect, it } from "vitest";
import { runCrmAttribute, runCrmResource } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText, runHbx } from "./harness.js";

/** --output-to=-, --text-fancy and --list-ocf-alternatives, against Pacemaker 2.1.5. */
describe("output options and OCF alternatives against Pacemaker 2.1.5's", () => {
  differential(runCrmResource, [
    {
      name: "--text-fancy changes nothing",
      tool: "crm_resource",
      args: ["-L", "--text-fancy"],
      stdout: "exact",
    },
    { name: "--output-to=- is stdout", tool: "crm_resource", args: ["-L", "--output-to=-"], stdout: "exact" },
    {
      name: "providers of an agent two of them ship",
      tool: "crm_resource",
      args: ["--list-ocf-alternatives=Dummy"],
      stdout: "exact",
    },
    {
      name: "providers of an agent nobody ships",
      tool: "crm_resource",
      args: ["--list-ocf-alternatives", "Nope"],
      stdout: "exact",
    },
  ]);
  differential(runCrmAttribute, [
    {
      name: "--output-to=- is stdout",
      tool: "crm_attribute",
      args: ["-n", "cluster-name", "-G", "--output-to", "-"],
      stdout: "exact",
    },
  ]);
});

describe("--output-to a file", () => {
  it("is refused (exit 3) with a hint, and the CIB is untouched", async () => {
    const r = await runHbx(runCrmAttribute, ["-n", "x", "-v", "1", "--output-to=/tmp/out"], fixtureText());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("redirect stdout");
    expect(r.cib).toBe(fixtureText());
  });
});
