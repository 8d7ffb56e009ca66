import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo, runCrmMon } from "@hbx/cli";
import { FIXTURE, fixtureText, pacemakerAvailable, runPacemaker } from "./harness.js";

async function mon(argv: string[], env: Record<string, string | undefined> = { CIB_file: FIXTURE }) {
  const io = memoryIo(env, "", new Date(2024, 0, 2, 3, 4, 5));
  const code = await runCrmMon(argv, io);
  return { code, out: io.out, err: io.err };
}

describe("crm_mon options", () => {
  it("prints the summary, nodes and resources with -1 and stamps Last updated from the clock", async () => {
    const r = await mon(["-1"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Cluster Summary:\n {2}\* Stack: /);
    expect(r.out).toContain("  * Last updated: Tue Jan  2 03:04:05 2024\n");
    expect(r.out).toContain("\nNode List:\n");
    expect(r.out).toMatch(/\n(Active Resources|Full List of Resources):\n/);
  });

  it("-r switches the resource section to the full list", async () => {
    expect((await mon(["-1"])).out).toContain("Active Resources:");
    expect((await mon(["--one-shot", "--inactive"])).out).toContain("Full List of Resources:");
  });

  it("-f adds a Migration Summary and -o an Operations section; -t implies -o", async () => {
    expect((await mon(["-1f"])).out).toContain("\nMigration Summary:");
    expect((await mon(["-1", "-o"])).out).toContain("\nOperations:");
    expect((await mon(["-1", "-t"])).out).toContain("\nOperations:");
  });

  it("-s prints one nagios line and returns a nagios code", async () => {
    const r = await mon(["-s"]);
    expect(r.out.split("\n")).toHaveLength(2);
    expect(r.out).toMatch(/^CLUSTER (OK|WARN): /);
    expect(r.code).toBe(r.out.startsWith("CLUSTER OK") ? 0 : 1);
  });

  it("-X writes the legacy <crm_mon> document, --output-as=xml a <pacemaker-result>", async () => {
    const x = await mon(["-X"]);
    expect(x.code).toBe(0);
    expect(x.out).toContain('<crm_mon version="2.1.5">');
    expect(x.out).toContain("<summary>");
    const o = await mon(["-1", "--output-as=xml"]);
    expect(o.out).toContain('<pacemaker-result api-version="2.25" request="crm_mon -1 --output-as=xml">');
    expect(o.out).toContain('<status code="0" message="OK"/>');
  });

  it("--help, -? and bare -h print usage; --version names 2.1.5; -V and -Q are accepted", async () => {
    for (const a of [["--help"], ["-?"], ["-h"]]) {
      const r = await mon(a);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Usage:\n {2}crm_mon/);
    }
    expect((await mon(["--version"])).out).toContain("2.1.5");
    expect((await mon(["-1", "-VV", "-Q"])).code).toBe(0);
  });

  it("an unknown option is a usage error (64) on stderr", async () => {
    const r = await mon(["--bogus"]);
    expect(r.code).toBe(64);
    expect(r.err).toContain("unrecognized option '--bogus'");
    expect(r.out).toBe("");
  });

  it("a missing CIB_file gives one line, no stack trace", async () => {
    const r = await mon(["-1"], { CIB_file: "/nonexistent/cib.xml" });
    expect(r.code).toBe(102);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^Could not connect to the CIB: No such device or address/);
  });

  it("an unparsable CIB_file names the file and place", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-mon-"));
    const file = path.join(dir, "cib.xml");
    writeFileSync(file, "<cib>\n<configuration>\n");
    const r = await mon(["-1"], { CIB_file: file });
    expect(r.code).toBe(102);
    expect(r.err).toContain(file);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("without CIB_file and no cluster it says the connection failed, as Pacemaker (102; -s CRIT 2)", async () => {
    const r = await mon(["-1"], {});
    expect(r.code).toBe(102);
    expect(r.err).toBe("crm_mon: Connection to cluster failed: Connection refused\n");
    const s = await mon(["-s"], {});
    expect(s.code).toBe(2);
    expect(s.out).toBe("CLUSTER CRIT: Connection to cluster failed: Connection refused\n");
  });
});

describe.skipIf(!pacemakerAvailable)("crm_mon failed actions that could not be executed", () => {
  it("names each execution status as Pacemaker 2.1.5's crm_mon does", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-mon-"));
    const file = path.join(dir, "cib.xml");
    const failed = (out: string) =>
      out
        .split("\n")
        .filter((l) => l.includes("vip 10s-interval monitor"))
        .map((l) => l.replace(/ at .*$/, ""));
    // vip's monitor recorded with each op-status from 2 (timed out) to 11, one CIB each.
    for (let status = 2; status <= 11; status++) {
      const cib = fixtureText().replace(
        /(<lrm_rsc_op id="vip_monitor_10000"[^>]*)rc-code="0" op-status="0"/,
        `$1rc-code="1" op-status="${status}"`,
      );
      writeFileSync(file, cib);
      const ours = failed((await mon(["-1"], { CIB_file: file })).out);
      expect(ours, `op-status ${status}`).toHaveLength(1);
      expect(ours, `op-status ${status}`).toEqual(failed(runPacemaker("crm_mon", ["-1"], cib).stdout));
    }
  });
});
