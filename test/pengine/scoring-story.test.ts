/**
 * The Heartbeat v2 scoring story end to end: mysql prefers mysql1 (200) over mysql2 (150),
 * stickiness 100, failure stickiness -100. Each step is a CIB with the history so far; the
 * policy engine decides, and crm_simulate -s shows the scores behind each decision.
 */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseXml, repoRoot } from "@hbx/cib";
import { schedule, transitionSummaryLines } from "@hbx/pengine";
import { STORY_CONFIGURATION } from "./scoring-story-cib.js";

type Node = "mysql1" | "mysql2";

/** A CIB where mysql runs on `on` (its last monitor failed when `failed`) with these fail-counts. */
function cib(on: Node, failed: boolean, failCounts: Partial<Record<Node, number>>): string {
  const state = (node: Node): string => {
    const fc = failCounts[node] ?? 0;
    const attrs =
      fc > 0
        ? `<transient_attributes id="t-${node}"><instance_attributes id="ta-${node}">
             <nvpair id="fc-${node}" name="fail-count-mysql" value="${fc}"/>
           </instance_attributes></transient_attributes>`
        : "";
    const ops =
      node === on
        ? `<lrm_rsc_op id="mysql_start_0" operation="start" call-id="10" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
           <lrm_rsc_op id="mysql_monitor_10000" operation="monitor" call-id="11" rc-code="${failed ? 7 : 0}" op-status="0" interval="10000" transition-key="2:1:0:x"/>`
        : `<lrm_rsc_op id="mysql_monitor_0" operation="monitor" call-id="1" rc-code="7" op-status="0" interval="0" transition-key="3:1:7:x"/>`;
    return `<node_state id="${node}" uname="${node}" in_ccm="true" crmd="online" join="member" expected="member">
      ${attrs}
      <lrm id="${node}"><lrm_resources><lrm_resource id="mysql" class="lsb" type="mysql">${ops}</lrm_resource></lrm_resources></lrm>
    </node_state>`;
  };
  return `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1">
${STORY_CONFIGURATION}  <status>${state("mysql1")}${state("mysql2")}</status>
</cib>`;
}

function decide(on: Node, failed: boolean, fc: Partial<Record<Node, number>>) {
  const t = schedule(parseXml(cib(on, failed, fc), "story.xml"));
  const mysql = t.ws.resourceById.get("mysql")!;
  const scores = Object.fromEntries([...mysql.allowed.values()].map((e) => [e.node.name, e.score]));
  return {
    summary: transitionSummaryLines(t.ws).map((l) => l.replace(/\s+/g, " ")),
    placed: mysql.assigned?.name,
    scores,
  };
}

describe("the Heartbeat v2 scoring story", () => {
  it("keeps mysql on mysql1 while nothing fails: 200 + 100 stickiness against 150", () => {
    const d = decide("mysql1", false, {});
    expect(d.scores).toEqual({ mysql1: 300, mysql2: 150 });
    expect(d.summary).toEqual([]);
  });

  it("restarts mysql in place after the first failure (300 - 100 = 200 > 150)", () => {
    const d = decide("mysql1", true, { mysql1: 1 });
    expect(d.scores).toEqual({ mysql1: 200, mysql2: 150 });
    expect(d.summary).toEqual(["Recover mysql ( mysql1 )"]);
  });

  it("moves mysql to mysql2 after the second failure (300 - 200 = 100 < 150)", () => {
    const d = decide("mysql1", true, { mysql1: 2 });
    expect(d.scores).toEqual({ mysql1: 100, mysql2: 150 });
    expect(d.summary).toEqual(["Recover mysql ( mysql1 -> mysql2 )"]);
  });

  it("stays on mysql2 through two failures there and goes back to mysql1 on the third", () => {
    expect(decide("mysql2", true, { mysql1: 2, mysql2: 1 }).summary).toEqual(["Recover mysql ( mysql2 )"]);
    expect(decide("mysql2", true, { mysql1: 2, mysql2: 2 }).summary).toEqual(["Recover mysql ( mysql2 )"]);
    const third = decide("mysql2", true, { mysql1: 2, mysql2: 3 });
    expect(third.scores).toEqual({ mysql1: 0, mysql2: -50 });
    expect(third.summary).toEqual(["Recover mysql ( mysql2 -> mysql1 )"]);
  });

  it("never gives mysql2 the resource again once its score is negative", () => {
    const back = decide("mysql1", true, { mysql1: 3, mysql2: 3 });
    // mysql1: 200 + 100 - 300 = 0 still runs it; mysql2: 150 - 300 = -150 is a ban.
    expect(back.scores).toEqual({ mysql1: 0, mysql2: -150 });
    expect(back.placed).toBe("mysql1");
    const worse = decide("mysql1", true, { mysql1: 4, mysql2: 3 });
    expect(worse.placed).toBeUndefined();
    expect(worse.summary).toEqual(["Stop mysql ( mysql1 ) due to node availability"]);
  });

  const bin = resolve(repoRoot, "node_modules/.bin/crm_simulate");
  const built = existsSync(resolve(repoRoot, "packages/cli/dist/crm_simulate/main.js"));
  it.skipIf(!built)("shows each step's scores with the built crm_simulate -s", () => {
    const dir = mkdtempSync(join(tmpdir(), "story-"));
    const file = join(dir, "cib.xml");
    writeFileSync(file, cib("mysql1", true, { mysql1: 2 }));
    const out = execFileSync(
      existsSync(bin) ? bin : "node",
      existsSync(bin)
        ? ["-S", "-s", "-x", file]
        : [resolve(repoRoot, "packages/cli/bin/crm_simulate.js"), "-S", "-s", "-x", file],
      { encoding: "utf8" },
    );
    expect(out).toContain("pcmk__primitive_assign: mysql allocation score on mysql1: 100");
    expect(out).toContain("pcmk__primitive_assign: mysql allocation score on mysql2: 150");
    expect(out).toMatch(/Recover +mysql +\( mysql1 -> mysql2 \)/);
    expect(out).toMatch(/Revised Cluster Status:[\s\S]*mysql\t\(lsb:mysql\):\t Started mysql2/);
  });
});
