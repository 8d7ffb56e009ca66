import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { hasFailures, queryFailCount } from "./status.js";

/** alpha's fail counts for vip, nvpairs in the set (Pacemaker) or in `<attributes>` (Heartbeat v2). */
function cib(v2: boolean) {
  const nv = `<nvpair id="s-fc-mon" name="fail-count-vip#monitor_10000" value="2"/>
    <nvpair id="s-fc-start" name="fail-count-vip#start_0" value="1"/>`;
  return parseXml(
    `<cib><configuration/><status><node_state id="1" uname="alpha">
      <transient_attributes id="1"><instance_attributes id="status-1">${v2 ? `<attributes>${nv}</attributes>` : nv}
      </instance_attributes></transient_attributes></node_state></status></cib>`,
    "t.xml",
  );
}

describe("fail counts as crm_failcount reads them", () => {
  it("sums a resource's fail counts the same in either form", () => {
    for (const v2 of [false, true]) {
      expect(queryFailCount(cib(v2), "alpha", "vip")).toEqual({ name: "fail-count-vip", value: "3" });
      expect(queryFailCount(cib(v2), "alpha", "vip", "monitor", 10000).value).toBe("2");
      expect(hasFailures(cib(v2), "vip", "alpha")).toBe(true);
    }
  });
});
