import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo, runCrmAttribute } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText, runHbx } from "./harness.js";

/** crm_attribute's listing (-G without -n, -P PATTERN) and --output-as=xml, against 2.1.5. */
const T = "crm_attribute";
describe("crm_attribute -G/-P/--output-as=xml against Pacemaker 2.1.5's", () => {
  differential(runCrmAttribute, [
    { name: "every cluster option", tool: T, args: ["-G"], stdout: "exact" },
    { name: "every attribute of a node", tool: T, args: ["-G", "-N", "beta"], stdout: "exact" },
    { name: "options matching a pattern", tool: T, args: ["-P", ".*-.*", "-G"], stdout: "exact" },
    {
      name: "transient attributes matching a pattern",
      tool: T,
      args: ["--pattern", "p.*", "-G", "-N", "beta", "-l", "reboot"],
      stdout: "exact",
    },
    {
      name: "a pattern with a permanent update is refused",
      tool: T,
      args: ["-P", "r.*", "-v", "5", "-N", "beta"],
      stdout: "exact",
    },
    { name: "query as xml", tool: T, args: ["-n", "cluster-name", "-G", "--output-as=xml"], stdout: "xml" },
    {
      name: "node attribute as xml, -q ignored",
      tool: T,
      args: ["-N", "beta", "-n", "rack", "-G", "-q", "--output-as", "xml"],
      stdout: "xml",
    },
    {
      name: "missing attribute as xml",
      tool: T,
      args: ["-n", "nope", "-G", "--output-as=xml"],
      stdout: "xml",
    },
    {
      name: "missing attribute with a default as xml",
      tool: T,
      args: ["-n", "nope", "-G", "-d", "dflt", "--output-as=xml"],
      stdout: "xml",
    },
    { name: "every option as xml", tool: T, args: ["-G", "--output-as=xml"], stdout: "xml" },
    { name: "update as xml", tool: T, args: ["-n", "foo", "-v", "1", "--output-as=xml"], stdout: "xml" },
    { name: "delete as xml", tool: T, args: ["-n", "cluster-name", "-D", "--output-as=xml"], stdout: "xml" },
    {
      name: "unknown node as xml",
      tool: T,
      args: ["-N", "zeta", "-n", "rack", "-G", "--output-as=xml"],
      stdout: "xml",
    },
  ]);
});

const withUtilization = fixtureText().replace(
  '<node id="2" uname="beta">',
  '<node id="2" uname="beta">\n        <utilization id="nodes-2-utilization">\n          <nvpair id="nodes-2-utilization-cpu" name="cpu" value="8"/>\n        </utilization>',
);

describe("crm_attribute -z/--utilization against Pacemaker 2.1.5's", () => {
  differential(runCrmAttribute, [
    {
      name: "set a node's capacity",
      tool: T,
      args: ["-z", "-N", "beta", "-n", "cpu", "-v", "4"],
      stdout: "exact",
    },
    {
      name: "change it",
      tool: T,
      args: ["-z", "-N", "beta", "-n", "cpu", "-v", "2"],
      cib: withUtilization,
      stdout: "exact",
    },
    {
      name: "read it",
      tool: T,
      args: ["-z", "-N", "beta", "-n", "cpu", "-G"],
      cib: withUtilization,
      stdout: "exact",
    },
    {
      name: "an instance attribute is not a utilization",
      tool: T,
      args: ["-z", "-N", "beta", "-n", "rack", "-G"],
      stdout: "exact",
    },
    {
      name: "delete it",
      tool: T,
      args: ["--utilization", "-N", "beta", "-n", "cpu", "-D"],
      cib: withUtilization,
      stdout: "exact",
    },
  ]);
});

describe("crm_attribute -p/--promotion against Pacemaker 2.1.5's", () => {
  differential(runCrmAttribute, [
    {
      name: "set a promotion score",
      tool: T,
      args: ["-p", "vip", "-N", "alpha", "-v", "10"],
      stdout: "exact",
    },
    { name: "a missing one", tool: T, args: ["-p", "vip", "-N", "alpha", "-G"], stdout: "exact" },
    {
      name: "a permanent one",
      tool: T,
      args: ["--promotion=vip", "-N", "alpha", "-v", "10", "-l", "forever"],
      stdout: "exact",
    },
    { name: "no resource and no agent", tool: T, args: ["-p", "-N", "alpha", "-G"], stdout: "exact" },
  ]);

  it("from an agent: $OCF_RESOURCE_INSTANCE names the score, $OCF_RESKEY_CRM_meta_on_node the node", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "hbx-prom-")), "cib.xml");
    writeFileSync(file, fixtureText());
    const env = { CIB_file: file, OCF_RESOURCE_INSTANCE: "ping:1", OCF_RESKEY_CRM_meta_on_node: "beta" };
    expect(await runCrmAttribute(["-p", "-v", "7"], memoryIo(env))).toBe(0);
    expect(readFileSync(file, "utf8")).toContain(
      '<nvpair id="status-2-master-ping.1" name="master-ping:1" value="7"/>',
    );
  });
});

describe("crm_attribute -P without a Pacemaker to compare", () => {
  it("with -l reboot updates every matching transient attribute of the node (2.1.5 leaves that to its attribute daemon)", async () => {
    const r = await runHbx(
      runCrmAttribute,
      ["-P", "^p", "-v", "7", "-N", "alpha", "-l", "reboot"],
      fixtureText(),
    );
    expect(r.code).toBe(0);
    const q = await runHbx(
      runCrmAttribute,
      ["-N", "alpha", "-n", "pingd", "-G", "-l", "reboot", "-q"],
      r.cib,
    );
    expect(q.stdout).toBe("7\n");
    // A transient attribute the pattern does not match keeps its value.
    const other = await runHbx(
      runCrmAttribute,
      ["-N", "alpha", "-n", "fail-count-db#monitor_10000", "-G", "-l", "reboot", "-q"],
      r.cib,
    );
    expect(other.stdout).toBe("2\n");
  });

  it("refuses an invalid pattern with exit 64 and leaves the file unchanged", async () => {
    const r = await runHbx(runCrmAttribute, ["-P", "(", "-G"], fixtureText());
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("Invalid --pattern '('");
    expect(r.cib).toBe(fixtureText());
  });
});
