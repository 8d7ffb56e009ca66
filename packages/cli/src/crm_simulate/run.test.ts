import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseXml, repoRoot, schedulerCorpusDir } from "@hbx/cib";
import { run, parseDateTime, wantsLiveCib } from "./run.js";

function capture(argv: string[]) {
  let out = "";
  let err = "";
  const code = run(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe("crm_simulate", () => {
  it("refuses a file that is not XML with one line naming the place", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-"));
    const f = join(dir, "bad.xml");
    writeFileSync(f, "<cib><configuration></cib>");
    const r = capture(["-S", "-x", f]);
    expect(r.code).toBe(65);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("bad.xml");
  });

  it("takes its input size limit from HBX_XML_MAX_BYTES, as its refusal says", () => {
    const f = resolve(repoRoot, "examples/nginx-vip/cib.xml");
    let err = "";
    const io = (env: Record<string, string>) => ({
      stdout: () => undefined,
      stderr: (s: string) => (err += s),
      env,
    });
    expect(run(["-x", f, "-s"], io({ HBX_XML_MAX_BYTES: "1K" }))).toBe(65);
    expect(err).toMatch(/over the 1 KiB limit for XML input \(HBX_XML_MAX_BYTES\)/);
    expect(run(["-x", f, "-s"], io({ HBX_XML_MAX_BYTES: "1M" }))).toBe(0);
  });

  it("exits 66 for a missing file and 69 for -L when the caller read no live CIB", () => {
    expect(capture(["-x", "/nonexistent/cib.xml"]).code).toBe(66);
    expect(capture(["-L"]).code).toBe(69);
    expect(capture(["--bogus"]).code).toBe(64);
  });

  it("-L simulates the CIB main read, as -x does the same file, and exits 66 when the query failed", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-"));
    const f = join(dir, "cib.xml");
    writeFileSync(f, readFileSync(resolve(repoRoot, "examples/nginx-vip/cib.xml"), "utf8"));
    const fromFile = capture(["-x", f, "-S", "-s"]);
    let out = "";
    const live = parseXml(readFileSync(f, "utf8"), f);
    const code = run(["-L", "-S", "-s"], { stdout: (t) => (out += t), stderr: () => undefined, live });
    expect(code).toBe(0);
    expect(out).toContain("Transition Summary:");
    expect(out).toBe(fromFile.out);
    let err = "";
    const failed = run(["-L"], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
      live: new Error("Could not connect to the CIB: No such device or address"),
    });
    expect(failed).toBe(66);
    expect(err).toBe(
      "crm_simulate: CIB query failed: Could not connect to the CIB: No such device or address\n",
    );
    expect(wantsLiveCib(["-S", "--live-check"])).toBe(true);
    expect(wantsLiveCib(["-x", f, "--help", "-L"])).toBe(false);
  });

  it("schedules a saved CIB at its recorded execution date unless -t names another", () => {
    // Pacemaker's set_effective_date: a date rule that held when the CIB was saved still holds.
    const dir = mkdtempSync(join(tmpdir(), "sim-"));
    const f = join(dir, "dated.xml");
    const node = (n: string) =>
      `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`;
    writeFileSync(
      f,
      `<cib have-quorum="1" execution-date="1503335574"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes><node id="left" uname="left"/><node id="right" uname="right"/></nodes>
      <resources><primitive id="svc" class="ocf" provider="heartbeat" type="Dummy"/></resources>
      <constraints><rsc_location id="until-2020" rsc="svc"><rule id="r" score="INFINITY" boolean-op="and">
      <expression id="e" attribute="#uname" operation="eq" value="right"/>
      <date_expression id="d" operation="lt" end="2020-01-01"/></rule></rsc_location></constraints>
      </configuration><status>${node("left")}${node("right")}</status></cib>`,
    );
    const recorded = capture(["-x", f, "-S"]);
    expect(recorded.out.split("\n")[0]).toBe("Using the original execution date of: 2017-08-21 17:12:54Z");
    expect(recorded.out).toMatch(/Start\s+svc\s+\(\s*right\s*\)/);
    const later = capture(["-x", f, "-S", "-t", "2021-06-01 00:00:00"]);
    expect(later.out).not.toContain("execution date");
    expect(later.out).toMatch(/Start\s+svc\s+\(\s*left\s*\)/);
  });

  it("reads -t dates in Pacemaker's forms", () => {
    expect(parseDateTime("2014-05-07 00:28:00")?.toISOString()).toBe("2014-05-07T00:28:00.000Z");
    expect(parseDateTime("2005-020T12:30")?.toISOString()).toBe("2005-01-20T12:30:00.000Z");
  });

  const corpus = schedulerCorpusDir();
  it.skipIf(!corpus)("prints a corpus case exactly as Pacemaker's summary, and saves the graph", () => {
    const name = "rec-node-2";
    const r = capture([
      "-S",
      "-x",
      resolve(corpus!, "xml", `${name}.xml`),
      "-G",
      join(mkdtempSync(join(tmpdir(), "g-")), "g.xml"),
    ]);
    const expected = readFileSync(resolve(corpus!, "summary", `${name}.summary`), "utf8");
    const part = (s: string, h: string) => s.slice(s.indexOf(h)).split("\n\n")[0];
    expect(r.code).toBe(0);
    expect(part(r.out, "Transition Summary:")).toBe(part(expected, "Transition Summary:"));
    expect(r.out.slice(r.out.indexOf("Revised Cluster Status:"))).toBe(
      expected.slice(expected.indexOf("Revised Cluster Status:")),
    );
    expect(existsSync).toBeTruthy();
  });
});
