import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "./schedule.js";
import { transitionSummaryLines } from "./print/summary.js";

/** Two cluster nodes, remote node r1 (connection resource r1) and a fencing device. */
function cib(opts: { connOps: string; fake: string; options?: string; extraRsc?: string }): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="true"/>${opts.options ?? ""}</cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources>
      <primitive id="fence" class="stonith" type="fence_xvm"/>
      <primitive id="r1" class="ocf" provider="pacemaker" type="remote"/>
      <primitive id="fake" class="ocf" provider="heartbeat" type="Dummy"/>${opts.extraRsc ?? ""}
    </resources>
    <constraints><rsc_location id="l1" rsc="fake" node="r1" score="100"/></constraints></configuration>
    <status>
      ${member("n1", `<lrm_resource id="fence" class="stonith" type="fence_xvm">${op("fence", "start", 0, 0)}</lrm_resource><lrm_resource id="r1" class="ocf" provider="pacemaker" type="remote">${opts.connOps}</lrm_resource>`)}
      ${member("n2", "")}
      <node_state id="r1" uname="r1" remote_node="true"><lrm id="r1"><lrm_resources>${opts.fake}</lrm_resources></lrm></node_state>
    </status></cib>`;
}
const member = (n: string, lrm: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
let call = 1;
const op = (rsc: string, task: string, interval: number, rc: number) =>
  `<lrm_rsc_op id="${rsc}_${task}_${interval}_${call}" operation="${task}" call-id="${call++}" rc-code="${rc}" op-status="0" interval="${interval}" transition-key="1:1:0:x"/>`;
const fakeRunning = `<lrm_resource id="fake" class="ocf" provider="heartbeat" type="Dummy">${op("fake", "start", 0, 0)}</lrm_resource>`;

const summary = (xml: string) =>
  transitionSummaryLines(schedule(parseXml(xml, "t.xml")).ws).map((l) => l.replace(/\s+/g, " "));

describe("remote nodes and fencing", () => {
  it("fences a remote node whose connection monitor failed, while recovering the connection", () => {
    const s = summary(
      cib({ connOps: op("r1", "start", 0, 0) + op("r1", "monitor", 60000, 1), fake: fakeRunning }),
    );
    expect(s).toContain("Fence (reboot) r1 'remote connection is unrecoverable'");
    expect(s).toContain("Recover r1 ( n1 )");
  });

  it("keeps a resource on a remote node whose stopped connection is started again", () => {
    const s = summary(cib({ connOps: op("r1", "stop", 0, 0), fake: fakeRunning }));
    expect(s.some((l) => l.startsWith("Fence"))).toBe(false);
    expect(s).toContain("Start r1 ( n1 )");
    expect(s.some((l) => l.includes("fake"))).toBe(false);
  });

  it("unfences cluster nodes before probing when a device provides unfencing", () => {
    const xml = cib({ connOps: op("r1", "start", 0, 0), fake: "" }).replace(
      '<primitive id="fence" class="stonith" type="fence_xvm"/>',
      '<primitive id="fence" class="stonith" type="fence_xvm"><meta_attributes id="m"><nvpair id="m1" name="provides" value="unfencing"/></meta_attributes></primitive>',
    );
    const s = summary(xml);
    expect(s).toContain("Fence (on) n2 'required by fence monitor'");
  });

  it("fences a remote node whose connection can run nowhere once its host is fenced", () => {
    const xml = cib({ connOps: op("r1", "start", 0, 0) + op("r1", "monitor", 60000, 0), fake: fakeRunning })
      .replace(
        'id="n1" uname="n1" in_ccm="true" crmd="online" join="member"',
        'id="n1" uname="n1" in_ccm="false" crmd="offline" join="down"',
      )
      .replace(
        "</constraints>",
        '<rsc_location id="l2" rsc="r1" node="n2" score="-INFINITY"/></constraints>',
      );
    const s = summary(xml);
    expect(s).toContain("Fence (reboot) r1 'resources are active but connection is unrecoverable'");
    expect(s).toContain("Move fake ( r1 -> n2 )");
  });
});
