import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_XML_LIMITS, xmlLimitsFromEnv } from "./limits.js";
import { XmlRefusedError, XmlSyntaxError, parseXml } from "./parse.js";
import { parseXmlBytes, readXmlFile } from "./read-file.js";

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE cib [
  <!ENTITY a0 "lol">
  <!ENTITY a1 "&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;&a0;">
  <!ENTITY a9 "&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;&a1;">
]>
<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="n" name="x" value="&a9;"/></cluster_property_set></crm_config></configuration></cib>`;

const XXE = `<?xml version="1.0"?>\n<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<cib a="&x;"/>`;

function refusal(text: string, source = "in.xml", limits?: Parameters<typeof parseXml>[2]): XmlRefusedError {
  try {
    parseXml(text, source, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(XmlRefusedError);
    return e as XmlRefusedError;
  }
  throw new Error("accepted");
}

describe("the one XML reader's limits", () => {
  it("refuses a billion-laughs document at its DOCTYPE line, expanding nothing", () => {
    const e = refusal(BILLION_LAUGHS);
    expect(e.message).toBe("in.xml:2:1: refused: DTDs and entities are not accepted (found <!DOCTYPE)");
  });

  it("refuses an external entity before anything could read the file it names", () => {
    expect(refusal(XXE).message).toMatch(/^in\.xml:2:1: refused: DTDs and entities are not accepted/);
  });

  it("refuses an entity reference no DTD declares, naming it and its line", () => {
    const e = refusal(`<cib>\n  <x v="&a9;"/>\n</cib>`);
    expect(e.line).toBe(2);
    expect(e.message).toContain("'&a9;' is none of &lt; &gt; &amp; &apos; &quot;");
  });

  it("expands the five predefined entities and character references, once", () => {
    const el = parseXml(`<a v="&lt;&#65;&#x42;&amp;#67;"> x&#x20;y &quot;</a>`);
    expect(el.attrs.v).toBe("<AB&#67;");
    expect(el.children).toEqual([{ kind: "text", text: 'x y "' }]);
  });

  it("refuses a character reference to a character XML does not allow", () => {
    expect(refusal(`<a v="&#0;"/>`).message).toContain("'&#0;' is not a character XML allows");
  });

  it("refuses 100,000 levels of nesting with the line where the limit is passed", () => {
    const deep = `<cib>\n${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}</cib>`;
    const e = refusal(deep);
    expect(e.message).toMatch(/^in\.xml:2:\d+: refused: elements nest deeper than 256 levels$/);
  });

  it("refuses deep nesting on the general parser's path too (input with CDATA)", () => {
    const deep = `<cib><![CDATA[x]]>${"<a>".repeat(5000)}${"</a>".repeat(5000)}</cib>`;
    expect(refusal(deep).message).toContain("elements nest deeper than 256 levels");
  });

  it("refuses more than 20,000 children of one element, naming it and the line", () => {
    const many = `<cib>\n<set id="s">\n${'<nvpair id="x" name="y" value="z"/>\n'.repeat(20_001)}</set></cib>`;
    expect(refusal(many).message).toBe("in.xml:20003:1: refused: <set> has more than 20000 children");
    const enough = `<set>${'<nvpair id="x" name="y" value="z"/>'.repeat(20_000)}</set>`;
    expect(parseXml(enough).children).toHaveLength(20_000);
  });

  it("refuses too many children on the general parser's path too", () => {
    const many = `<cib><![CDATA[x]]>${"<a/>".repeat(20_001)}</cib>`;
    expect(refusal(many).message).toMatch(/^in\.xml:1:\d+: refused: <cib> has more than 20000 children$/);
  });

  it("takes nesting up to the limit", () => {
    const ok = `${"<a>".repeat(256)}${"</a>".repeat(256)}`;
    expect(parseXml(ok).name).toBe("a");
  });

  it("refuses input over the size limit before parsing, saying the size and the limit", () => {
    const big = `<cib>${'<nvpair id="x" name="y" value="z"/>'.repeat(40_000)}</cib>`;
    const e = refusal(big, "big.xml", { ...DEFAULT_XML_LIMITS, maxBytes: 1024 * 1024 });
    expect(e.message).toMatch(
      /^big\.xml: refused: 1\.\d MiB \(\d+ bytes\) is over the 1 MiB limit for XML input/,
    );
  });

  it("reads the size limit from HBX_XML_MAX_BYTES, ignoring nonsense", () => {
    expect(xmlLimitsFromEnv({ HBX_XML_MAX_BYTES: "2M" }).maxBytes).toBe(2 * 1024 * 1024);
    expect(xmlLimitsFromEnv({ HBX_XML_MAX_BYTES: "1000" }).maxBytes).toBe(1000);
    expect(xmlLimitsFromEnv({ HBX_XML_MAX_BYTES: "lots" }).maxBytes).toBe(64 * 1024 * 1024);
  });

  it("refuses a file over the limit by its size, without reading it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-xml-"));
    const file = join(dir, "big.xml");
    writeFileSync(file, `<cib>${" ".repeat(4096)}</cib>`);
    await expect(readXmlFile(file, file, { ...DEFAULT_XML_LIMITS, maxBytes: 1000 })).rejects.toThrow(
      /big\.xml: refused: 4\.0 KiB \(4107 bytes\) is over the 1000 bytes limit/,
    );
  });

  it("refuses bytes that are not UTF-8 with their line, and keeps a real U+FFFD", () => {
    const bad = Buffer.concat([
      Buffer.from('<a>\n<b v="'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"/></a>'),
    ]);
    expect(() => parseXmlBytes(bad, "f.xml")).toThrow(
      /^f\.xml:2:7: refused: invalid UTF-8 \(byte 0xff at offset 10\)$/,
    );
    const fine = Buffer.from('<a v="\uFFFD"/>', "utf8");
    expect(parseXmlBytes(fine, "f.xml").attrs.v).toBe("\uFFFD");
  });

  it("still reports plain syntax errors as not well-formed, with line and column", () => {
    expect(() => parseXml("<a>\n<b></a>", "s.xml")).toThrow(XmlSyntaxError);
    expect(() => parseXml("<a>\n<b></a>", "s.xml")).toThrow(/^s\.xml:2:\d+: not well-formed XML/);
  });

  it("passes a comment that mentions & and an unterminated comment to the parser's verdict", () => {
    expect(parseXml("<a><!-- a & b --><![CDATA[&x;]]></a>").name).toBe("a");
    expect(() => parseXml("<a><!-- & </a>")).toThrow(/not well-formed XML/);
  });
});
