import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { graphDot, transitionGraphXml, writeGraphXml } from "./graph.js";
import { type PlannedAction, buildPlannedGraph } from "./model.js";

const node = (n: string, up = true) =>
  up
    ? `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`
    : `<node_state id="${n}" uname="${n}" in_ccm="false" crmd="offline" join="down" expected="member"/>`;

/** A group of two Dummies with configured ops and parameters; stonith on, with a device. */
function cib(states: string, stonith = "false"): string {
  return `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1" dc-uuid="alpha">
  <configuration>
    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="${stonith}"/></cluster_property_set></crm_config>
    <nodes><node id="alpha" uname="alpha"/><node id="bravo" uname="bravo"/></nodes>
    <resources>
      <group id="g">
        <primitive id="a" class="ocf" provider="heartbeat" type="Dummy">
          <instance_attributes id="a-ia"><nvpair id="a-ia-1" name="state" value="/run/a &amp; b"/></instance_attributes>
          <operations>
            <op id="a-start" name="start" interval="0" timeout="45s"/>
            <op id="a-mon" name="monitor" interval="10s" timeout="1min"/>
          </operations>
        </primitive>
        <primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>
      </group>
      <primitive id="fence" class="stonith" type="fence_dummy"/>
    </resources>
    <constraints><rsc_location id="l1" rsc="g" node="alpha" score="100"/></constraints>
  </configuration>
  <status>${states}</status>
</cib>`;
}

const graphOf = (xml: string) => {
  const ws = schedule(parseXml(xml, "t.xml"), { now: new Date(0) }).ws;
  return { ws, graph: buildPlannedGraph(ws) };
};
const find = (actions: readonly PlannedAction[], key: string, on?: string) =>
  actions.find((a) => a.key === key && (on === undefined || a.node?.name === on));

describe("the planned transition graph", () => {
  const { ws, graph } = graphOf(cib(node("alpha") + node("bravo")));

  it("numbers its actions by position, executed actions before the pseudo actions between them", () => {
    graph.actions.forEach((a, i) => expect(a.id).toBe(i));
    const firstPseudo = graph.actions.findIndex((a) => a.kind === "pseudo_event");
    expect(firstPseudo).toBeGreaterThan(0);
    expect(graph.actions.slice(firstPseudo).every((a) => a.kind === "pseudo_event")).toBe(true);
    // The group's start is a point in the ordering, not an operation; its running orders
    // nothing that runs here, so it is not in the graph.
    expect(find(graph.actions, "g_start_0")?.kind).toBe("pseudo_event");
    expect(find(graph.actions, "g_running_0")).toBeUndefined();
  });

  it("carries what the LRM needs: agent, instance attributes, the op's timeout and the expected rc", () => {
    const start = find(graph.actions, "a_start_0", "alpha")!;
    expect(start).toMatchObject({
      kind: "rsc_op",
      task: "start",
      node: { name: "alpha", uuid: "alpha" },
      rsc: { id: "a", class: "ocf", provider: "heartbeat", type: "Dummy" },
      params: { state: "/run/a & b" },
      timeoutMs: 45_000,
      targetRc: 0,
    });
    // A probe expects "not running"; an op with no definition gets the 20 s default.
    expect(find(graph.actions, "b_monitor_0", "bravo")).toMatchObject({ targetRc: 7, timeoutMs: 20_000 });
    expect(find(graph.actions, "a_monitor_10000", "alpha")).toMatchObject({
      timeoutMs: 60_000,
      meta: { CRM_meta_on_node: "alpha", CRM_meta_timeout: "20000", CRM_meta_interval: "10000" },
    });
  });

  it("orders b's start after a's start directly and after the group's start through a pseudo action", () => {
    const bStart = find(graph.actions, "b_start_0", "alpha")!;
    const inputs = bStart.inputs.map((i) => graph.actions[i].key);
    expect(inputs).toContain("a_start_0");
    expect(inputs).toContain("g_start_0");
  });

  it("is plain data: a JSON copy writes the same -G graph as the working set", () => {
    const copy = JSON.parse(JSON.stringify(graph)) as typeof graph;
    expect(copy).toEqual(graph);
    const chunks: string[] = [];
    writeGraphXml(copy, (c) => chunks.push(c));
    expect(chunks.join("")).toBe(transitionGraphXml(ws));
    // -G writes what runs; the pseudo actions stay in the graph for the engine's orderings.
    expect(transitionGraphXml(ws)).not.toContain("pseudo_event");
  });

  it("draws -D from the same graph: executed actions, and orderings between them without pseudo actions", () => {
    const dot = graphDot(graph);
    expect(dot).toContain('"a_start_0 alpha" -> "b_start_0 alpha" [ style = bold]');
    expect(dot).toContain('"a_start_0 alpha" -> "a_monitor_10000 alpha" [ style = bold]');
    expect(dot).not.toContain("g_start_0");
  });

  it("makes fencing a crm_event naming its target and action", () => {
    const { graph: fenced } = graphOf(cib(node("alpha") + node("bravo", false), "true"));
    const stonith = fenced.actions.find((a) => a.kind === "crm_event");
    expect(stonith).toMatchObject({
      task: "stonith",
      key: "stonith-bravo-reboot",
      fence: { target: { name: "bravo", uuid: "bravo" }, action: "reboot" },
      meta: { CRM_meta_on_node: "bravo", CRM_meta_stonith_action: "reboot" },
    });
  });
});
