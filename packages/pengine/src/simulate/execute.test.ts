import { describe, expect, it } from "vitest";
import { parseXml, serializeXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { simulateTransition } from "./execute.js";

const CIB = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
  <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
  <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
  <resources><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/>
  <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></resources>
  <constraints><rsc_location id="l" rsc="a" node="n1" score="-INFINITY"/></constraints></configuration>
  <status>
  <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="n1"><lrm_resources>
  <lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="a_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>
  </lrm_resources></lrm></node_state>
  <node_state id="n2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status></cib>`;

describe("simulateTransition", () => {
  it("records the results in a new CIB and leaves the input untouched", () => {
    const input = parseXml(CIB, "t.xml");
    const before = serializeXml(input);
    const sim = simulateTransition(schedule(input).ws);
    expect(serializeXml(input)).toBe(before);
    const after = serializeXml(sim.cib);
    expect(after).not.toBe(before);
    // The three probes (a on n2, b on both) come first, with call ids after the highest (3),
    // finding nothing running (rc 7); then a moves from n1 to n2 and b starts.
    expect(after.match(/operation="monitor" call-id="[456]" rc-code="7"/g)).toHaveLength(3);
    expect(after).toContain('id="a_stop_0" operation="stop" call-id="7"');
    expect(after).toMatch(/<lrm id="n2">.*id="a_start_0"/s);
    expect(after).toMatch(/id="b_start_0" operation="start" call-id="[89]"/);
    // What the simulation did not touch is shared, not copied.
    const conf = (el: typeof input) =>
      el.children.find((c) => c.kind === "element" && c.name === "configuration");
    expect(conf(sim.cib)).toBe(conf(input));
  });
});

describe("simulateTransition with anonymous clone records", () => {
  it("stops a duplicate instance only in the record it was read from", () => {
    const rec = (id: string, task: string, call: number) =>
      `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_${task}" operation="${task}" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
    // p runs on n1 twice: recorded as p:1 (a start) and as p:0 (a probe that found it running).
    const cib = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes><node id="n1" uname="n1"/></nodes><resources><clone id="c">
      <primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources><constraints/></configuration>
      <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="n1"><lrm_resources>${rec("p:1", "start", 5)}${rec("p:0", "monitor", 6)}</lrm_resources></lrm></node_state></status></cib>`;
    const sim = simulateTransition(schedule(parseXml(cib, "t.xml")).ws);
    expect(sim.lines).toHaveLength(1);
    expect(sim.lines[0]).toMatch(/ stop on n1$/);
    const after = schedule(sim.cib).ws;
    expect(after.resourceById.get("p:0")!.runningOn.map((n) => n.name)).toEqual(["n1"]);
    expect(after.resourceById.get("p:1")?.runningOn ?? []).toEqual([]);
  });
});

describe("simulateTransition of a promoted instance that stops", () => {
  it("demotes it before stopping it, so the revised status shows it stopped", () => {
    const cib = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes><node id="n1" uname="n1"/></nodes><resources><clone id="ms">
      <meta_attributes id="msm"><nvpair id="msm1" name="promotable" value="true"/>
      <nvpair id="msm2" name="target-role" value="Stopped"/></meta_attributes>
      <primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone></resources><constraints/></configuration>
      <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="n1"><lrm_resources><lrm_resource id="db" class="ocf" provider="pacemaker" type="Stateful">
      <lrm_rsc_op id="db_last_0" operation="promote" call-id="6" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
      </lrm_resource></lrm_resources></lrm></node_state></status></cib>`;
    const sim = simulateTransition(schedule(parseXml(cib, "t.xml")).ws);
    const tasks = sim.lines.map((l) => / (demote|stop) on /.exec(l)?.[1]).filter(Boolean);
    expect(tasks).toEqual(["demote", "stop"]);
    expect(schedule(sim.cib).ws.resourceById.get("db:0")!.runningOn).toEqual([]);
  });
});
