import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { clusterStatusLines } from "../print/status.js";

function cib(resources: string, status: string, constraints = ""): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources>${resources}</resources><constraints>${constraints}</constraints></configuration>
    <status>${status}</status></cib>`;
}
const nv = (name: string, value: string) => `<nvpair id="${name}" name="${name}" value="${value}"/>`;
const state = (n: string, lrm: string, attrs: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
  `<transient_attributes id="${n}"><instance_attributes id="${n}-a">${attrs}</instance_attributes></transient_attributes>` +
  `<lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
const history = (id: string, task: string, rc = 0) =>
  `<lrm_resource id="${id}" class="ocf" provider="pacemaker" type="Stateful"><lrm_rsc_op id="${id}_${task}_0" operation="${task}" call-id="5" rc-code="${rc}" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
const ms = `<clone id="ms"><meta_attributes id="ms-m">${nv("promotable", "true")}${nv("clone-max", "2")}</meta_attributes><primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone>`;

function run(xml: string) {
  const t = schedule(parseXml(xml, "t.xml"));
  return {
    summary: transitionSummaryLines(t.ws)
      .map((l) => l.replace(/\s+/g, " "))
      .sort(),
    status: clusterStatusLines(t.ws),
  };
}

describe("promotable clones", () => {
  it("reads an anonymous instance's promotion score under the name its history carries", () => {
    // node1's history says db:1 (it becomes instance db:0), node2's says db:0 (instance db:1);
    // the agents set master-<history name>.
    const xml = cib(
      ms,
      state("node1", history("db:1", "start"), nv("master-db:1", "10")) +
        state("node2", history("db:0", "start"), nv("master-db:0", "20")),
    );
    expect(run(xml).summary).toEqual(["Promote db:1 ( Unpromoted -> Promoted node2 )"]);
  });

  it("does not promote where a colocation limited to the Unpromoted role puts the primary", () => {
    const xml = cib(
      `<primitive id="A" class="ocf" provider="pacemaker" type="Dummy"/>${ms}`,
      state("node1", history("db", "start"), nv("master-db", "20")) +
        state("node2", history("db", "start"), nv("master-db", "10")),
      `<rsc_location id="l" rsc="A" node="node1" score="INFINITY"/>` +
        `<rsc_colocation id="c" rsc="ms" rsc-role="Unpromoted" with-rsc="A" score="INFINITY"/>`,
    );
    expect(run(xml).summary).toEqual(["Promote db:1 ( Unpromoted -> Promoted node2 )", "Start A ( node1 )"]);
  });
});
