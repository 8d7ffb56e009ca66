import { describe, expect, it } from "vitest";
import { MINUS_INFINITY, parseXml } from "@hbx/cib";
import { unpackCluster } from "../schedule.js";
import { compareInstances, snapshotScores } from "./clone-assign.js";

describe("the order clone instances are placed in", () => {
  it("puts an active instance first when its node was allowed before the clone's colocations", () => {
    const xml = `<cib have-quorum="1"><configuration><crm_config/>
      <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
      <resources><clone id="c"><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources>
      <constraints/></configuration><status>
      <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="n1"><lrm_resources>
      <lrm_resource id="p" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="p_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>
      </lrm_resources></lrm></node_state></status></cib>`;
    const ws = unpackCluster(parseXml(xml, "t.xml"));
    const clone = ws.resourceById.get("c")!;
    const [p0, p1] = clone.children;
    const before = snapshotScores(clone.children);
    // A colocation then bans every instance from n1, where p:0 runs.
    for (const inst of clone.children) inst.allowed.get("n1")!.score = MINUS_INFINITY;
    const order = (b?: typeof before) =>
      [p1, p0].sort(compareInstances(clone, new Map([["n1", 1]]), undefined, b)).map((r) => r.id);
    expect(order(before)).toEqual(["p:0", "p:1"]);
    expect(order()).toEqual(["p:1", "p:0"]);
  });
});
