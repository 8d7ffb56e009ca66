import { describe, expect, it } from "vitest";
import {
  cibDigest,
  cloneElement,
  firstChild,
  parseXml,
  readVersion,
  serializeXml,
  writeVersion,
} from "@hbx/cib";
import { applyDiff, readDiff, versionPayload } from "./cib-diff.js";

function cibWith(resources: number, epoch: number, updates: number, rc = "0"): string {
  const prims = Array.from(
    { length: resources },
    (_, i) => `<primitive id="r${i + 1}" class="ocf" provider="heartbeat" type="Dummy"/>`,
  ).join("");
  const ops = Array.from(
    { length: resources },
    (_, i) =>
      `<lrm_resource id="r${i + 1}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="r${i + 1}_last_0" operation="start" rc-code="${i === 0 ? rc : "0"}" interval="0" call-id="${i + 1}"/></lrm_resource>`,
  ).join("");
  return `<cib admin_epoch="0" epoch="${epoch}" num_updates="${updates}" have-quorum="1"><configuration><crm_config/><nodes/><resources>${prims}</resources><constraints/></configuration><status><node_state id="node1" uname="node1"><lrm id="node1"><lrm_resources>${ops}</lrm_resources></lrm></node_state></status></cib>`;
}

describe("a CIB version replicated as a patchset", () => {
  it("is a patch under 1 KB when one operation result changes in a CIB of 1,000 resources, and rebuilds the DC's version exactly", () => {
    const before = parseXml(cibWith(1000, 4, 10), "before");
    const after = parseXml(cibWith(1000, 4, 11, "7"), "after");
    const payload = versionPayload(before, after);
    expect(payload.kind).toBe("diff");
    const whole = serializeXml(after).length;
    expect(payload.xml.length).toBeLessThan(whole / 50);
    // What README promises for one operation result on the bus.
    expect(payload.xml.length).toBeLessThan(1024);
    const diff = readDiff(payload.xml, "dc");
    expect(diff.source).toEqual(readVersion(before));
    expect(diff.target).toEqual(readVersion(after));
    const out = applyDiff(before, readVersion(before), diff);
    expect(out.kind).toBe("applied");
    if (out.kind === "applied") expect(cibDigest(out.doc)).toBe(cibDigest(after));
  });

  it("goes whole when there is no earlier version to diff against", () => {
    const after = parseXml(cibWith(3, 1, 0), "after");
    expect(versionPayload(undefined, after)).toEqual({ kind: "full", xml: serializeXml(after) });
  });

  it("asks for the whole CIB when the member holds another version than the patch's source", () => {
    const v10 = parseXml(cibWith(5, 4, 10), "v10");
    const v11 = parseXml(cibWith(5, 4, 11, "7"), "v11");
    const v12 = parseXml(cibWith(5, 4, 12, "1"), "v12");
    const diff = readDiff(versionPayload(v11, v12).xml, "dc");
    const out = applyDiff(v10, readVersion(v10), diff);
    expect(out).toEqual({ kind: "need-full", why: "the patch applies to 0.4.11, this node holds 0.4.10" });
  });

  it("asks for the whole CIB when the same version number holds other content here (digest after differs)", () => {
    const dc = parseXml(cibWith(5, 4, 10), "dc");
    const next = parseXml(cibWith(5, 4, 11, "7"), "next");
    const diverged = cloneElement(dc);
    firstChild(firstChild(diverged, "configuration")!, "crm_config")!.attrs.note = "minority";
    writeVersion(diverged, readVersion(dc));
    const out = applyDiff(diverged, readVersion(diverged), readDiff(versionPayload(dc, next).xml, "dc"));
    expect(out.kind).toBe("need-full");
    if (out.kind === "need-full") expect(out.why).toMatch(/digest after the patch is \S+, the DC's is \S+/);
  });

  it("is already held when a duplicate arrives, and nothing is applied", () => {
    const v10 = parseXml(cibWith(2, 4, 10), "v10");
    const v11 = parseXml(cibWith(2, 4, 11, "7"), "v11");
    const diff = readDiff(versionPayload(v10, v11).xml, "dc");
    expect(applyDiff(v11, readVersion(v11), diff)).toEqual({ kind: "held" });
  });

  it("is not held by a member whose counter ran ahead, so it cannot count toward a majority", () => {
    const v10 = parseXml(cibWith(2, 4, 10), "v10");
    const v11 = parseXml(cibWith(2, 4, 11, "7"), "v11");
    const ranAhead = parseXml(cibWith(2, 9, 3), "minority");
    const diff = readDiff(versionPayload(v10, v11).xml, "dc");
    expect(applyDiff(ranAhead, readVersion(ranAhead), diff)).toEqual({ kind: "ahead" });
  });

  it("is refused with a message naming what is missing when it carries no digest or a bad counter", () => {
    const v10 = parseXml(cibWith(2, 4, 10), "v10");
    const v11 = parseXml(cibWith(2, 4, 11, "7"), "v11");
    const xml = versionPayload(v10, v11).xml;
    expect(() => readDiff(xml.replace(/ digest="[^"]*"/, ""), "alpha")).toThrow(
      "CIB patchset from alpha has no digest",
    );
    expect(() => readDiff(xml.replace(/num_updates="11"/, 'num_updates="x"'), "alpha")).toThrow(
      /<target> num_updates="x" is not a count/,
    );
  });
});
