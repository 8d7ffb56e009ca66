import { describe, expect, it } from "vitest";
import { operationDigest, parseXml, restartDigest } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

/** One Dummy on node1 with its start recorded with the given digests, configured with `params`. */
function cib(params: Record<string, string>, startAttrs: string): string {
  const nv = Object.entries(params)
    .map(([k, v]) => `<nvpair id="p-${k}" name="${k}" value="${v}"/>`)
    .join("");
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="node1" uname="node1"/></nodes>
    <resources><primitive id="r" class="ocf" provider="heartbeat" type="Dummy">
      <instance_attributes id="r-ia">${nv}</instance_attributes></primitive></resources>
    <constraints/></configuration>
    <status><node_state id="node1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="node1"><lrm_resources><lrm_resource id="r" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="r_start_0" operation="start" call-id="5" rc-code="0" op-status="0" interval="0"
          transition-key="1:1:0:x" ${startAttrs}/>
      </lrm_resource></lrm_resources></lrm></node_state></status></cib>`;
}

const summary = (xml: string): string[] =>
  transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) => l.replace(/\s+/g, " "));

const digestOf = (p: Record<string, string>): string => operationDigest({ ...p, CRM_meta_interval: "0" });

describe("definition changes found from recorded digests", () => {
  it("leaves a resource alone when its recorded op-digest matches", () => {
    const p = { state: "/run/a", fake: "1" };
    expect(summary(cib(p, `op-digest="${digestOf(p)}"`))).toEqual([]);
  });

  it("restarts it when the parameters changed and the agent recorded no restart digest", () => {
    const old = digestOf({ state: "/run/a", fake: "1" });
    expect(summary(cib({ state: "/run/a", fake: "2" }, `op-digest="${old}"`))).toEqual([
      "Restart r ( node1 ) due to resource definition change",
    ]);
  });

  it("reloads it when only reloadable parameters changed", () => {
    const before = { state: "/run/a", fake: "1" };
    const restart = restartDigest({ ...before, CRM_meta_interval: "0" }, ["state"]);
    const attrs = `op-digest="${digestOf(before)}" op-force-restart=" state " op-restart-digest="${restart}"`;
    expect(summary(cib({ state: "/run/a", fake: "2" }, attrs))).toEqual(["Reload r ( node1 )"]);
    // A change to a parameter on the op-force-restart list still needs a restart.
    expect(summary(cib({ state: "/run/b", fake: "1" }, attrs))).toEqual([
      "Restart r ( node1 ) due to resource definition change",
    ]);
  });
});
