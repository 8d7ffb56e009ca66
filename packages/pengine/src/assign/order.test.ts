import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const member = (n: string, lrm: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
const prim = (id: string, meta = "") =>
  `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${meta}</primitive>`;
const running = (id: string) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_start_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;

function summary(resources: string, n1: string, n2: string): string[] {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources>${resources}</resources><constraints/></configuration>
    <status>${member("n1", n1)}${member("n2", n2)}</status></cib>`;
  return transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) => l.replace(/\s+/g, " "));
}

describe("assignment order", () => {
  it("assigns in configuration order, so a running resource stays put on a tie", () => {
    // Everything scores 0. x stays on n1; b (stopped, configured before a) takes n2, which has
    // fewer resources; a then ties 1:1 and stays on n2. Ranking running resources first would
    // have put b on n1 instead.
    expect(summary(prim("x") + prim("b") + prim("a"), running("x"), running("a"))).toEqual([
      "Start b ( n2 )",
    ]);
  });

  it("assigns a higher priority resource first", () => {
    const high = `<meta_attributes id="m"><nvpair id="m1" name="priority" value="10"/></meta_attributes>`;
    expect(summary(prim("b") + prim("a", high), "", "")).toEqual(["Start a ( n1 )", "Start b ( n2 )"]);
  });
});
