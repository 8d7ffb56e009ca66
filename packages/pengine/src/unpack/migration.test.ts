import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { simulateTransition } from "../simulate/execute.js";

/** One op of vm; migrate_to/migrate_from carry source n1 and target n2. */
const op = (task: string, call: number, rc = 0) =>
  `<lrm_rsc_op id="vm_${task}_${call}" operation="${task}" call-id="${call}" rc-code="${rc}" op-status="0" interval="0" transition-key="1:1:0:x"${
    task.startsWith("migrate") ? ` migrate_source="n1" migrate_target="n2"` : ""
  }/>`;
const node = (n: string, ops: string, online = true) =>
  `<node_state id="${n}" uname="${n}" in_ccm="${online}" crmd="${online ? "online" : "offline"}" join="${online ? "member" : "down"}" expected="${online ? "member" : "down"}"><lrm id="${n}"><lrm_resources><lrm_resource id="vm" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource></lrm_resources></lrm></node_state>`;

/** vm (allow-migrate) may run on n1 or n2, never on n3. */
function cib(n1: string, n2: string, n2Online = true): string {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/></nodes>
    <resources><primitive id="vm" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="m">
      <nvpair id="am" name="allow-migrate" value="true"/></meta_attributes></primitive></resources>
    <constraints><rsc_location id="l" rsc="vm" node="n3" score="-INFINITY"/></constraints></configuration>
    <status>${node("n1", n1)}${node("n2", n2, n2Online)}</status></cib>`;
  return xml;
}

function run(n1: string, n2: string, n2Online = true): string[] {
  const ws = schedule(parseXml(cib(n1, n2, n2Online), "test.xml")).ws;
  return transitionSummaryLines(ws).map((l) => l.replace(/\s+/g, " "));
}

describe("interrupted live migrations in the history", () => {
  it("takes a completed migration as done even when the stop on the source is missing", () => {
    expect(run(op("start", 1) + op("migrate_to", 2), op("monitor", 1, 7) + op("migrate_from", 3))).toEqual(
      [],
    );
  });

  it("stops the remnant on the source of a completed migration", () => {
    const xml = cib(op("start", 1) + op("migrate_to", 2), op("monitor", 1, 7) + op("migrate_from", 3));
    const sim = simulateTransition(schedule(parseXml(xml, "test.xml")).ws);
    expect(sim.lines.map((l) => l.replace(/\s+/g, " "))).toEqual([" * Resource action: vm stop on n1"]);
  });

  it("recovers a resource whose migrate_from failed while the source still runs it", () => {
    const lines = run(op("start", 1) + op("migrate_to", 2), op("migrate_from", 3, 1) + op("stop", 4));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Recover vm \( n1/);
  });

  it("recovers instead of migrating when the migration target has gone", () => {
    const lines = run(op("start", 1) + op("migrate_to", 2), op("monitor", 1, 7), false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Recover vm \( n1/);
  });

  it("restarts on the target of a failed migrate_to, which may hold part of it", () => {
    expect(run(op("start", 1) + op("migrate_to", 5, 1) + op("stop", 6), op("monitor", 2, 7))).toEqual([
      "Restart vm ( n2 )",
    ]);
  });
});
