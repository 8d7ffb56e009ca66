import { describe, expect, it } from "vitest";
import { parseXml, XmlSyntaxError } from "./parse.js";
import { serializeXml } from "./serialize.js";
import { childElements, indexById } from "./node.js";

describe("XML tree", () => {
  it("keeps unknown elements, attributes and their order through a round trip", () => {
    const text = `<cib zeta="1" alpha="2"><configuration><unknown-thing b="x" a="y"/><!-- note --><nodes/></configuration><status/></cib>`;
    const doc = parseXml(text);
    expect(Object.keys(doc.attrs)).toEqual(["zeta", "alpha"]);
    const again = parseXml(serializeXml(doc));
    expect(again).toEqual(doc);
    const conf = childElements(doc, "configuration")[0];
    expect(conf.children.map((c) => c.kind)).toEqual(["element", "comment", "element"]);
  });

  it("escapes attribute values so they survive", () => {
    const doc = parseXml(`<a v="x &amp; &lt;y&gt; &quot;z&quot;"/>`);
    expect(doc.attrs.v).toBe(`x & <y> "z"`);
    expect(parseXml(serializeXml(doc)).attrs.v).toBe(`x & <y> "z"`);
  });

  it("reports malformed XML with file, line and column", () => {
    try {
      parseXml(`<cib>\n  <configuration>\n</cib>`, "cib.xml");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(XmlSyntaxError);
      expect((e as XmlSyntaxError).message).toMatch(/^cib\.xml:\d+:\d+: not well-formed XML/);
    }
  });

  it("indexes elements by id", () => {
    const doc = parseXml(`<r><p id="a"/><q><p id="b"/><p id="a"/></q></r>`);
    const { byId, duplicates } = indexById(doc);
    expect([...byId.keys()].sort()).toEqual(["a", "b"]);
    expect(duplicates).toHaveLength(1);
  });
});
