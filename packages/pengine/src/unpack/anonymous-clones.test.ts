import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
const op = (id: string, task: string, call: number) =>
  `<lrm_rsc_op id="${id}_${task}_${call}" operation="${task}" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>`;
const history = (id: string, ops: Array<[string, number]>) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy">${ops.map(([t, c]) => op(id, t, c)).join("")}</lrm_resource>`;
const state = (n: string, lrm: string, attrs = "") =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
  `<transient_attributes id="${n}"><instance_attributes id="${n}-t">${attrs}</instance_attributes></transient_attributes>` +
  `<lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
const cib = (clone: string, status: string) =>
  `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/></nodes>
    <resources>${clone}</resources><constraints/></configuration><status>${status}</status></cib>`;

describe("anonymous clone histories", () => {
  it("reads a stale second history of a cloned group's member as an orphan, not over a configured instance", () => {
    const clone = `<clone id="c"><group id="g">${prim("a")}${prim("b")}</group></clone>`;
    // a and b run on node1 under instance number 1; older stopped records carry number 0.
    const node1 = [
      history("a:1", [["start", 10]]),
      history("b:1", [["start", 11]]),
      history("a:0", [
        ["start", 2],
        ["stop", 3],
      ]),
      history("b:0", [
        ["start", 4],
        ["stop", 5],
      ]),
    ].join("");
    const { ws } = schedule(parseXml(cib(clone, state("node1", node1) + state("node2", "")), "t.xml"));
    const a0 = ws.resourceById.get("a:0")!;
    const b0 = ws.resourceById.get("b:0")!;
    expect(a0.parent?.id).toBe("g:0");
    expect(a0.runningOn.map((n) => n.name)).toEqual(["node1"]);
    expect(b0.runningOn.map((n) => n.name)).toEqual(["node1"]);
    expect(ws.resourceById.get("g:2")?.orphan).toBe(true);
  });

  it("adds up fail-counts recorded under different instance numbers and moves the clone away", () => {
    const clone = `<clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="1"/>
      <nvpair id="cm2" name="migration-threshold" value="3"/></meta_attributes>${prim("p")}</clone>`;
    const counts =
      `<nvpair id="f0" name="fail-count-p:0#monitor_10000" value="2"/>` +
      `<nvpair id="f1" name="fail-count-p:1#monitor_10000" value="1"/>`;
    const status = state("node1", history("p:0", [["start", 10]]), counts) + state("node2", "");
    const lines = transitionSummaryLines(schedule(parseXml(cib(clone, status), "t.xml")).ws);
    expect(lines.map((l) => l.replace(/\s+/g, " "))).toEqual(["Move p:0 ( node1 -> node2 )"]);
  });
});

describe("instance attributes of a clone", () => {
  it("are inherited by what it holds, so a digest recorded with them matches", () => {
    const clone = `<clone id="c"><instance_attributes id="ci"><nvpair id="ci1" name="clone-max" value="2"/>
      </instance_attributes><primitive id="p" class="ocf" provider="heartbeat" type="Dummy">
      <instance_attributes id="pi"><nvpair id="pi1" name="state" value="/run/p"/>
      <nvpair id="pi2" name="clone-max" value="7"/></instance_attributes></primitive></clone>`;
    const { ws } = schedule(parseXml(cib(clone, state("node1", "") + state("node2", "")), "t.xml"));
    expect(Object.fromEntries(ws.resourceById.get("p:0")!.params)).toEqual({
      "clone-max": "7",
      state: "/run/p",
    });
  });
});

describe("an anonymous instance on a node being fenced", () => {
  const xml = (requires: string) => `<cib have-quorum="1"><configuration><crm_config/>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/><node id="node3" uname="node3"/></nodes>
    <resources><primitive id="fence" class="stonith" type="fence_xvm"/><clone id="c">
    <meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="1"/></meta_attributes>
    <primitive id="p" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="pm">
    <nvpair id="pm1" name="requires" value="${requires}"/></meta_attributes></primitive></clone></resources>
    <constraints/></configuration><status>
    <node_state id="node1" uname="node1" in_ccm="false" crmd="offline" join="down" expected="member">
    <lrm id="node1"><lrm_resources>${history("p", [["start", 5]])}</lrm_resources></lrm></node_state>
    ${state("node2", "")}${state("node3", "")}</status></cib>`;

  it("is an orphan when the resource needs only quorum, so the configured instance starts elsewhere", () => {
    const { ws } = schedule(parseXml(xml("quorum"), "t.xml"));
    expect(ws.resourceById.get("p:0")!.runningOn).toEqual([]);
    expect(ws.resourceById.get("p:1")?.orphan).toBe(true);
  });

  it("keeps its instance when the resource needs fencing first", () => {
    const { ws } = schedule(parseXml(xml("fencing"), "t.xml"));
    expect(ws.resourceById.get("p:0")!.runningOn.map((n) => n.name)).toEqual(["node1"]);
  });
});

describe("a probe that finds an anonymous clone's agent not installed", () => {
  it("keeps every instance off that node, not only the one the history was read into", () => {
    const clone = `<clone id="c"><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone>`;
    const notInstalled = `<lrm_resource id="p" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="p_last_failure_0" operation="monitor" call-id="2" rc-code="5" op-status="0" interval="0" transition-key="1:1:7:x"/></lrm_resource>`;
    const { ws } = schedule(parseXml(cib(clone, state("node1", notInstalled) + state("node2", "")), "t.xml"));
    const placed = ws.resourceById.get("c")!.children.map((i) => i.assigned?.name ?? null);
    expect(placed.sort()).toEqual(["node2", null]);
  });
});
