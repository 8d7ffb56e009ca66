import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const prim = (id: string): string => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
const op = (id: string, call: number): string =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_start_0" operation="start" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
const state = (n: string, lrm: string): string =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

/** group2 runs on node1 and is anti-colocated (-5000) with group1 on node2; member2b is banned from node1. */
function cib(stickiness: string): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources><group id="group1">${prim("member1a")}${prim("member1b")}</group>
      <group id="group2">${prim("member2a")}${prim("member2b")}</group></resources>
    <constraints><rsc_colocation id="anti" rsc="group2" with-rsc="group1" score="-5000"/>
      <rsc_location id="ban" rsc="member2b" node="node1" score="-INFINITY"/></constraints>
    <rsc_defaults><meta_attributes id="d"><nvpair id="d1" name="resource-stickiness" value="${stickiness}"/></meta_attributes></rsc_defaults>
    </configuration><status>${state("node1", op("member2a", 3) + op("member2b", 4))}${state("node2", op("member1a", 1) + op("member1b", 2))}</status></cib>`;
}

const summary = (xml: string): string[] =>
  transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws)
    .map((l) => l.replace(/\s+/g, " "))
    .sort();

describe("an anti-colocated group that can run on one node only", () => {
  it("moves the primary group out of its way when nothing holds the primary in place", () => {
    expect(summary(cib("0"))).toEqual([
      "Move member1a ( node2 -> node1 )",
      "Move member1b ( node2 -> node1 )",
      "Move member2a ( node1 -> node2 )",
      "Move member2b ( node1 -> node2 )",
    ]);
  });

  it("joins the primary instead, against the optional anti-colocation, when the primary is sticky", () => {
    expect(summary(cib("INFINITY"))).toEqual([
      "Move member2a ( node1 -> node2 )",
      "Move member2b ( node1 -> node2 )",
    ]);
  });
});
