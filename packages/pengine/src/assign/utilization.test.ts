import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";

const util = (id: string, pairs: Record<string, number>) =>
  `<utilization id="${id}-u">${Object.entries(pairs)
    .map(([k, v]) => `<nvpair id="${id}-u-${k}" name="${k}" value="${v}"/>`)
    .join("")}</utilization>`;

function placement(strategy: string): Record<string, string | null> {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="placement-strategy" value="${strategy}"/>
    </cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1">${util("n1", { memory: 1024 })}</node><node id="n2" uname="n2">${util("n2", { memory: 512 })}</node></nodes>
    <resources>
    <primitive id="big" class="ocf" provider="heartbeat" type="Dummy">${util("big", { memory: 800 })}</primitive>
    <primitive id="small" class="ocf" provider="heartbeat" type="Dummy">${util("small", { memory: 400 })}</primitive>
    <primitive id="huge" class="ocf" provider="heartbeat" type="Dummy">${util("huge", { memory: 2000 })}</primitive>
    </resources><constraints/></configuration><status>
    ${["n1", "n2"].map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join("")}
    </status></cib>`;
  const ws = schedule(parseXml(xml, "t.xml")).ws;
  return Object.fromEntries(
    ["big", "small", "huge"].map((id) => [id, ws.resourceById.get(id)!.assigned?.name ?? null]),
  );
}

describe("placement by utilization", () => {
  it("places a resource only where its utilization still fits", () => {
    expect(placement("utilization")).toEqual({ big: "n1", small: "n2", huge: null });
  });

  it("ignores utilization with the default strategy", () => {
    expect(placement("default").huge).not.toBeNull();
  });
});

describe("the order resources are placed in under a placement strategy", () => {
  it("places first the resource with the higher score where it runs, so it keeps its room", () => {
    // n1 is in standby: a (running there) and b (running on n2, sticky) compete for n2's room.
    const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="placement-strategy" value="balanced"/>
      </cluster_property_set></crm_config>
      <nodes><node id="n1" uname="n1">${util("n1", { cpu: 1 })}<instance_attributes id="n1-a">
      <nvpair id="n1-s" name="standby" value="on"/></instance_attributes></node><node id="n2" uname="n2">${util("n2", { cpu: 1 })}</node></nodes>
      <resources>
      <primitive id="a" class="ocf" provider="heartbeat" type="Dummy">${util("a", { cpu: 1 })}</primitive>
      <primitive id="b" class="ocf" provider="heartbeat" type="Dummy">${util("b", { cpu: 1 })}<meta_attributes id="bm">
      <nvpair id="bm1" name="resource-stickiness" value="100"/></meta_attributes></primitive>
      </resources><constraints/></configuration><status>
      ${["n1", "n2"]
        .map(
          (n) =>
            `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources><lrm_resource id="${n === "n1" ? "a" : "b"}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="x_${n}" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/></lrm_resource></lrm_resources></lrm></node_state>`,
        )
        .join("")}
      </status></cib>`;
    const ws = schedule(parseXml(xml, "t.xml")).ws;
    expect(ws.resourceById.get("b")!.assigned?.name).toBe("n2");
    expect(ws.resourceById.get("a")!.assigned).toBeNull();
  });
});
