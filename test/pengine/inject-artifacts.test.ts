/**
 * crm_simulate's artifact and input options around injections: -I saves the CIB as injected
 * (and only that), -X stores the simulated result back into the input file, -p reads the CIB
 * from stdin (through the built tool, a real child process), -Q hides the modification lines,
 * and --help lists the synthetic-event options.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseXml, repoRoot, walkElements } from "@hbx/cib";
import { run } from "../../packages/cli/src/crm_simulate/run.js";

const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="0">
  <configuration>
    <crm_config><cluster_property_set id="opts">
      <nvpair id="o1" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="web1"/><node id="2" uname="web2"/></nodes>
    <resources><primitive id="web" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints><rsc_location id="prefer" rsc="web" node="web1" score="100"/></constraints>
  </configuration>
  <status/>
</cib>`;

function hbx(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = run(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function fixture(): string {
  const file = join(mkdtempSync(join(tmpdir(), "artifacts-")), "cib.xml");
  writeFileSync(file, CIB);
  return file;
}

const nodeState = (file: string, uname: string) =>
  [...walkElements(parseXml(readFileSync(file, "utf8"), file))].find(
    (e) => e.name === "node_state" && e.attrs.uname === uname,
  );

describe("crm_simulate injections: artifacts and input", () => {
  it("prints the modifications in Pacemaker's order and saves them with -I, leaving the input alone", () => {
    const file = fixture();
    const saved = join(file, "..", "in.xml");
    const r = hbx(["-x", file, "-u", "web1", "-u", "web2", "-f", "web2", "-q", "1", "-g", "t1", "-I", saved]);
    expect(r.code).toBe(0);
    const mods = r.out.slice(r.out.indexOf("Performing Requested Modifications:")).split("\n\n")[0];
    expect(mods).toBe(
      [
        "Performing Requested Modifications:",
        "  * Setting quorum: 1",
        "  * Bringing node web1 online",
        "  * Bringing node web2 online",
        "  * Failing node web2",
        "  * Granting ticket t1",
      ].join("\n"),
    );
    // The status shown first is the input's: no node is up yet.
    expect(r.out.indexOf("OFFLINE: [ web1 web2 ]")).toBeLessThan(r.out.indexOf("Performing"));
    expect(nodeState(saved, "web1")?.attrs).toMatchObject({ in_ccm: "true", crmd: "online", join: "member" });
    expect(nodeState(saved, "web2")?.attrs).toMatchObject({ in_ccm: "false", crmd: "online" });
    expect(readFileSync(saved, "utf8")).toContain('<ticket_state id="t1" granted="true"/>');
    expect(readFileSync(saved, "utf8")).toMatch(/<cib [^>]*have-quorum="1"/);
    expect(readFileSync(file, "utf8")).toBe(CIB);
    expect(hbx(["-Q", "-x", file, "-u", "web1"]).out).not.toContain("Performing");
  });

  it("-X simulates and stores the result back into the input file", () => {
    const file = fixture();
    const r = hbx(["-x", file, "-u", "web1", "-q", "1", "-X"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Start\s+web\s+\(\s+web1 \)/);
    const ops = [...walkElements(parseXml(readFileSync(file, "utf8"), file))].filter(
      (e) => e.name === "lrm_rsc_op",
    );
    expect(ops.map((o) => o.attrs.operation)).toContain("start");
    // Run again on the stored result: web is running, nothing to do.
    expect(hbx(["-x", file]).out).toMatch(/Transition Summary:\n(?!\s+\*)/);
  });

  it("rejects a bad op spec and a missing value with a usage error", () => {
    const file = fixture();
    const bad = hbx(["-x", file, "-i", "web_start@web1=1"]);
    expect(bad.code).toBe(65);
    expect(bad.err).toContain("web_start@web1=1");
    expect(hbx(["-x", file, "-u"]).code).toBe(64);
  });

  it("lists the synthetic-event options in --help", () => {
    const r = hbx(["--help"]);
    for (const opt of ["--node-up", "--node-down", "--node-fail", "--op-inject", "--op-fail", "--quorum"])
      expect(r.out).toContain(opt);
    for (const opt of [
      "--watchdog",
      "--ticket-grant",
      "--ticket-revoke",
      "--ticket-standby",
      "--ticket-activate",
    ])
      expect(r.out).toContain(opt);
    for (const opt of ["--save-input", "--save-output", "--in-place", "--xml-pipe"])
      expect(r.out).toContain(opt);
  });

  const bin = join(repoRoot, "node_modules", ".bin", "crm_simulate");
  const built = existsSync(join(repoRoot, "packages", "cli", "dist", "crm_simulate", "inject.js"));
  it.skipIf(!built)("-p reads the CIB from stdin in the built tool", () => {
    const out = execFileSync(bin, ["-p", "-u", "web1", "-q", "1", "-S"], { input: CIB, encoding: "utf8" });
    expect(out).toContain("  * Bringing node web1 online");
    expect(out.slice(out.indexOf("Revised Cluster Status:"))).toMatch(
      /web\t\(ocf:heartbeat:Dummy\):\t Started web1/,
    );
  });
});
