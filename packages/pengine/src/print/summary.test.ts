import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "./summary.js";

function cib(ids: string[], nodes: string[]): string {
  const prims = ids
    .map((id) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`)
    .join("");
  const states = nodes
    .map(
      (n) =>
        `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources/></lrm></node_state>`,
    )
    .join("");
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
    <resources>${prims}</resources><constraints/></configuration><status>${states}</status></cib>`;
}

const summary = (ids: string[], nodes: string[]) =>
  transitionSummaryLines(schedule(parseXml(cib(ids, nodes), "t.xml")).ws);

describe("transition summary padding", () => {
  it("pads every line, the first included, to the widths the whole list reaches", () => {
    // Pacemaker formats the summary once for its log before printing it, and
    // its widths only grow, so the printed lines all share the final widths.
    expect(summary(["a", "long-resource1"], ["n1"])).toEqual([
      "Start      a                  (    n1 )",
      "Start      long-resource1     (    n1 )",
    ]);
  });

  it("widens the resource column to an id's length plus two only when the id overflows it", () => {
    // 7 > 5 widens to 9; the next id (8) fits in 9, so the column stays 9.
    expect(summary(["abcdefg", "abcdefgh"], ["node1"])).toEqual([
      "Start      abcdefg     ( node1 )",
      "Start      abcdefgh    ( node1 )",
    ]);
  });

  it("right-aligns details to the longest one, starting from five", () => {
    expect(summary(["a"], ["n1"])).toEqual(["Start      a       (    n1 )"]);
  });
});
