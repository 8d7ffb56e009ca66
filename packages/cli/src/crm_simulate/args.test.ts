import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { repoRoot } from "@hbx/cib";
import { readSimulateArgs } from "./args.js";
import { run, wantsLiveCib } from "./run.js";

const CIB = resolve(repoRoot, "examples/nginx-vip/cib.xml");

function capture(argv: string[]) {
  let out = "";
  let err = "";
  const code = run(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe("crm_simulate's options, on the parser every tool shares", () => {
  it("reads clustered flags as Pacemaker's crm_simulate does: -sL and -Ss", () => {
    const sl = readSimulateArgs(["-sL"]);
    expect([sl.scores, sl.live]).toEqual([true, true]);
    expect(wantsLiveCib(["-sL"])).toBe(true);
    const ss = capture(["-Ss", "-x", CIB]);
    expect(ss.code).toBe(0);
    expect(ss.out).toContain("Allocation scores:");
    expect(ss.out).toContain("Revised Cluster Status:");
  });

  it("takes a value glued to its flag, after =, or as the next word, and prints the same", () => {
    const separate = capture(["-S", "-x", CIB]).out;
    expect(capture(["-S", `-x${CIB}`]).out).toBe(separate);
    expect(capture(["-S", `--xml-file=${CIB}`]).out).toBe(separate);
  });

  it("counts -V and still simulates", () => {
    expect(readSimulateArgs(["-VVV", "-x", CIB]).verbose).toBe(3);
    expect(capture(["-V", "-S", "-x", CIB]).code).toBe(0);
  });

  it("answers --version in Pacemaker's two-line shape, and as XML with --output-as=xml", () => {
    const v = capture(["--version"]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(
      /^crm_simulate \(hbx \d+\.\d+\.\d+\), compatible with Pacemaker 2\.1\.5\nWritten by /,
    );
    const x = capture(["--version", "--output-as=xml"]);
    expect(x.out).toMatch(/^<pacemaker-result api-version="[\d.]+" request="crm_simulate --version/);
    expect(x.out).toContain('<version program="hbx"');
    expect(x.out).toContain('<status code="0" message="OK"/>');
  });

  it("accepts --output-as=text, refuses xml output as not supported, and an unknown format as usage", () => {
    expect(capture(["--output-as=text", "-S", "-x", CIB]).code).toBe(0);
    const xml = capture(["--output-as", "xml", "-S", "-x", CIB]);
    expect(xml.code).toBe(3);
    expect(xml.err.trim().split("\n")).toHaveLength(1);
    expect(xml.err).toContain("--output-as=xml");
    const bogus = capture(["--output-as=yaml", "-x", CIB]);
    expect(bogus.code).toBe(64);
    expect(bogus.err.split("\n")[0]).toBe("crm_simulate: Invalid --output-as: yaml (expected text or xml)");
  });

  it("names an unknown option or a missing value in the first line of a usage error", () => {
    const unknown = capture(["-Z"]);
    expect(unknown.code).toBe(64);
    expect(unknown.err.split("\n")[0]).toBe("crm_simulate: Unknown option -Z");
    const missing = capture(["-S", "-x"]);
    expect(missing.code).toBe(64);
    expect(missing.err.split("\n")[0]).toBe("crm_simulate: option requires an argument -- 'x'");
  });

  it("keeps -q for --quorum and -Q for --quiet, as Pacemaker does", () => {
    const a = readSimulateArgs(["-q", "1", "-Q", "-x", CIB]);
    expect(a.ext.inj.quorum).toBe("1");
    expect(a.quiet).toBe(true);
  });

  it("takes --socket for -L, so the live CIB can come from any hbxd", () => {
    expect(readSimulateArgs(["-L", "--socket", "/run/other/hbxd.sock"]).socket).toBe("/run/other/hbxd.sock");
    expect(readSimulateArgs(["-L", "--socket=/tmp/s"]).socket).toBe("/tmp/s");
  });
});
