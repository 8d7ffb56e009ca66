import { createRequire } from "node:module";
import type * as Fxp from "fast-xml-parser";
import { fastParseXml } from "./fast-parse.js";
import { type XmlElement, type XmlNode } from "./node.js";

/** A document that is not well-formed XML, with the place the parser stopped. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}:${column}: not well-formed XML: ${reason}`);
    this.name = "XmlSyntaxError";
  }
}

/**
 * The general parser is loaded on first use: only input the fast reader declines needs it, and
 * loading it would cost every tool ~60 ms of start-up.
 */
let general: { parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator } | undefined;
function generalParser(): { parser: Fxp.XMLParser; validator: typeof Fxp.XMLValidator } {
  if (general === undefined) {
    const fxp = createRequire(import.meta.url)("fast-xml-parser") as typeof Fxp;
    general = { parser: new fxp.XMLParser(PARSER_OPTIONS), validator: fxp.XMLValidator };
  }
  return general;
}

const PARSER_OPTIONS: Fxp.X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: false,
  parseAttributeValue: false,
  parseTagValue: false,
  // Attribute values keep their whitespace (a value of "node1 " is not "node1"); whitespace-only
  // text between elements is dropped in convert() instead.
  trimValues: false,
  commentPropName: "#comment",
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
};

type Ordered = Record<string, unknown>;

function convert(items: Ordered[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of items) {
    const attrs = (item[":@"] as Record<string, string> | undefined) ?? {};
    for (const key of Object.keys(item)) {
      if (key === ":@") continue;
      const value = item[key];
      if (key === "#text") {
        const text = String(value);
        if (text.trim() !== "") out.push({ kind: "text", text: text.trim() });
      } else if (key === "#comment") {
        const parts = value as Ordered[];
        out.push({ kind: "comment", text: parts.map((p) => String(p["#text"] ?? "")).join("") });
      } else {
        const plain: Record<string, string> = {};
        for (const [k, v] of Object.entries(attrs)) plain[k] = String(v);
        out.push({ kind: "element", name: key, attrs: plain, children: convert(value as Ordered[]) });
      }
    }
  }
  return out;
}

/**
 * Parse an XML document into the tree. `source` names the file (or "<stdin>") in errors.
 * Throws XmlSyntaxError with line and column for input that is not well-formed.
 */
export function parseXml(text: string, source = "<input>"): XmlElement {
  const nodes = fastParseXml(text) ?? parseGeneral(text, source);
  const roots = nodes.filter((n): n is XmlElement => n.kind === "element");
  if (roots.length !== 1) {
    throw new XmlSyntaxError(source, 1, 1, `expected exactly one root element, found ${roots.length}`);
  }
  return roots[0];
}

/** The general path: validate (for errors with line and column), then parse. */
export function parseGeneral(text: string, source: string): XmlNode[] {
  const { parser, validator } = generalParser();
  const check = validator.validate(text, { allowBooleanAttributes: false });
  if (check !== true) {
    throw new XmlSyntaxError(source, check.err.line, check.err.col, check.err.msg);
  }
  return convert(parser.parse(text) as Ordered[]);
}
