import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "./schedule.js";
import { transitionSummaryLines } from "./print/summary.js";
import { clusterStatusLines } from "./print/status.js";
import { simulateTransition } from "./simulate/execute.js";
import { unpackCluster } from "./schedule.js";

function cib(resources: string, status: string, constraints = "", nodes = ["node1", "node2"]): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
    <resources>${resources}</resources><constraints>${constraints}</constraints></configuration>
    <status>${status}</status></cib>`;
}
const online = (n: string, lrm = "") =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
const running = (id: string) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${id}_start_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource>`;

const run = (xml: string) => {
  const t = schedule(parseXml(xml, "t.xml"));
  return { t, summary: transitionSummaryLines(t.ws).map((l) => l.replace(/\s+/g, " ")) };
};

describe("schedule", () => {
  it("spreads stopped resources over the nodes, fewest assigned first", () => {
    const { summary } = run(cib(prim("a") + prim("b"), online("node1") + online("node2")));
    expect(summary).toEqual(["Start a ( node1 )", "Start b ( node2 )"]);
  });

  it("keeps a group on one node and starts its members there", () => {
    const { summary } = run(
      cib(`<group id="g">${prim("a")}${prim("b")}</group>`, online("node1") + online("node2")),
    );
    expect(summary).toEqual(["Start a ( node1 )", "Start b ( node1 )"]);
  });

  it("moves a resource away from a node banned by a location constraint", () => {
    const { summary } = run(
      cib(
        prim("a"),
        online("node1", running("a")) + online("node2"),
        `<rsc_location id="l" rsc="a" node="node1" score="-INFINITY"/>`,
      ),
    );
    expect(summary).toEqual(["Move a ( node1 -> node2 )"]);
  });

  it("restarts a dependent when what it is ordered after must start", () => {
    const { summary } = run(
      cib(prim("a") + prim("b"), online("node1", running("b")), `<rsc_order id="o" first="a" then="b"/>`, [
        "node1",
      ]),
    );
    expect(summary.sort()).toEqual(["Restart b ( node1 ) due to required a start", "Start a ( node1 )"]);
  });

  it("records simulated results so the revised status shows resources started", () => {
    const { t } = run(cib(prim("a"), online("node1"), "", ["node1"]));
    const after = unpackCluster(simulateTransition(t.ws).cib);
    expect(clusterStatusLines(after)).toContain("    * a\t(ocf:heartbeat:Dummy):\t Started node1");
  });

  it("fences an unclean node when fencing is enabled and says why", () => {
    const device = '<primitive id="fence" class="stonith" type="fence_xvm"/>';
    const xml = cib(prim("a") + device, online("node1"), "").replace('value="false"', 'value="true"');
    const { summary } = run(xml);
    expect(summary[0]).toBe("Fence (reboot) node2 'node is unclean'");
  });
});
