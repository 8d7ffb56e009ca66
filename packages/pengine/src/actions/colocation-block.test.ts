import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const prim = (id: string, meta = "") =>
  `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${meta}</primitive>`;
const stopped = `<meta_attributes id="m"><nvpair id="m1" name="target-role" value="Stopped"/></meta_attributes>`;

function summary(constraints: string): string[] {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="node1"/></nodes>
    <resources>${prim("dep")}<group id="g">${prim("a")}${prim("b")}</group>${prim("gate", stopped)}</resources>
    <constraints><rsc_order id="o" first="gate" then="g"/>${constraints}</constraints></configuration>
    <status><node_state id="n1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`;
  return transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) => l.replace(/\s+/g, " "));
}

describe("colocation with a primary that cannot start", () => {
  it("blocks a mandatory dependent's start, naming the group it must run with", () => {
    expect(summary(`<rsc_colocation id="c" rsc="dep" with-rsc="g" score="INFINITY"/>`)).toContain(
      "Start dep ( node1 ) due to colocation with g (blocked)",
    );
  });

  it("leaves an advisory dependent free to start", () => {
    expect(summary(`<rsc_colocation id="c" rsc="dep" with-rsc="g" score="100"/>`)).toContain(
      "Start dep ( node1 )",
    );
  });
});
