import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { unpackCluster } from "../schedule.js";

/** One node whose controller still runs, expected down, with a shutdown request recorded. */
function node1(shutdown: string, crmd = "online") {
  const xml = `<cib have-quorum="1"><configuration><crm_config/>
    <nodes><node id="n1" uname="node1"/></nodes><resources/><constraints/></configuration>
    <status><node_state id="n1" uname="node1" in_ccm="true" crmd="${crmd}" join="member" expected="down">
    <transient_attributes id="n1"><instance_attributes id="t1">
    <nvpair id="t1-s" name="shutdown" value="${shutdown}"/></instance_attributes></transient_attributes>
    </node_state></status></cib>`;
  return unpackCluster(parseXml(xml, "t.xml")).nodeByName.get("node1")!;
}

describe("a node asked to shut down", () => {
  it("is online, not pending, while its controller runs, and takes no resources", () => {
    const n = node1("1234");
    expect([n.online, n.pending, n.shutdown, n.unclean]).toEqual([true, false, true, false]);
  });

  it("is offline, not unclean, once its controller has stopped", () => {
    const n = node1("1234", "offline");
    expect([n.online, n.unclean]).toEqual([false, false]);
  });

  it("without a shutdown request but expected down, is pending while it rejoins", () => {
    const n = node1("0");
    expect([n.online, n.pending]).toEqual([true, true]);
  });

  it("counts a member whose controller is not up and that is not expected up as pending", () => {
    const xml = `<cib have-quorum="1"><configuration><crm_config/><nodes><node id="n1" uname="node1"/></nodes>
      <resources/><constraints/></configuration>
      <status><node_state id="n1" uname="node1" in_ccm="true" crmd="offline"/></status></cib>`;
    const n = unpackCluster(parseXml(xml, "t.xml")).nodeByName.get("node1")!;
    expect([n.online, n.pending, n.unclean]).toEqual([true, true, false]);
  });
});
