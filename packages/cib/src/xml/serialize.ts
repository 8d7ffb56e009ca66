import { type XmlElement, type XmlNode } from "./node.js";

const ATTR_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};
const TEXT_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

export function escapeAttr(value: string): string {
  return value.replace(/[&<>"\n\r\t]/g, (c) => ATTR_ESCAPES[c]);
}

export function escapeText(value: string): string {
  return value.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]);
}

export interface SerializeOptions {
  /** Indent with two spaces per level (as Pacemaker writes cib.xml); false gives one line. */
  pretty?: boolean;
  /** Prepend `<?xml version="1.0"?>`. */
  declaration?: boolean;
}

/** Serialize the tree. Attribute and child order are kept exactly as parsed. */
export function serializeXml(root: XmlElement, opts: SerializeOptions = {}): string {
  const pretty = opts.pretty ?? true;
  const parts: string[] = [];
  if (opts.declaration) parts.push(pretty ? '<?xml version="1.0"?>\n' : '<?xml version="1.0"?>');
  write(root, 0);
  return parts.join("");

  function write(node: XmlNode, depth: number): void {
    const indent = pretty ? "  ".repeat(depth) : "";
    const nl = pretty ? "\n" : "";
    if (node.kind === "text") {
      parts.push(indent, escapeText(node.text), nl);
      return;
    }
    if (node.kind === "comment") {
      parts.push(indent, "<!--", node.text, "-->", nl);
      return;
    }
    parts.push(indent, "<", node.name);
    for (const k in node.attrs) parts.push(" ", k, '="', escapeAttr(node.attrs[k]), '"');
    if (node.children.length === 0) {
      parts.push("/>", nl);
      return;
    }
    // An element holding only text is written on one line so the text is not padded.
    if (node.children.length === 1 && node.children[0].kind === "text") {
      parts.push(">", escapeText(node.children[0].text), "</", node.name, ">", nl);
      return;
    }
    parts.push(">", nl);
    for (const c of node.children) write(c, depth + 1);
    parts.push(indent, "</", node.name, ">", nl);
  }
}
