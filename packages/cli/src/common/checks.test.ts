import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { checkCib, schedulerProblems } from "./checks.js";

const cib = (
  constraints: string,
  resources = '<primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/>',
) =>
  parseXml(
    `<cib><configuration><crm_config/><nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes><resources>${resources}</resources><constraints>${constraints}</constraints></configuration><status/></cib>`,
  );

describe("CIB checks", () => {
  it("finds nothing wrong in a consistent configuration", () => {
    expect(checkCib(cib('<rsc_order id="o1" first="a" then="b"/>'))).toEqual([]);
  });
  it("names dangling references in constraints and resource sets", () => {
    const p = checkCib(
      cib(
        '<rsc_colocation id="c1" rsc="a" with-rsc="x" score="INFINITY"/><rsc_order id="o2"><resource_set id="s1"><resource_ref id="y"/></resource_set></rsc_order>',
      ),
    );
    expect(p.map((x) => [x.severity, x.elementId])).toEqual([
      ["error", "c1"],
      ["error", "y"],
    ]);
  });
  it("finds an ordering loop once, whatever resource the walk starts from", () => {
    const p = checkCib(cib('<rsc_order id="o1" first="a" then="b"/><rsc_order id="o2" first="b" then="a"/>'));
    expect(p.filter((x) => x.message.startsWith("ordering loop"))).toHaveLength(1);
  });
  it("ignores advisory orderings when looking for loops", () => {
    const p = checkCib(
      cib('<rsc_order id="o1" first="a" then="b"/><rsc_order id="o2" first="b" then="a" kind="Optional"/>'),
    );
    expect(p).toEqual([]);
  });
  it("asks for fencing unless it is disabled under any of its names", () => {
    expect(schedulerProblems(cib(""))).toHaveLength(1);
    const off = parseXml(
      '<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith_enabled" value="false"/></cluster_property_set></crm_config><resources/></configuration></cib>',
    );
    expect(schedulerProblems(off)).toEqual([]);
  });
});
