import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";

function placements(resources: string, constraints: string, extra = ""): Record<string, string | undefined> {
  const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources>${resources}</resources><constraints>${constraints}</constraints>${extra}</configuration>
    <status>${["n1", "n2"].map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join("")}</status></cib>`;
  const ws = schedule(parseXml(xml, "t.xml")).ws;
  const out: Record<string, string | undefined> = {};
  for (const r of ws.resources) out[r.id] = r.assigned?.name;
  return out;
}
const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;

describe("constraints naming a tag or a template", () => {
  it("colocate every resource made from a template with the primary", () => {
    const resources =
      `<template id="t" class="ocf" provider="heartbeat" type="Dummy"/>` +
      `<primitive id="a" template="t"/><primitive id="b" template="t"/>${prim("p")}`;
    const got = placements(
      resources,
      `<rsc_location id="l" rsc="p" node="n2" score="100"/><rsc_colocation id="c" rsc="t" with-rsc="p" score="INFINITY"/>`,
    );
    expect([got.a, got.b, got.p]).toEqual(["n2", "n2", "n2"]);
  });

  it("colocate every tagged resource with the primary", () => {
    const tags = `<tags><tag id="g"><obj_ref id="a"/><obj_ref id="b"/></tag></tags>`;
    const got = placements(
      prim("a") + prim("b") + prim("p"),
      `<rsc_location id="l" rsc="p" node="n2" score="100"/><rsc_colocation id="c" rsc="g" with-rsc="p" score="INFINITY"/>`,
      tags,
    );
    expect([got.a, got.b, got.p]).toEqual(["n2", "n2", "n2"]);
  });
});

describe("location rules comparing with the resource's own values", () => {
  const nodeAttrs = (n: string, fake: number) =>
    `<node id="${n}" uname="${n}"><instance_attributes id="${n}-a"><nvpair id="${n}-f" name="fake" value="${fake}"/></instance_attributes></node>`;
  function placed(pattern: string, op: string): Record<string, string | undefined> {
    const rsc = (id: string, fake: number) =>
      `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="${id}-i"><nvpair id="${id}-f" name="fake" value="${fake}"/></instance_attributes></primitive>`;
    const xml = `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes>${nodeAttrs("n1", 100)}${nodeAttrs("n2", 300)}</nodes>
      <resources>${rsc("x1", 200)}${rsc("y1", 200)}</resources>
      <constraints><rsc_location id="l" rsc-pattern="${pattern}"><rule id="r" score="INFINITY">
      <expression id="e" attribute="fake" operation="${op}" value="fake" value-source="param"/></rule></rsc_location></constraints>
      </configuration><status>${["n1", "n2"].map((n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`).join("")}</status></cib>`;
    const ws = schedule(parseXml(xml, "t.xml")).ws;
    return { x1: ws.resourceById.get("x1")!.assigned?.name, y1: ws.resourceById.get("y1")!.assigned?.name };
  }

  it("prefer the nodes whose attribute beats the resource's parameter (value-source=param)", () => {
    expect(placed("^x", "gt").x1).toBe("n2");
    expect(placed("^x", "lt").x1).toBe("n1");
  });

  it("apply to the resources a pattern with a leading ! does not match", () => {
    expect(placed("!^x", "gt").y1).toBe("n2");
  });
});

describe("colocations of one dependent with several primaries", () => {
  it("are applied in order of the primaries' priority, so the higher one is placed first", () => {
    const p = (id: string, prio: number) =>
      `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="${id}-m"><nvpair id="${id}-p" name="priority" value="${prio}"/></meta_attributes></primitive>`;
    // d must share a node with both, but lo and hi may not share one: hi, placed first, wins.
    const got = placements(
      p("d", 3000) + p("lo", 1000) + p("hi", 2000),
      `<rsc_colocation id="c1" rsc="d" with-rsc="lo" score="4000"/><rsc_colocation id="c2" rsc="d" with-rsc="hi" score="4000"/>` +
        `<rsc_colocation id="c3" rsc="lo" with-rsc="hi" score="-INFINITY"/>`,
    );
    expect(got.d).toBe(got.hi);
  });
});
