import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

describe("on-fail=demote", () => {
  it("recovers a failed promoted instance by demoting it, without a restart", () => {
    const op = (id: string, task: string, call: number, rc: number, interval = 0) =>
      `<lrm_rsc_op id="${id}" operation="${task}" call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}" transition-key="1:1:${task === "monitor" ? 8 : 0}:x"/>`;
    const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes><node id="n1" uname="n1"/></nodes><resources><clone id="ms">
      <meta_attributes id="msm"><nvpair id="msm1" name="promotable" value="true"/></meta_attributes>
      <primitive id="db" class="ocf" provider="pacemaker" type="Stateful"><operations>
      <op id="db-mon" name="monitor" interval="10s" role="Promoted" on-fail="demote"/></operations></primitive>
      </clone></resources><constraints/></configuration>
      <status><node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="n1"><lrm_resources><lrm_resource id="db" class="ocf" provider="pacemaker" type="Stateful">
      ${op("db_last_0", "promote", 4, 0)}${op("db_monitor_10000", "monitor", 5, 1, 10000)}
      </lrm_resource></lrm_resources></lrm></node_state></status></cib>`;
    const lines = transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) =>
      l.replace(/\s+/g, " "),
    );
    expect(lines.some((l) => l.startsWith("Recover") || l.startsWith("Stop"))).toBe(false);
    expect(lines.some((l) => l.startsWith("Demote db:0") || l.startsWith("Re-promote db:0"))).toBe(true);
  });
});
