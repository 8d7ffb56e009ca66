/**
 * The Heartbeat v2 scoring story as an admin runs it with crm_simulate: inject a monitor
 * failure, simulate, save the result with -O, and inject again into the saved CIB. mysql
 * prefers mysql1 (200) over mysql2 (150) with stickiness 100 and failure stickiness -100, so
 * one failure keeps it on mysql1 (Recover) and the second moves it to mysql2.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseXml, walkElements } from "@hbx/cib";
import { run } from "../../packages/cli/src/crm_simulate/run.js";
import { STORY_CONFIGURATION } from "./scoring-story-cib.js";

const STORY = `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1">
${STORY_CONFIGURATION}  <status>
    <node_state id="mysql1" uname="mysql1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="mysql1"><lrm_resources><lrm_resource id="mysql" class="lsb" type="mysql">
        <lrm_rsc_op id="mysql_start_0" operation="start" call-id="10" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
        <lrm_rsc_op id="mysql_monitor_10000" operation="monitor" call-id="11" rc-code="0" op-status="0" interval="10000" transition-key="2:1:0:x"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    <node_state id="mysql2" uname="mysql2" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="mysql2"><lrm_resources><lrm_resource id="mysql" class="lsb" type="mysql">
        <lrm_rsc_op id="mysql_monitor_0" operation="monitor" call-id="1" rc-code="7" op-status="0" interval="0" transition-key="3:1:7:x"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
  </status>
</cib>`;

function sim(argv: string[]) {
  let out = "";
  let err = "";
  const code = run(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const summary = (out: string): string => out.slice(out.indexOf("Transition Summary:")).split("\n\n")[0];

function failCount(file: string): string | undefined {
  for (const el of walkElements(parseXml(readFileSync(file, "utf8"), file)))
    if (el.name === "nvpair" && el.attrs.name === "fail-count-mysql#monitor_10000") return el.attrs.value;
  return undefined;
}

describe("crm_simulate -i/-O: the scoring story in chained runs", () => {
  it("recovers in place after the first monitor failure and moves after the second", () => {
    const dir = mkdtempSync(join(tmpdir(), "story-"));
    const cib = join(dir, "cib.xml");
    const next = join(dir, "next.xml");
    const after = join(dir, "after.xml");
    writeFileSync(cib, STORY);

    const first = sim(["-x", cib, "-i", "mysql_monitor_10000@mysql1=1", "-S", "-s", "-O", next]);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain("Performing Requested Modifications:\n");
    expect(first.out).toContain("  * Injecting mysql_monitor_10000@mysql1=1 into the configuration\n");
    expect(first.out).toContain(
      "  * Injecting attribute fail-count-mysql#monitor_10000=value++ into /node_state 'mysql1'\n",
    );
    expect(summary(first.out)).toMatch(/\* Recover\s+mysql\s+\( mysql1 \)/);
    expect(failCount(next)).toBe("1");
    // The input file is untouched: -O writes elsewhere.
    expect(readFileSync(cib, "utf8")).toBe(STORY);

    const second = sim(["-x", next, "-i", "mysql_monitor_10000@mysql1=1", "-S", "-s", "-O", after]);
    expect(second.code).toBe(0);
    // Pacemaker names a failed resource's move "Recover ( from -> to )": here mysql2.
    expect(summary(second.out)).toMatch(/\* Recover\s+mysql\s+\( mysql1 -> mysql2 \)/);
    expect(failCount(after)).toBe("2");
    expect(second.out.slice(second.out.indexOf("Revised Cluster Status:"))).toMatch(
      /mysql\s.*Started mysql2/,
    );
  });

  it("refuses an op spec for a resource not configured, naming it, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "story-"));
    const cib = join(dir, "cib.xml");
    const saved = join(dir, "in.xml");
    writeFileSync(cib, STORY);
    const r = sim(["-x", cib, "-i", "nosuch_start_0@mysql1=1", "-I", saved]);
    expect(r.code).toBe(65);
    expect(r.err).toContain("nosuch");
    expect(() => readFileSync(saved)).toThrow();
    expect(sim(["-x", cib, "-i", "mysql_monitor@mysql1=1"]).code).toBe(65);
  });
});
