import { describe, expect, it } from "vitest";
import { runCibadmin } from "@hbx/cli";
import { differential } from "./differential.js";
import { fixtureText, runHbx } from "./harness.js";

/** cibadmin's -d/--delete-all as a command of its own, --upgrade and -a, against Pacemaker 2.1.5. */
describe("cibadmin -d against Pacemaker 2.1.5's", () => {
  differential(runCibadmin, [
    {
      name: "-d alone deletes every xpath match with --force",
      tool: "cibadmin",
      args: ["-d", "--force", "--xpath", "//nvpair[@name='pingd']"],
      stdout: "exact",
    },
    {
      name: "-d is refused without --force",
      tool: "cibadmin",
      args: ["--delete-all", "--xpath", "//op"],
      stdout: "exact",
    },
    {
      name: "-d with nothing else is refused without --force",
      tool: "cibadmin",
      args: ["-d"],
      stdout: "exact",
    },
    {
      name: "-d with -X deletes the first object that matches",
      tool: "cibadmin",
      args: ["-d", "--force", "-X", "<op/>"],
      stdout: "exact",
    },
    {
      name: "-d matching nothing changes nothing and succeeds",
      tool: "cibadmin",
      args: ["-d", "--force", "--xpath", "//op[@name='nope']"],
      stdout: "exact",
    },
    {
      name: "-d refuses a delete that leaves constraints dangling",
      tool: "cibadmin",
      args: ["-d", "--force", "--xpath", "//primitive[@id='vip']"],
    },
  ]);
});

describe("cibadmin --upgrade and -a against Pacemaker 2.1.5's", () => {
  differential(runCibadmin, [
    { name: "--upgrade is refused without --force", tool: "cibadmin", args: ["-u"], stdout: "exact" },
    {
      name: "--upgrade moves a pacemaker-3.8 CIB to pacemaker-3.9",
      tool: "cibadmin",
      args: ["--upgrade", "--force"],
      stdout: "exact",
    },
    {
      name: "--upgrade from pacemaker-3.0",
      tool: "cibadmin",
      args: ["-u", "--force"],
      cib: fixtureText().replace('validate-with="pacemaker-3.8"', 'validate-with="pacemaker-3.0"'),
      stdout: "exact",
    },
    { name: "-a names the newest schema", tool: "cibadmin", args: ["-a"], stdout: "exact" },
    {
      name: "-a SCHEMA names the one asked for",
      tool: "cibadmin",
      args: ["-a", "pacemaker-2.0"],
      stdout: "exact",
    },
  ]);
});

describe("cibadmin --upgrade without a Pacemaker to compare", () => {
  it("raises admin_epoch so every copy of the old CIB is older", async () => {
    const r = await runHbx(runCibadmin, ["-u", "--force"], fixtureText());
    expect(r.code).toBe(0);
    expect(r.cib).toMatch(/<cib [^>]*validate-with="pacemaker-3.9"[^>]* admin_epoch="1"/);
  });

  it("refuses a pacemaker-2.0 CIB it cannot transform (exit 3) and writes nothing", async () => {
    const old = fixtureText().replace('validate-with="pacemaker-3.8"', 'validate-with="pacemaker-2.0"');
    const r = await runHbx(runCibadmin, ["-u", "--force"], old);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'upgrading from validate-with="pacemaker-2.0" needs Pacemaker\'s XSLT transforms',
    );
    expect(r.cib).toBe(old);
  });
});

describe("cibadmin -d without a Pacemaker to compare", () => {
  it("removes every match and keeps the rest of the configuration", async () => {
    const r = await runHbx(
      runCibadmin,
      ["-d", "--force", "--xpath", "//nvpair[@name='pingd']"],
      fixtureText(),
    );
    expect(r.code).toBe(0);
    expect(fixtureText()).toContain('name="pingd"');
    expect(r.cib).not.toContain('name="pingd"');
    expect(r.cib).toContain('name="rack"');
  });

  it("without --force exits 107 and leaves the file's bytes as they were", async () => {
    const r = await runHbx(runCibadmin, ["-d", "--xpath", "//op"], fixtureText());
    expect(r.code).toBe(107);
    expect(r.stderr).toContain("--force flag is required");
    expect(r.cib).toBe(fixtureText());
  });
});
