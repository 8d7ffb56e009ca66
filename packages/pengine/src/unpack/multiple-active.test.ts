import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
const started = (id: string) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_last_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
const state = (n: string, lrm: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

/** Group g (a, b) with `a` found running on both nodes, b on node1 only. */
function cluster(groupMeta: string) {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources><group id="g">${groupMeta}${prim("a")}${prim("b")}</group></resources><constraints/></configuration>
    <status>${state("node1", started("a") + started("b"))}${state("node2", started("a"))}</status></cib>`;
  return schedule(parseXml(xml, "t.xml")).ws;
}

describe("multiple-active=block on a group", () => {
  it("blocks every member and touches none of them", () => {
    const ws = cluster(
      `<meta_attributes id="gm"><nvpair id="gm1" name="multiple-active" value="block"/></meta_attributes>`,
    );
    for (const id of ["a", "b"]) {
      expect(ws.resourceById.get(id)!.blocked).toBe(true);
      expect(ws.resourceById.get(id)!.managed).toBe(false);
    }
    expect(transitionSummaryLines(ws)).toEqual([]);
  });

  it("by default recovers the member active twice, leaving its siblings managed", () => {
    const ws = cluster("");
    expect(ws.resourceById.get("b")!.managed).toBe(true);
    expect(transitionSummaryLines(ws).length).toBeGreaterThan(0);
  });
});
