import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { unpackCluster } from "../schedule.js";
import { isUniqueClone } from "../assign/clone-assign.js";

function clone(cls: string) {
  const agent =
    cls === "lsb" ? `class="lsb" type="LSBDummy"` : `class="${cls}" provider="heartbeat" type="Dummy"`;
  const xml = `<cib have-quorum="1"><configuration><crm_config/>
    <nodes><node id="n1" uname="node1"/><node id="n2" uname="node2"/></nodes>
    <resources><clone id="c"><meta_attributes id="cm">
      <nvpair id="cm1" name="globally-unique" value="true"/><nvpair id="cm2" name="clone-max" value="5"/>
      <nvpair id="cm3" name="clone-node-max" value="3"/></meta_attributes>
      <group id="g"><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="b" ${agent}/></group>
    </clone></resources><constraints/></configuration><status/></cib>`;
  return unpackCluster(parseXml(xml, "t.xml"));
}

describe("a globally-unique clone of agents that cannot be unique", () => {
  it("becomes anonymous with one instance per node and no more instances than nodes", () => {
    const ws = clone("lsb");
    const c = ws.resourceById.get("c")!;
    expect(isUniqueClone(c)).toBe(false);
    expect(c.meta.get("clone-node-max")).toBe("1");
    expect(c.children.map((i) => i.id)).toEqual(["g:0", "g:1"]);
    expect(ws.warnings.some((w) => w.includes("c"))).toBe(true);
  });

  it("stays unique when every agent inside is OCF", () => {
    const c = clone("ocf").resourceById.get("c")!;
    expect(isUniqueClone(c)).toBe(true);
    expect(c.children).toHaveLength(5);
  });
});

describe("globally-unique left unset", () => {
  it("follows clone-node-max: more than one instance per node makes the clone unique", () => {
    const xml = (max: string) =>
      `<cib><configuration><crm_config/><nodes/><resources><clone id="c"><meta_attributes id="m">
      <nvpair id="m1" name="clone-node-max" value="${max}"/></meta_attributes>
      <primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources><constraints/>
      </configuration><status/></cib>`;
    const unique = (max: string) =>
      isUniqueClone(unpackCluster(parseXml(xml(max), "t.xml")).resourceById.get("c")!);
    expect(unique("2")).toBe(true);
    expect(unique("1")).toBe(false);
  });
});

describe("clone-max left unset", () => {
  it("counts the remote nodes that connection resources define", () => {
    const xml = `<cib><configuration><crm_config/><nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
      <resources><primitive id="r1" class="ocf" provider="pacemaker" type="remote"/>
      <clone id="c"><primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone></resources>
      <constraints/></configuration><status/></cib>`;
    expect(unpackCluster(parseXml(xml, "t.xml")).resourceById.get("c")!.children).toHaveLength(3);
  });
});

describe("resource-stickiness left unset on a clone", () => {
  it("defaults to 1 for its instances, and stays as configured otherwise", () => {
    const xml = (meta: string) =>
      `<cib><configuration><crm_config/><nodes><node id="n1" uname="n1"/></nodes><resources><clone id="c">${meta}
      <primitive id="p" class="ocf" provider="heartbeat" type="Dummy"/></clone>
      <primitive id="q" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/>
      </configuration><status/></cib>`;
    const ws = unpackCluster(parseXml(xml(""), "t.xml"));
    expect(ws.resourceById.get("p:0")!.stickiness).toBe(1);
    expect(ws.resourceById.get("q")!.stickiness).toBe(0);
    const set = `<meta_attributes id="m"><nvpair id="m1" name="resource-stickiness" value="0"/></meta_attributes>`;
    expect(unpackCluster(parseXml(xml(set), "t.xml")).resourceById.get("p:0")!.stickiness).toBe(0);
  });
});

describe("rsc_defaults with rules", () => {
  it("apply a set only to the resources its rsc_expression matches", () => {
    const xml = `<cib><configuration><crm_config/><nodes/><resources>
      <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
      <primitive id="i" class="ocf" provider="heartbeat" type="IPaddr2"/></resources><constraints/>
      <rsc_defaults><meta_attributes id="rd"><rule id="rd-r" score="INFINITY">
      <rsc_expression id="rd-e" class="ocf" provider="pacemaker" type="Dummy"/></rule>
      <nvpair id="rd-1" name="is-managed" value="false"/></meta_attributes></rsc_defaults>
      </configuration><status/></cib>`;
    const ws = unpackCluster(parseXml(xml, "t.xml"));
    expect(ws.resourceById.get("d")!.managed).toBe(false);
    expect(ws.resourceById.get("i")!.managed).toBe(true);
  });
});
