import { describe, expect, it } from "vitest";
import { parseXml } from "../xml/parse.js";
import { serializeXml } from "../xml/serialize.js";
import { CibPatchError, applyPatchChanges, patchChanges } from "./apply.js";
import { makePatch } from "./diff.js";

const base = `<cib admin_epoch="0" epoch="5" num_updates="2"><configuration>
<crm_config><cluster_property_set id="opts"><nvpair id="opts-a" name="a" value="1"/></cluster_property_set></crm_config>
<nodes/>
<resources><primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/><group id="g"><primitive id="m1" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="m2" class="ocf" provider="heartbeat" type="Dummy"/></group></resources>
<constraints/></configuration><status/></cib>`;

const text = (x: string) => serializeXml(parseXml(x, "t"), { pretty: false });
const apply = (doc: string, patch: ReturnType<typeof makePatch>) =>
  serializeXml(applyPatchChanges(parseXml(doc, "doc"), patchChanges(patch)), { pretty: false });

describe("makePatch and applyPatchChanges", () => {
  const edits: [string, (s: string) => string][] = [
    ["a changed value", (s) => s.replace('value="1"', 'value="2"')],
    [
      "an added nvpair",
      (s) => s.replace('value="1"/>', 'value="1"/><nvpair id="opts-b" name="b" value="x"/>'),
    ],
    ["a removed primitive", (s) => s.replace(/<primitive id="d1"[^>]*\/>/, "")],
    [
      "an unset attribute",
      (s) => s.replace(' provider="heartbeat" type="Dummy"/><group', ' type="Dummy"/><group'),
    ],
    [
      "group members reordered",
      (s) => s.replace(/(<primitive id="m1"[^>]*\/>)(<primitive id="m2"[^>]*\/>)/, "$2$1"),
    ],
    [
      "a new resource before the others and a new section child",
      (s) =>
        s
          .replace(
            "<resources>",
            '<resources><primitive id="d0" class="ocf" provider="heartbeat" type="Dummy"/>',
          )
          .replace("<nodes/>", '<nodes><node id="n1" uname="n1"/></nodes>'),
    ],
  ];
  for (const [name, edit] of edits)
    it(`rebuild the edited document exactly: ${name}`, () => {
      const after = edit(base);
      const patch = makePatch(parseXml(base, "before"), parseXml(after, "after"));
      expect(apply(base, patch)).toBe(text(after));
    });

  it("let two patches made from the same document both apply, one after the other", () => {
    const a = makePatch(parseXml(base, "b"), parseXml(edits[1][1](base), "a"));
    const b = makePatch(parseXml(base, "b"), parseXml(edits[0][1](base), "b2"));
    const both = apply(apply(base, a), b);
    expect(both).toContain('<nvpair id="opts-a" name="a" value="2"/>');
    expect(both).toContain('<nvpair id="opts-b" name="b" value="x"/>');
  });

  it("refuse a modify of an element that is gone, naming its xpath", () => {
    const patch = makePatch(parseXml(base, "b"), parseXml(edits[0][1](base), "a"));
    const gone = base.replace(/<nvpair id="opts-a"[^>]*\/>/, "");
    expect(() => apply(gone, patch)).toThrowError(CibPatchError);
    expect(() => apply(gone, patch)).toThrow(
      "modify /cib/configuration/crm_config/cluster_property_set[@id='opts']/nvpair[@id='opts-a']: no element at that path",
    );
  });

  it("refuse a create whose parent is gone, and one that would duplicate an id", () => {
    const patch = makePatch(parseXml(base, "b"), parseXml(edits[1][1](base), "a"));
    expect(() => apply(base.replace(/<crm_config>.*<\/crm_config>/, "<crm_config/>"), patch)).toThrow(
      /^create \/cib\/configuration\/crm_config\/cluster_property_set\[@id='opts'\]: no element at that path$/,
    );
    expect(() => apply(edits[1][1](base).replace('value="x"', 'value="y"'), patch)).toThrow(
      /<nvpair id="opts-b"> is already there, with other attributes/,
    );
  });

  it("merge two creates of the same container, each with its own children", () => {
    const bare = base.replace(/<crm_config>.*<\/crm_config>/, "<crm_config/>");
    const withSet = (nv: string) =>
      bare.replace(
        "<crm_config/>",
        `<crm_config><cluster_property_set id="new">${nv}</cluster_property_set></crm_config>`,
      );
    const mine = makePatch(
      parseXml(bare, "b"),
      parseXml(withSet('<nvpair id="new-a" name="a" value="1"/>'), "a"),
    );
    const theirs = makePatch(
      parseXml(bare, "b"),
      parseXml(withSet('<nvpair id="new-b" name="b" value="2"/>'), "b2"),
    );
    expect(apply(apply(bare, theirs), mine)).toBe(
      text(withSet('<nvpair id="new-a" name="a" value="1"/><nvpair id="new-b" name="b" value="2"/>')),
    );
    // The same create twice is the same document.
    expect(apply(apply(bare, mine), mine)).toBe(apply(bare, mine));
  });

  it("carry the source and target versions", () => {
    const patch = makePatch(parseXml(base, "b"), parseXml(base.replace('epoch="5"', 'epoch="6"'), "a"));
    expect(serializeXml(patch, { pretty: false })).toContain(
      '<version><source admin_epoch="0" epoch="5" num_updates="2"/><target admin_epoch="0" epoch="6" num_updates="2"/></version>',
    );
  });
});
