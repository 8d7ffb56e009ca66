/**
 * crm_simulate -F: an action of the simulated transition fails with the given rc, is recorded
 * with its fail-count, and -O saves the failed state for the next run; compared with
 * Pacemaker's crm_simulate where it is installed.
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../packages/cli/src/crm_simulate/run.js";

const PACEMAKER = "/usr/sbin/crm_simulate";

const CIB = `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1" validate-with="pacemaker-3.0">
  <configuration>
    <crm_config><cluster_property_set id="opts">
      <nvpair id="o1" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="mysql1"/><node id="2" uname="mysql2"/></nodes>
    <resources><primitive id="mysql" class="ocf" provider="heartbeat" type="Dummy">
      <meta_attributes id="m"><nvpair id="m1" name="resource-stickiness" value="100"/></meta_attributes>
    </primitive></resources>
    <constraints>
      <rsc_location id="prefer-1" rsc="mysql" node="mysql1" score="200"/>
      <rsc_location id="prefer-2" rsc="mysql" node="mysql2" score="150"/>
    </constraints>
  </configuration>
  <status>
    <node_state id="1" uname="mysql1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="mysql2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

function hbx(argv: string[]): { code: number; out: string } {
  let out = "";
  const code = run(argv, { stdout: (s) => (out += s), stderr: (s) => (out += s) });
  return { code, out };
}

const revised = (out: string): string => out.slice(out.indexOf("Revised Cluster Status:"));
const failLines = (out: string): string[] =>
  out
    .split("\n")
    .filter((l) => l.includes("Injecting attribute"))
    .map((l) => l.replace(/=\d+ into/, "=<now> into"));

describe("crm_simulate -F", () => {
  it("fails the named start, records it and its fail-count, and the next run recovers it", () => {
    const dir = mkdtempSync(join(tmpdir(), "opfail-"));
    const cib = join(dir, "cib.xml");
    const next = join(dir, "next.xml");
    writeFileSync(cib, CIB);
    const r = hbx(["-x", cib, "-S", "-F", "mysql_start_0@mysql1=1", "-O", next]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Pretending action \d+ failed with rc=1$/m);
    expect(failLines(r.out)).toEqual([
      "  * Injecting attribute fail-count-mysql#start_0=value++ into /node_state '1'",
      "  * Injecting attribute last-failure-mysql#start_0=<now> into /node_state '1'",
    ]);
    expect(revised(r.out)).toMatch(/mysql\t\(ocf:heartbeat:Dummy\):\t FAILED mysql1/);
    const saved = readFileSync(next, "utf8");
    expect(saved).toContain('exit-reason="User-injected result"');
    expect(saved).toContain('name="fail-count-mysql#start_0" value="1"');
    // The simulator adds one to the fail-count (not INFINITY as a controller would for a failed
    // start), so with stickiness the next run recovers it where it is, as Pacemaker 2.1.5 does.
    expect(hbx(["-S", "-x", next]).out).toMatch(/\* Recover\s+mysql\s+\( mysql1 \)\n/);
  });

  it.skipIf(!existsSync(PACEMAKER))("stops the transition at a failed stop, as Pacemaker does", () => {
    const dir = mkdtempSync(join(tmpdir(), "opfail-"));
    const cib = join(dir, "cib.xml");
    const running = join(dir, "running.xml");
    writeFileSync(cib, CIB);
    expect(hbx(["-x", cib, "-S", "-O", running]).code).toBe(0);
    const argv = ["-x", running, "-S", "-i", "mysql_monitor_10000@mysql1=7", "-F", "mysql_stop_0@mysql1=1"];
    const theirs = execFileSync(PACEMAKER, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const ours = hbx(argv).out;
    const summary = (out: string): string => out.slice(out.indexOf("Transition Summary:")).split("\n\n")[0];
    expect(summary(ours)).toMatch(/Recover\s+mysql\s+\( mysql1 \)/);
    expect(summary(ours)).toBe(summary(theirs));
    // The start that would follow the stop never runs.
    expect(ours).not.toMatch(/Resource action: mysql\s+start/);
    expect(failLines(ours)).toEqual(failLines(theirs));
    expect(revised(ours)).toBe(revised(theirs));
    expect(revised(ours)).toContain("FAILED mysql1 (blocked)");
  });

  it.skipIf(!existsSync(PACEMAKER))("prints the failure and the revised status as Pacemaker does", () => {
    const dir = mkdtempSync(join(tmpdir(), "opfail-"));
    const cib = join(dir, "cib.xml");
    writeFileSync(cib, CIB);
    const argv = ["-x", cib, "-S", "-F", "mysql_start_0@mysql1=1"];
    const theirs = execFileSync(PACEMAKER, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const ours = hbx(argv).out;
    expect(failLines(ours)).toEqual(failLines(theirs));
    expect(revised(ours)).toBe(revised(theirs));
  });
});
