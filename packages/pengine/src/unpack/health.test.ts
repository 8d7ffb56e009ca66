import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { clusterStatusLines } from "../print/status.js";

function cib(strategy: string, health: string): string {
  const state = (n: string, attrs = "") =>
    `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
    `<transient_attributes id="${n}"><instance_attributes id="t-${n}">${attrs}</instance_attributes></transient_attributes></node_state>`;
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/>
    <nvpair id="o2" name="node-health-strategy" value="${strategy}"/>
    <nvpair id="o3" name="node-health-yellow" value="-100"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints><rsc_location id="l" rsc="a" node="node1" score="50"/></constraints></configuration>
    <status>${state("node1", `<nvpair id="h" name="#health-disk" value="${health}"/>`)}${state("node2")}</status></cib>`;
}

const run = (strategy: string, health: string) => {
  const { ws } = schedule(parseXml(cib(strategy, health), "t.xml"));
  return {
    summary: transitionSummaryLines(ws).map((l) => l.replace(/\s+/g, " ")),
    status: clusterStatusLines(ws),
  };
};

describe("node health strategies", () => {
  it("migrate-on-red keeps resources off a red node and shows its colour", () => {
    const r = run("migrate-on-red", "red");
    expect(r.summary).toEqual(["Start a ( node2 )"]);
    expect(r.status).toContain("    * Node node1: online (health is RED)");
  });
  it("migrate-on-red tolerates yellow", () => {
    expect(run("migrate-on-red", "yellow").summary).toEqual(["Start a ( node1 )"]);
  });
  it("only-green bans yellow nodes too", () => {
    expect(run("only-green", "yellow").summary).toEqual(["Start a ( node2 )"]);
  });
  it("progressive adds node-health-yellow to the node's scores", () => {
    // 50 preference - 100 for yellow leaves node1 negative, so node2 wins.
    expect(run("progressive", "yellow").summary).toEqual(["Start a ( node2 )"]);
  });
  it("none ignores health attributes", () => {
    const r = run("none", "red");
    expect(r.summary).toEqual(["Start a ( node1 )"]);
    expect(r.status).toContain("    * Online: [ node1 node2 ]");
  });
});
