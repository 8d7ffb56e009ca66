import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { activeNode, multiplyActive } from "./active.js";

const started = (id: string, cls: string, type: string) =>
  `<lrm_resource id="${id}" class="${cls}" type="${type}"${cls === "ocf" ? ' provider="heartbeat"' : ""}>` +
  `<lrm_rsc_op id="${id}_last_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;
const state = (n: string, lrm: string, lost = false) =>
  `<node_state id="${n}" uname="${n}" in_ccm="${!lost}" crmd="${lost ? "offline" : "online"}" join="${lost ? "down" : "member"}" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

/** A fencing device and a service both found on node2 (lost, to be fenced) and on node3. */
function cluster() {
  const xml = `<cib have-quorum="1"><configuration><crm_config/>
    <nodes><node id="node1" uname="node1"/><node id="node2" uname="node2"/><node id="node3" uname="node3"/></nodes>
    <resources><primitive id="fencer" class="stonith" type="fence_dummy"/>
      <primitive id="svc" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/></configuration>
    <status>${state("node1", "")}${state("node2", started("fencer", "stonith", "fence_dummy") + started("svc", "ocf", "Dummy"), true)}
    ${state("node3", started("fencer", "stonith", "fence_dummy") + started("svc", "ocf", "Dummy"))}</status></cib>`;
  return schedule(parseXml(xml, "t.xml")).ws;
}

describe("where a resource counts as active", () => {
  it("takes a fencing device on a node being fenced as active only where it runs cleanly", () => {
    const ws = cluster();
    const fencer = ws.resourceById.get("fencer")!;
    expect(ws.nodeByName.get("node2")!.unclean).toBe(true);
    expect(activeNode(fencer, ws)?.name).toBe("node3");
    expect(multiplyActive(fencer, ws)).toBe(false);
  });

  it("counts a service that needs fencing as active on both nodes, and recovers it", () => {
    const ws = cluster();
    const svc = ws.resourceById.get("svc")!;
    expect(activeNode(svc, ws)?.name).toBe("node2");
    expect(multiplyActive(svc, ws)).toBe(true);
    const lines = transitionSummaryLines(ws).map((l) => l.replace(/\s+/g, " "));
    // What Pacemaker 2.1.5 prints for the same cluster (fencer left alone, svc recovered).
    expect(lines).toEqual([
      "Fence (reboot) node2 'peer is no longer part of the cluster'",
      "Move svc ( node2 -> node1 )",
    ]);
  });
});
