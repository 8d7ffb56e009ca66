import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const started = (id: string, call: number) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_last_0" operation="start" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
const state = (n: string, lrm: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

describe("an ordering with a clone as then", () => {
  it("restarts every instance when what it is ordered after starts, wherever that is", () => {
    const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
      <resources><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/>
      <clone id="c"><primitive id="q" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources>
      <constraints><rsc_order id="o" first="p" then="c"/></constraints></configuration>
      <status>${state("n1", started("q", 3))}${state("n2", started("q", 4))}</status></cib>`;
    const lines = transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) =>
      l.replace(/\s+/g, " "),
    );
    expect(lines.sort()).toEqual([
      "Restart q:0 ( n1 ) due to required p start",
      "Restart q:1 ( n2 ) due to required p start",
      "Start p ( n1 )",
    ]);
  });
});
