import { describe, expect, it } from "vitest";
import { childElements, firstChild, parseXml } from "@hbx/cib";
import { expandGuestNodes } from "./guest-nodes.js";
import { unpackCluster } from "../schedule.js";
import { clusterStatusLines } from "../print/status.js";

const node = (n: string, lrm = ""): string =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

function cib(resources: string, status: string): string {
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="a" uname="a"/><node id="b" uname="b"/></nodes>
    <resources>${resources}</resources><constraints/></configuration><status>${status}</status></cib>`;
}

const vm = (id: string, guest: string, extra = ""): string =>
  `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="${id}-m">
   <nvpair id="${id}-rn" name="remote-node" value="${guest}"/>${extra}</meta_attributes></primitive>`;

describe("guest nodes", () => {
  it("adds a connection primitive named for the guest node, launched by its primitive", () => {
    const input = parseXml(
      cib(
        vm("vm1", "g1", `<nvpair id="vm1-ra" name="remote-addr" value="192.0.2.9"/>`) +
          `<group id="grp">${vm("vm2", "g2")}</group>`,
        "",
      ),
      "t.xml",
    );
    const out = expandGuestNodes(input);
    const resources = firstChild(firstChild(out, "configuration")!, "resources")!;
    const added = childElements(resources, "primitive").filter((p) => p.attrs.type === "remote");
    expect(added.map((p) => p.attrs.id)).toEqual(["g1", "g2"]);
    const nvpairs = (p: (typeof added)[number], set: string) =>
      Object.fromEntries(
        childElements(firstChild(p, set)!, "nvpair").map((nv) => [nv.attrs.name, nv.attrs.value]),
      );
    expect(nvpairs(added[0], "meta_attributes")).toEqual({ internal: "true", container: "vm1" });
    expect(nvpairs(added[0], "instance_attributes")).toEqual({ addr: "192.0.2.9" });
    // The input itself is left as it was.
    const before = firstChild(firstChild(input, "configuration")!, "resources")!;
    expect(childElements(before, "primitive").map((p) => p.attrs.id)).toEqual(["vm1"]);
  });

  it("reads remote-node inside Heartbeat v2's <attributes> wrapper too", () => {
    const v2 = vm("vm1", "g1").replace(
      /(<meta_attributes[^>]*>)([^]*)(<\/meta_attributes>)/,
      "$1<attributes>$2</attributes>$3",
    );
    expect(v2).toContain("<attributes>");
    const out = expandGuestNodes(parseXml(cib(v2, ""), "t.xml"));
    const resources = firstChild(firstChild(out, "configuration")!, "resources")!;
    expect(childElements(resources, "primitive").map((p) => p.attrs.id)).toEqual(["vm1", "g1"]);
  });

  it("leaves the configuration alone when a resource already has the guest node's name", () => {
    const input = parseXml(
      cib(vm("vm1", "g1") + `<primitive id="g1" class="ocf" provider="pacemaker" type="remote"/>`, ""),
      "t.xml",
    );
    expect(expandGuestNodes(input)).toBe(input);
  });

  it("lists a running guest node as GuestOnline, hides a stopped one and its connection", () => {
    const started = (rsc: string, type: string, call: number) =>
      `<lrm_resource id="${rsc}" class="ocf" provider="${type === "remote" ? "pacemaker" : "heartbeat"}" type="${type}"><lrm_rsc_op id="${rsc}_last_0" operation="start" call-id="${call}" rc-code="0" op-status="0" interval="0" transition-key="${call}:1:0:x"/></lrm_resource>`;
    const xml = cib(
      vm("vm1", "g1") + vm("vm2", "g2"),
      node("a", started("vm1", "Dummy", 3) + started("g1", "remote", 4)) + node("b"),
    );
    const lines = clusterStatusLines(unpackCluster(parseXml(xml, "t.xml")));
    expect(lines).toContain("    * GuestOnline: [ g1 ]");
    expect(lines.some((l) => l.includes("g2") && l.includes("OFFLINE"))).toBe(false);
    expect(lines.some((l) => l.includes("ocf:pacemaker:remote"))).toBe(false);
  });

  it("makes an orphaned connection that names a container a guest node, hidden once offline", () => {
    const orphan = `<lrm_resource id="gone" class="ocf" provider="pacemaker" type="remote" container="vm1"><lrm_rsc_op id="gone_last_0" operation="stop" call-id="5" rc-code="0" op-status="0" interval="0" transition-key="5:1:0:x"/></lrm_resource>`;
    const xml = cib(
      `<primitive id="vm1" class="ocf" provider="heartbeat" type="Dummy"/>`,
      node("a", orphan) + node("b"),
    );
    const lines = clusterStatusLines(unpackCluster(parseXml(xml, "t.xml")));
    expect(lines.some((l) => l.includes("gone"))).toBe(false);
  });
});
