import { createRequire } from "node:module";
import type * as Fxp from "fast-xml-parser";
import { ShapeLimitExceeded, fastParseXml } from "./fast-parse.js";
import { inputGuard, lineAndColumn, shapeRefusal } from "./guard.js";
import { DEFAULT_XML_LIMITS, type XmlLimits, formatBytes } from "./limits.js";
import { type XmlElement, type XmlNode } from "./node.js";
import { decodeReferences } from "./references.js";

/** A document that is not well-formed XML, with the place the parser stopped. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    what = "not well-formed XML: ",
  ) {
    super(`${source}${line > 0 ? `:${line}:${column}` : ""}: ${what}${reason}`);
    this.name = "XmlSyntaxError";
  }
}

/**
 * Well-formed or not, input the reader will not take: a DTD, an entity it does not know, nesting
 * or size over the limits. A kind of XmlSyntaxError, so every caller that reports a syntax error
 * reports these the same way, in one line with the place. `line` is 0 for the size limit.
 */
export class XmlRefusedError extends XmlSyntaxError {
  constructor(source: string, line: number, column: number, reason: string) {
    super(source, line, column, reason, "refused: ");
    this.name = "XmlRefusedError";
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
  // References are expanded by decodeReferences, the same code as the fast reader's: the
  // parser's own entity handling would read a DTD's entities (refused before we get here).
  processEntities: false,
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
        if (text.trim() !== "") out.push({ kind: "text", text: decoded(text.trim()) });
      } else if (key === "#comment") {
        const parts = value as Ordered[];
        out.push({ kind: "comment", text: parts.map((p) => String(p["#text"] ?? "")).join("") });
      } else {
        const plain: Record<string, string> = {};
        for (const [k, v] of Object.entries(attrs)) plain[k] = decoded(String(v));
        out.push({ kind: "element", name: key, attrs: plain, children: convert(value as Ordered[]) });
      }
    }
  }
  return out;
}

/** inputGuard has refused every reference decodeReferences would decline. */
function decoded(raw: string): string {
  const out = decodeReferences(raw);
  return typeof out === "string" ? out : raw;
}

/**
 * Parse an XML document into the tree: the one reader every input goes through (files, `-X`,
 * stdin, the socket, the bus). `source` names the file (or "<stdin>") in errors. Throws
 * XmlSyntaxError with line and column for input that is not well-formed, and XmlRefusedError
 * for input over `limits` (size, checked first; nesting; children of one element) or with a DTD or unknown entity.
 */
export function parseXml(
  text: string,
  source = "<input>",
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): XmlElement {
  checkSize(text, source, limits);
  let nodes: XmlNode[] | undefined;
  try {
    nodes = fastParseXml(text, limits);
  } catch (e) {
    if (!(e instanceof ShapeLimitExceeded)) throw e;
    throw refusedAt(text, e.offset, source, e.reason);
  }
  nodes ??= parseGeneral(text, source, limits);
  const roots = nodes.filter((n): n is XmlElement => n.kind === "element");
  if (roots.length !== 1) {
    throw new XmlSyntaxError(source, 1, 1, `expected exactly one root element, found ${roots.length}`);
  }
  return roots[0];
}

/** Refuse input over the size limit before any work is done on it. */
function checkSize(text: string, source: string, limits: XmlLimits): void {
  // A UTF-16 code unit is 1 to 3 bytes of UTF-8: count exactly only when it could matter.
  if (text.length * 3 <= limits.maxBytes) return;
  const bytes = text.length > limits.maxBytes ? text.length : Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxBytes) throw tooBig(bytes, source, limits);
}

export function tooBig(bytes: number, source: string, limits: XmlLimits): XmlRefusedError {
  return new XmlRefusedError(
    source,
    0,
    0,
    `${formatBytes(bytes)} (${bytes} bytes) is over the ${formatBytes(limits.maxBytes)} limit for XML input (HBX_XML_MAX_BYTES)`,
  );
}

function refusedAt(input: string, offset: number, source: string, reason: string): XmlRefusedError {
  const { line, column } = lineAndColumn(input, offset);
  return new XmlRefusedError(source, line, column, reason);
}

/**
 * The general path, for what the fast reader declines: first refuse what must never reach the
 * general parser (DTDs, unknown entities, nesting it would recurse into, sibling lists over the
 * limit), then validate (for
 * errors with line and column), then parse.
 */
export function parseGeneral(
  text: string,
  source: string,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): XmlNode[] {
  checkSize(text, source, limits);
  const refused = inputGuard(text) ?? shapeRefusal(text, limits);
  if (refused !== undefined) throw refusedAt(text, refused.offset, source, refused.reason);
  const { parser, validator } = generalParser();
  const check = validator.validate(text, { allowBooleanAttributes: false });
  if (check !== true) {
    throw new XmlSyntaxError(source, check.err.line, check.err.col, check.err.msg);
  }
  return convert(parser.parse(text) as Ordered[]);
}
