import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { simulateTransition } from "../simulate/execute.js";

let call = 1;
const op = (rsc: string, task: string, rc: number) =>
  `<lrm_rsc_op id="${rsc}_${task}_${call}" operation="${task}" call-id="${call++}" rc-code="${rc}" op-status="0" interval="0" transition-key="1:1:0:x"/>`;
const lrm = (id: string, ops: string) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource>`;
const member = (n: string, body: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${body}</lrm_resources></lrm></node_state>`;
const prim = (id: string, migrate: boolean) =>
  `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${
    migrate
      ? `<meta_attributes id="${id}-m"><nvpair id="${id}-am" name="allow-migrate" value="true"/></meta_attributes>`
      : ""
  }</primitive>`;

/** Two nodes; `n1Rscs` run on n1, `n2Rscs` on n2. */
function cib(resources: string, constraints: string, n1Rscs: string[], n2Rscs: string[]): string {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources>${resources}</resources><constraints>${constraints}</constraints></configuration>
    <status>${member("n1", n1Rscs.map((r) => lrm(r, op(r, "start", 0))).join(""))}${member(
      "n2",
      n2Rscs.map((r) => lrm(r, op(r, "start", 0))).join(""),
    )}</status></cib>`;
  return xml;
}

function summary(resources: string, constraints: string, n1Rscs: string[], n2Rscs: string[]): string[] {
  const ws = schedule(parseXml(cib(resources, constraints, n1Rscs, n2Rscs), "test.xml")).ws;
  return transitionSummaryLines(ws).map((l) => l.replace(/\s+/g, " "));
}

describe("live migration", () => {
  it("migrates a moving allow-migrate resource without restarting what is ordered after it", () => {
    const lines = summary(
      prim("A", true) + prim("B", false),
      `<rsc_order id="o" first="A" then="B"/><rsc_location id="l" rsc="A" node="n2" score="INFINITY"/>
       <rsc_location id="lb" rsc="B" node="n2" score="INFINITY"/>`,
      ["A"],
      ["B"],
    );
    expect(lines).toEqual(["Migrate A ( n1 -> n2 )"]);
  });

  it("moves by stop and start when an unmigratable resource ordered before it stops", () => {
    const lines = summary(
      prim("A", false) + prim("B", true),
      `<rsc_order id="o" first="A" then="B"/><rsc_location id="la" rsc="A" node="n2" score="INFINITY"/>
       <rsc_location id="lb" rsc="B" node="n1" score="INFINITY"/>`,
      ["A"],
      ["B"],
    );
    expect(lines.sort()).toEqual(["Move A ( n1 -> n2 )", "Move B ( n2 -> n1 ) due to unmigrateable A stop"]);
  });

  it("migrates group members up to the first one that cannot migrate", () => {
    const lines = summary(
      `<group id="g">${prim("A", true)}${prim("B", false)}${prim("C", true)}</group>`,
      `<rsc_location id="l" rsc="g" node="n2" score="INFINITY"/>`,
      ["A", "B", "C"],
      [],
    );
    expect(lines).toEqual([
      "Migrate A ( n1 -> n2 )",
      "Move B ( n1 -> n2 )",
      "Move C ( n1 -> n2 ) due to unmigrateable B stop",
    ]);
  });

  it("executes migrate_to, migrate_from, then the stop on the source, and ends on the target", () => {
    const xml = cib(prim("A", true), `<rsc_location id="l" rsc="A" node="n2" score="INFINITY"/>`, ["A"], []);
    const sim = simulateTransition(schedule(parseXml(xml, "test.xml")).ws);
    expect(sim.lines.map((l) => l.replace(/\s+/g, " "))).toEqual([
      // n2 has never seen A: it is probed first.
      " * Resource action: A monitor on n2",
      " * Resource action: A migrate_to on n1",
      " * Resource action: A migrate_from on n2",
      " * Resource action: A stop on n1",
    ]);
    const after = schedule(sim.cib).ws;
    expect(after.resourceById.get("A")!.runningOn.map((n) => n.name)).toEqual(["n2"]);
    expect(transitionSummaryLines(after)).toEqual([]);
  });
});
