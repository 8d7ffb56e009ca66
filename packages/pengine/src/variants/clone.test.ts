import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { clusterStatusLines } from "../print/status.js";

const nodes = ["node1", "node2", "node3"];
function cib(resources: string, status: string, constraints = ""): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
    <resources>${resources}</resources><constraints>${constraints}</constraints></configuration>
    <status>${status}</status></cib>`;
}
const state = (n: string, lrm = "", attrs = "") =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
  `<transient_attributes id="${n}"><instance_attributes id="${n}-a">${attrs}</instance_attributes></transient_attributes>` +
  `<lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
const op = (id: string, task: string, rc = 0, call = 5) =>
  `<lrm_resource id="${id}" class="ocf" provider="pacemaker" type="Stateful"><lrm_rsc_op id="${id}_${task}_0" operation="${task}" call-id="${call}" rc-code="${rc}" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
const clone = (meta: string) =>
  `<clone id="ms"><meta_attributes id="ms-m">${meta}</meta_attributes><primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone>`;
const nv = (name: string, value: string) => `<nvpair id="${name}" name="${name}" value="${value}"/>`;

function run(xml: string) {
  const t = schedule(parseXml(xml, "t.xml"));
  return {
    summary: transitionSummaryLines(t.ws)
      .map((l) => l.replace(/\s+/g, " "))
      .sort(),
    status: clusterStatusLines(t.ws),
  };
}

describe("clones", () => {
  it("keeps anonymous instances where they run, whatever number the history names", () => {
    const xml = cib(
      clone(nv("clone-max", "2")),
      state("node1", op("db:1", "start")) + state("node2", op("db", "start")) + state("node3"),
    );
    const { summary, status } = run(xml);
    expect(summary).toEqual([]);
    expect(status).toContain("      * Started: [ node1 node2 ]");
    // clone-max instances run, so Pacemaker lists no stopped node.
    expect(status.some((l) => l.includes("Stopped"))).toBe(false);
  });

  it("promotes the instance with the highest promotion score, once", () => {
    const xml = cib(
      clone(nv("promotable", "true")),
      state("node1", op("db", "start"), nv("master-db", "5")) +
        state("node2", op("db", "start"), nv("master-db", "10")) +
        state("node3", op("db", "start")),
    );
    const { summary, status } = run(xml);
    expect(summary).toEqual(["Promote db:1 ( Unpromoted -> Promoted node2 )"]);
    expect(status).toContain("    * Clone Set: ms [db] (promotable):");
    expect(status).toContain("      * Unpromoted: [ node1 node2 node3 ]");
  });

  it("promotes nothing without a promotion score or a Promoted-role location", () => {
    const xml = cib(clone(nv("promotable", "true")), state("node1") + state("node2") + state("node3"));
    expect(run(xml).summary).toEqual([
      "Start db:0 ( node1 )",
      "Start db:1 ( node2 )",
      "Start db:2 ( node3 )",
    ]);
  });

  it("follows a Promoted-role location rule for promotion, not placement", () => {
    const loc = `<rsc_location id="l" rsc="ms"><rule id="r" score="50" role="Promoted"><expression id="e" attribute="#uname" operation="eq" value="node3"/></rule></rsc_location>`;
    const xml = cib(
      clone(nv("promotable", "true") + nv("clone-max", "3")),
      state("node1") + state("node2") + state("node3"),
      loc,
    );
    expect(run(xml).summary).toEqual([
      "Promote db:2 ( Stopped -> Promoted node3 )",
      "Start db:0 ( node1 )",
      "Start db:1 ( node2 )",
    ]);
  });

  it("keeps the promoted instance and promotes no more than promoted-max", () => {
    const xml = cib(
      clone(nv("promotable", "true") + nv("clone-max", "2")),
      state("node1", op("db", "promote"), nv("master-db", "10")) +
        state("node2", op("db", "start"), nv("master-db", "5")) +
        state("node3", "", nv("master-db", "100")),
    );
    const { summary } = run(xml);
    expect(summary).toEqual([]);
  });
});
