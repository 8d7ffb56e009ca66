import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { simulateTransition } from "../simulate/execute.js";
import { transitionGraphXml } from "../graph/graph.js";

const member = (n: string, body: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${body}</lrm_resources></lrm></node_state>`;
const ops = `<operations><op id="a-mon" name="monitor" interval="10s"/></operations>`;

function cib(constraints: string, n1History: string, n2History = ""): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources><primitive id="a" class="ocf" provider="heartbeat" type="Dummy">${ops}</primitive></resources>
    <constraints>${constraints}</constraints></configuration>
    <status>${member("n1", n1History)}${member("n2", n2History)}</status></cib>`;
}

const history = (ops: string) =>
  `<lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource>`;
const started = `<lrm_rsc_op id="a_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>`;
const monitoring = `<lrm_rsc_op id="a_monitor_10000" operation="monitor" call-id="4" rc-code="0" op-status="0" interval="10000" transition-key="1:1:0:x"/>`;
const probedStopped = `<lrm_rsc_op id="a_last_0" operation="monitor" call-id="2" rc-code="7" op-status="0" interval="0" transition-key="1:1:7:x"/>`;

function lines(xml: string): string[] {
  return simulateTransition(schedule(parseXml(xml, "t.xml")).ws).lines.map((l) => l.replace(/\s+/g, " "));
}

describe("probes and recurring monitors", () => {
  it("probes where the state is unknown, then starts and monitors the resource", () => {
    const xml = cib(`<rsc_location id="l" rsc="a" node="n2" score="100"/>`, "", "");
    expect(lines(xml)).toEqual([
      " * Resource action: a monitor on n1",
      " * Resource action: a monitor on n2",
      " * Resource action: a start on n2",
      " * Resource action: a monitor=10000 on n2",
    ]);
    const graph = transitionGraphXml(schedule(parseXml(xml, "t.xml")).ws);
    expect(graph).toContain('operation_key="a_monitor_10000" on_node="n2"');
    expect(graph).toContain('CRM_meta_interval="10000"');
  });

  it("schedules nothing for a resource that runs with its monitor already recorded", () => {
    expect(lines(cib("", history(started + monitoring), history(probedStopped)))).toEqual([]);
  });

  it("starts the monitor of a running resource that lacks it, and records it in the result", () => {
    const xml = cib("", history(started), history(probedStopped));
    expect(lines(xml)).toEqual([" * Resource action: a monitor=10000 on n1"]);
    const sim = simulateTransition(schedule(parseXml(xml, "t.xml")).ws);
    // Once recorded, the next transition has nothing left to do.
    expect(simulateTransition(schedule(sim.cib).ws).lines).toEqual([]);
  });

  it("cancels a running monitor whose op was removed from the configuration", () => {
    const stale = monitoring.replace(/10000/g, "5000");
    expect(lines(cib("", history(started + stale), history(probedStopped)))).toEqual([
      " * Resource action: a cancel=5000 on n1",
      " * Resource action: a monitor=10000 on n1",
    ]);
  });

  it("cancels the monitors of a resource in maintenance and schedules none", () => {
    const xml = cib("", history(started + monitoring), history(probedStopped)).replace(
      "</primitive>",
      `<meta_attributes id="a-m"><nvpair id="a-mm" name="maintenance" value="true"/></meta_attributes></primitive>`,
    );
    expect(lines(xml)).toEqual([" * Resource action: a cancel=10000 on n1"]);
  });

  it("does not probe a node whose location constraint says resource-discovery=never", () => {
    const xml = cib(
      `<rsc_location id="l" rsc="a" node="n2" score="-INFINITY" resource-discovery="never"/>`,
      "",
    );
    expect(lines(xml)).toEqual([
      " * Resource action: a monitor on n1",
      " * Resource action: a start on n1",
      " * Resource action: a monitor=10000 on n1",
    ]);
  });

  it("probes only the nodes an exclusive discovery constraint names", () => {
    const xml = cib(`<rsc_location id="l" rsc="a" node="n2" score="0" resource-discovery="exclusive"/>`, "");
    expect(lines(xml).filter((l) => l.includes("monitor on"))).toEqual([
      " * Resource action: a monitor on n2",
    ]);
  });
});
