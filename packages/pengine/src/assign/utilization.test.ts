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
