import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";

function placement(constraints: string): string | undefined {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/></nodes>
    <resources><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></resources>
    <constraints>${constraints}</constraints></configuration><status>
    ${["n1", "n2", "n3"].map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join("")}
    </status></cib>`;
  return schedule(parseXml(xml, "t.xml")).ws.resourceById.get("p")!.assigned?.name;
}

describe("resource-discovery=exclusive", () => {
  it("keeps the resource on the nodes its exclusive constraints name", () => {
    expect(
      placement(`<rsc_location id="l" rsc="p" node="n3" score="0" resource-discovery="exclusive"/>`),
    ).toBe("n3");
  });

  it("outranks never on the same node", () => {
    const both =
      `<rsc_location id="l1" rsc="p" node="n2" score="0" resource-discovery="never"/>` +
      `<rsc_location id="l2" rsc="p" node="n2" score="0" resource-discovery="exclusive"/>`;
    expect(placement(both)).toBe("n2");
  });

  it("never alone only skips the probe and does not ban", () => {
    expect(placement(`<rsc_location id="l" rsc="p" node="n1" score="0" resource-discovery="never"/>`)).toBe(
      "n1",
    );
  });
});
