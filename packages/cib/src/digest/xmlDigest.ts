import { createHash } from "node:crypto";
import { type XmlElement, type XmlNode } from "../xml/node.js";

/**
 * Pacemaker's digests are MD5 over a one-line dump of the XML tree as its own serializer writes
 * it (lib/common/xml.c): `<name a="v" ...>` children `</name>`, `/>` for an element without
 * children, no whitespace between elements, comments as `<!--text-->`. hbx's serializer indents
 * and escapes differently, so the digest input is produced here and nowhere else.
 */

/** Attributes that Pacemaker leaves out of a "filtered" digest: they change on every write. */
const FILTERED_ATTRIBUTES: ReadonlySet<string> = new Set([
  "crm-debug-origin",
  "cib-last-written",
  "update-origin",
  "update-client",
  "update-user",
]);

/** Escape as Pacemaker does for attribute values: markup characters, quote, control characters. */
function escapeForDigest(value: string, quote: boolean): string {
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "&") out += "&amp;";
    else if (ch === '"' && quote) out += "&quot;";
    else if (ch === "\n" || ch === "\t") out += ch;
    else if (code < 0x20) out += `&#${code.toString(16).padStart(2, "0")};`;
    else out += ch;
  }
  return out;
}

export interface DigestDumpOptions {
  /** Leave out the attributes Pacemaker filters (cib-last-written, update-origin, ...). */
  filtered?: boolean;
}

/** The unformatted one-line dump Pacemaker digests. */
export function dumpForDigest(root: XmlElement, opts: DigestDumpOptions = {}): string {
  const parts: string[] = [];
  write(root);
  return parts.join("");

  function write(node: XmlNode): void {
    if (node.kind === "text") {
      parts.push(escapeForDigest(node.text, false));
      return;
    }
    if (node.kind === "comment") {
      parts.push("<!--", node.text, "-->");
      return;
    }
    parts.push("<", node.name);
    for (const k in node.attrs) {
      if (opts.filtered && FILTERED_ATTRIBUTES.has(k)) continue;
      parts.push(" ", k, '="', escapeForDigest(node.attrs[k], true), '"');
    }
    if (node.children.length === 0) {
      parts.push("/>");
      return;
    }
    parts.push(">");
    for (const c of node.children) write(c);
    parts.push("</", node.name, ">");
  }
}

export function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/**
 * Pacemaker's "v1" digest: MD5 of a space, the one-line dump and a newline. The leading space
 * and trailing newline are a compatibility artefact of Pacemaker 1.0's dumper; every on-disk
 * signature (cib.xml.sig) and every operation digest (op-digest) is computed this way.
 */
export function digestV1(root: XmlElement): string {
  return md5Hex(` ${dumpForDigest(root)}\n`);
}

/**
 * Pacemaker's "v2" digest (feature set ≥ 3.0.5): MD5 of the one-line dump alone, with the
 * volatile attributes filtered. This is the `digest` Pacemaker logs and puts in CIB patchsets.
 */
export function digestV2(root: XmlElement): string {
  return md5Hex(dumpForDigest(root, { filtered: true }));
}
