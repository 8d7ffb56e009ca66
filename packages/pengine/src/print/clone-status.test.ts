import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { unpackCluster } from "../schedule.js";
import { clusterStatusLines } from "./status.js";

const op = (key: string, call: number, rc: number) =>
  `<lrm_rsc_op id="${key}" operation_key="${key}" operation="${key.includes("start") ? "start" : "monitor"}" call-id="${call}" rc-code="${rc}" op-status="0" interval="0" transition-key="1:1:0:x"/>`;
const lrm = (id: string, ops: string) =>
  `<lrm_resource id="${id}" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource>`;
const state = (n: string, body: string) =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${body}</lrm_resources></lrm></node_state>`;

function cloneLines(cloneMax: number, status: string): string[] {
  const xml = `<cib have-quorum="1"><configuration><crm_config/>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/></nodes>
    <resources><clone id="c"><meta_attributes id="cm"><nvpair id="cm1" name="clone-max" value="${cloneMax}"/>
    </meta_attributes><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources>
    <constraints/></configuration><status>${status}</status></cib>`;
  const lines = clusterStatusLines(unpackCluster(parseXml(xml, "t.xml")));
  return lines.slice(lines.findIndex((l) => l.includes("Clone Set"))).map((l) => l.trim());
}

describe("an anonymous clone's status", () => {
  it("lists no stopped nodes once clone-max instances run", () => {
    const status = state("n1", lrm("p", op("p_start_0", 3, 0))) + state("n2", "") + state("n3", "");
    expect(cloneLines(1, status)).toEqual(["* Clone Set: c [p]:", "* Started: [ n1 ]"]);
  });

  it("groups stopped nodes by what a failed probe found there", () => {
    const status =
      state("n1", lrm("p", op("p_start_0", 3, 0))) +
      state("n2", lrm("p", op("p_monitor_0", 2, 5))) +
      state("n3", "");
    expect(cloneLines(3, status)).toEqual([
      "* Clone Set: c [p]:",
      "* Started: [ n1 ]",
      "* Stopped: [ n3 ]",
      "* Stopped (Not installed): [ n2 ]",
    ]);
  });

  it("shows an instance on a node that is down and to be fenced on its own line", () => {
    const lost = `<node_state id="n3" uname="n3" in_ccm="false" crmd="offline" join="down" expected="member"><lrm id="n3"><lrm_resources>${lrm("p", op("p_start_0", 4, 0))}</lrm_resources></lrm></node_state>`;
    const lines = cloneLines(3, state("n1", lrm("p", op("p_start_0", 3, 0))) + state("n2", "") + lost);
    expect(lines).toContain("* p\t(ocf:heartbeat:Dummy):\t Started n3 (UNCLEAN)");
    expect(lines).toContain("* Started: [ n1 ]");
  });
});
