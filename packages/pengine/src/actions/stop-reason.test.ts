import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

describe("the reason a stop gives", () => {
  it("is node availability when the resource is placed nowhere, even without quorum", () => {
    const xml = `<cib have-quorum="0"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="stop"/>
      </cluster_property_set></crm_config><nodes><node id="n1" uname="n1"/></nodes>
      <resources><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></resources>
      <constraints><rsc_location id="l" rsc="p" node="n1" score="-INFINITY"/></constraints></configuration>
      <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="n1"><lrm_resources><lrm_resource id="p" class="ocf" provider="heartbeat" type="Dummy">
      <lrm_rsc_op id="p_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
      </lrm_resource></lrm_resources></lrm></node_state></status></cib>`;
    const lines = transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) =>
      l.replace(/\s+/g, " "),
    );
    expect(lines).toEqual(["Stop p ( n1 ) due to node availability"]);
  });
});

describe("no-quorum-policy=demote", () => {
  it("demotes what is promoted and stops the rest, naming the lost quorum", () => {
    const xml = `<cib have-quorum="0"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="demote"/>
      </cluster_property_set></crm_config><nodes><node id="n1" uname="n1"/></nodes>
      <resources><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/>
      <clone id="ms"><meta_attributes id="msm"><nvpair id="msm1" name="promotable" value="true"/></meta_attributes>
      <primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone></resources><constraints/></configuration>
      <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="n1"><lrm_resources><lrm_resource id="p" class="ocf" provider="heartbeat" type="Dummy">
      <lrm_rsc_op id="p_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
      </lrm_resource><lrm_resource id="db" class="ocf" provider="pacemaker" type="Stateful">
      <lrm_rsc_op id="db_last_0" operation="promote" call-id="4" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
      </lrm_resource></lrm_resources></lrm></node_state></status></cib>`;
    const lines = transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) =>
      l.replace(/\s+/g, " "),
    );
    expect(lines.sort()).toEqual([
      "Demote db:0 ( Promoted -> Unpromoted n1 )",
      "Stop p ( n1 ) due to no quorum",
    ]);
  });
});
