import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseXml, readVersion } from "@hbx/cib";
import {
  FileCibSource,
  StaleCibError,
  runCibadmin,
  runCrmResource,
  runCrmFailcount,
  runCrmAttribute,
} from "@hbx/cli";
import { fixtureText, pacemakerAvailable, runHbx, runPacemaker } from "./harness.js";

/**
 * Every rejected command leaves the CIB file byte-for-byte as it was and says why, naming the
 * file:line, the version or the element id; where Pacemaker rejects it too, the exit codes agree.
 */
describe("bad input leaves the CIB unchanged", () => {
  const original = fixtureText();
  const malformed = '<cib epoch="99">\n  <configuration>\n    <resources>\n  </configuration>\n</cib>\n';

  it("malformed XML in a replace is refused with file:line and nothing is written", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-bad-"));
    const bad = path.join(dir, "edited.xml");
    writeFileSync(bad, malformed);
    const r = await runHbx(runCibadmin, ["-R", "-x", bad], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(
      new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:\\d+: not well-formed XML`),
    );
    expect(r.stderr).toContain("nothing was changed");
    expect(r.cib).toBe(original);
  });

  it.skipIf(!pacemakerAvailable)("Pacemaker also refuses that replace and keeps its file", () => {
    const r = runPacemaker("cibadmin", ["-R", "-p"], original, malformed);
    expect(r.code).not.toBe(0);
    expect(r.cib).toBe(original);
  });

  it("a replace with an older epoch is refused, saying which version is newer", async () => {
    const older = original.replace('epoch="12"', 'epoch="11"');
    const r = await runHbx(runCibadmin, ["-R", "-p"], original, older);
    expect(r.code).toBe(103);
    expect(r.stderr).toContain("Update was older than existing configuration");
    expect(r.stderr).toContain("the replacement is version 0.11.3 but the CIB is at 0.12.3, which is newer");
    expect(r.cib).toBe(original);
  });

  it("a delete of a missing id says nothing matched and writes nothing", async () => {
    const r = await runHbx(runCibadmin, ["-D", "-X", '<rsc_order id="nope"/>'], original);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no <rsc_order id="nope">');
    expect(r.cib).toBe(original);
  });

  it("an xpath that matches nothing is an error for a query and a no-op for a delete", async () => {
    const q = await runHbx(runCibadmin, ["-Q", "--xpath", "//primitive[@id='zz']"], original);
    expect(q.code).toBe(105);
    expect(q.stderr).toContain("xpath '//primitive[@id='zz']' matched nothing");
    const d = await runHbx(runCibadmin, ["-D", "--xpath", "//primitive[@id='zz']"], original);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain("matched nothing; the CIB is unchanged");
    expect(d.cib).toBe(original);
  });

  it("a malformed xpath names the position of the mistake", async () => {
    const r = await runHbx(runCibadmin, ["-Q", "--xpath", "//node[@uname='alpha'"], original);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid XPath .* at character \d+: expected '\]'/);
  });

  it("an unknown resource is named and nothing is written", async () => {
    for (const argv of [
      ["-W", "-r", "nope"],
      ["-p", "ip", "-r", "nope", "-v", "1"],
      ["-M", "-r", "nope", "-H", "beta"],
      ["-D", "-r", "nope", "-t", "primitive"],
    ]) {
      const r = await runHbx(runCrmResource, argv, original);
      expect(r.code, argv.join(" ")).toBe(105);
      expect(r.stderr).toContain("Resource 'nope' not found");
      expect(r.cib).toBe(original);
    }
  });

  it("deleting a resource that constraints still name is refused, naming each constraint", async () => {
    const r = await runHbx(runCrmResource, ["-D", "-r", "web", "-t", "group"], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Update does not conform to the configured schema");
    expect(r.stderr).toContain(`<rsc_location id="loc-web-alpha">: rsc references an unknown id 'web'`);
    expect(r.stderr).toContain(`<rsc_colocation id="col-web-vip">: rsc references an unknown id 'web'`);
    expect(r.stderr).toContain(`<rsc_order id="ord-vip-web">: then references an unknown id 'web'`);
    expect(r.cib).toBe(original);
  });

  it("an unknown node is refused by crm_resource, crm_attribute and crm_failcount", async () => {
    const a = await runHbx(runCrmResource, ["--ban", "-r", "vip", "-N", "nowhere"], original);
    expect(a.code).toBe(105);
    expect(a.stderr).toContain("Node 'nowhere' not found");
    const b = await runHbx(runCrmAttribute, ["-n", "rack", "-v", "1", "-N", "nowhere"], original);
    expect(b.code).toBe(105);
    const c = await runHbx(runCrmFailcount, ["-D", "-r", "db", "-N", "nowhere"], original);
    expect(c.code).toBe(105);
    for (const r of [a, b, c]) expect(r.cib).toBe(original);
  });

  it("a write based on a version that is no longer current is refused (no lost updates)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-stale-"));
    const file = path.join(dir, "cib.xml");
    writeFileSync(file, original);
    const source = new FileCibSource(file);
    const mine = await source.read();
    // Someone else's change lands between my read and my write.
    const theirs = await runHbx(runCibadmin, ["-B"], original);
    writeFileSync(file, theirs.cib);
    mine.attrs.epoch = "13";
    await expect(source.write(mine, readVersion(parseXml(original)))).rejects.toBeInstanceOf(StaleCibError);
    expect(readFileSync(file, "utf8")).toBe(theirs.cib);
  });

  it("a missing CIB_file is reported like a cluster that cannot be reached", async () => {
    const r = await runHbx(runCibadmin, ["-Q"], original);
    expect(r.code).toBe(0);
    const io = (await import("@hbx/cli")).memoryIo({});
    expect(await runCibadmin(["-Q"], io)).toBe(102);
    expect(io.err).toContain("Could not connect to the CIB");
  });
});
