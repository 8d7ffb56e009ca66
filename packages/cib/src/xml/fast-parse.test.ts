import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "../corpus.js";
import { fastParseXml } from "./fast-parse.js";
import { parseGeneral, parseXml, XmlSyntaxError } from "./parse.js";

const corpus = schedulerCorpusDir();

describe("fastParseXml", () => {
  it.skipIf(corpus === undefined)("yields the general parser's tree on every scheduler corpus input", () => {
    const dir = join(corpus!, "xml");
    let fast = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".xml"))) {
      const text = readFileSync(join(dir, file), "utf8");
      const nodes = fastParseXml(text);
      if (nodes === undefined) continue;
      fast++;
      expect(nodes, file).toEqual(parseGeneral(text, file));
    }
    // The corpus is plain CIB XML: nearly all of it must take the fast path.
    expect(fast).toBeGreaterThan(600);
  });

  it("keeps entities, comments, CRLF and single quotes as the general parser does", () => {
    const text = `<?xml version="1.0"?>\r\n<!-- top -->\r\n<a  x = 'p &amp; "q"' y="&lt;&gt;&apos;&quot;">\r\n  t1 &amp;lt; <!-- c - d --> t2\r\n  <b/><c z=""></c >\r\n</a>\r\n`;
    const nodes = fastParseXml(text);
    expect(nodes).toBeDefined();
    expect(nodes).toEqual(parseGeneral(text, "t"));
  });

  it("reads attributes in any order and number when elements of one name differ", () => {
    // The reader predicts each element's attribute names from the last element of that name;
    // every way a prediction can fail must still give the general parser's tree.
    const text =
      `<a><b x="1" y="2"/><b x="1"/><b x="1" y="2" z="3"/><b y="1" x="2"/>` +
      `<b x = "1" y="2"/><b/><b x="1" y="2" z="3"/><b x="1" y="2" w="4"/><c x="1"/></a>`;
    const nodes = fastParseXml(text);
    expect(nodes).toBeDefined();
    expect(nodes).toEqual(parseGeneral(text, "t"));
  });

  it.each([
    [`<a><b x="1" y="2"/><b x="1" x="2"/></a>`],
    [`<a><b x="1" y="2"/><b x="1"y="2"/></a>`],
    [`<a><b x="1"/><b x="1" toString="2"/></a>`],
    [`<a><b x="p'q"/><b x='p'q'/></a>`],
    [`<a><b x="1"/><b x="1<"/></a>`],
  ])("leaves a bad attribute after a predicted one to the general parser: %s", (text) => {
    expect(fastParseXml(text)).toBeUndefined();
  });

  it.each([
    [`<a><b></a>`],
    [`<a x="1" x="2"/>`],
    [`<a x="1"y="2"/>`],
    [`<a x="1" toString="2"/>`],
    [`<a x=1/>`],
    [`<a x/>`],
    [`<a x="<"/>`],
    [`<a>&nbsp;</a>`],
    [`<a>&#0;</a>`],
    [`<a><![CDATA[x]]></a>`],
    [`<!DOCTYPE a><a/>`],
    [`<a/><b/>`],
    [`<a/>junk`],
    [`<a>`],
    [`<a><!-- x -- y --></a>`],
    [`<a><?pi x?></a>`],
    [`<a __proto__="x"/>`],
  ])("leaves %s to the general parser", (text) => {
    expect(fastParseXml(text)).toBeUndefined();
  });

  it("expands character references as the general path does", () => {
    const text = `<a x="&#65;&#x42;">&#67;&amp;#68;</a>`;
    expect(fastParseXml(text)).toEqual(parseGeneral(text, "t"));
  });

  it("still reports malformed input with line and column through parseXml", () => {
    expect(() => parseXml(`<cib>\n <a x="1" x="2"/>\n</cib>`, "cib.xml")).toThrow(XmlSyntaxError);
    expect(() => parseXml(`<cib>\n <a>\n</cib>`, "cib.xml")).toThrow(
      /^cib\.xml:\d+:\d+: not well-formed XML/,
    );
  });
});
