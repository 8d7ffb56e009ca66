import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const running = `<lrm_resource id="p" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="p_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;

function summary(ticket: string, loss: string, lrm = running): string[] {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="true"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources><primitive id="fence" class="stonith" type="fence_xvm"/>
    <primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="pm">
    <nvpair id="pm1" name="resource-stickiness" value="100"/></meta_attributes></primitive></resources>
    <constraints><rsc_ticket id="t" rsc="p" ticket="tA" loss-policy="${loss}"/></constraints></configuration>
    <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
    <lrm id="n1"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>
    <node_state id="n2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
    <tickets>${ticket}</tickets></status></cib>`;
  return transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws)
    .map((l) => l.replace(/\s+/g, " "))
    .filter((l) => !l.includes("fence "));
}

describe("rsc_ticket", () => {
  it("lets the resource run while its ticket is granted", () => {
    expect(summary(`<ticket_state id="tA" granted="true"/>`, "stop")).toEqual([]);
  });

  it("stops it when the ticket is revoked, with loss-policy=stop", () => {
    expect(summary(`<ticket_state id="tA" granted="false"/>`, "stop")).toEqual([
      "Stop p ( n1 ) due to node availability",
    ]);
  });

  it("never starts it without the ticket", () => {
    expect(summary("", "stop", "")).toEqual([]);
  });

  it("leaves it where it runs with loss-policy=freeze", () => {
    expect(summary(`<ticket_state id="tA" granted="false"/>`, "freeze")).toEqual([]);
  });

  it("fences the node it runs on with loss-policy=fence", () => {
    const xmlLines = summary(`<ticket_state id="tA" granted="false"/>`, "fence");
    expect(xmlLines).toContain("Fence (reboot) n1 'deadman ticket was lost'");
  });

  it("stops it when the ticket is put on standby", () => {
    expect(summary(`<ticket_state id="tA" granted="true" standby="true"/>`, "stop")).toEqual([
      "Stop p ( n1 ) due to node availability",
    ]);
  });
});
