import { createHash } from "node:crypto";
import { type XmlElement } from "../xml/node.js";

/**
 * The shapes of documents libxml2 has found valid against schemas/cib.rng in this process, so a
 * write that changes only attribute values and text (crm_attribute -v on an existing attribute,
 * a changed score) skips the schema run, which for a large CIB is most of a version's cost.
 *
 * Why that is safe: schemas/cib.rng constrains no value. It has no `<data>`, `<value>` or
 * `<list>` pattern (`usable` checks that on the schema text itself, and turns the cache off if
 * one ever appears); its attributes are `<attribute>` with text content, its name classes are
 * about names. So whether a document matches is decided by its element names and nesting, the
 * attribute names on each element, and where non-blank text appears — its shape — and nothing
 * else, except in three places the shape therefore also records or the cache refuses:
 * - the status section is `anyAttribute` + `anyContent`: nothing inside it matters, so it is
 *   left out (status writes change it in every version);
 * - `xmlns` and `xml:` attributes change how names are read, so their values are in the shape;
 * - the parser itself: a value or comment with a character XML does not allow, a comment that
 *   would not be well-formed written back, or a value longer than libxml2 reads without its
 *   "huge" option (10,000,000), keeps the document out of the cache.
 * Each entry is a SHA-256 of a shape, written only after libxml2 accepted a document of it.
 */

/** A value longer than this is always validated (libxml2 refuses text over 10,000,000 bytes). */
const MAX_CACHED_VALUE = 1_000_000;
/** Shapes remembered; the oldest goes first. A CIB's writes mostly keep one or two shapes. */
const CAPACITY = 64;

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const known = new Map<string, true>();

/** Whether the schema lets the shape decide (no value patterns). */
export function shapeDecidesValidity(schemaText: string): boolean {
  return !/<(?:data|value|list)\b/.test(schemaText);
}

function plainValue(v: string): boolean {
  return v.length <= MAX_CACHED_VALUE && !NOT_XML_CHAR.test(v);
}

/** The shape as text, or undefined when a value keeps this document out of the cache. */
export function cibShape(doc: XmlElement): string | undefined {
  const parts: string[] = [];
  let ok = true;
  const walk = (el: XmlElement, underRoot: boolean): void => {
    parts.push("<", el.name);
    for (const name of Object.keys(el.attrs).sort()) {
      const value = el.attrs[name];
      if (!plainValue(value)) ok = false;
      parts.push(" ", name);
      if (name === "xmlns" || name.startsWith("xmlns:") || name.startsWith("xml:"))
        parts.push("=", JSON.stringify(value));
    }
    parts.push(">");
    if (underRoot && el.name === "status") {
      parts.push("*</>");
      return;
    }
    let lastWasText = false;
    for (const c of el.children) {
      if (c.kind === "element") {
        walk(c, el === doc);
        lastWasText = false;
      } else if (c.kind === "comment") {
        // Written back as <!--text-->: a "--" in it, or a trailing "-", would not parse.
        if (!plainValue(c.text) || c.text.includes("--") || c.text.endsWith("-")) ok = false;
      } else {
        if (!plainValue(c.text)) ok = false;
        if (c.text.trim() !== "" && !lastWasText) {
          parts.push("#");
          lastWasText = true;
        }
      }
    }
    parts.push("</>");
  };
  walk(doc, false);
  return ok ? parts.join("") : undefined;
}

function key(shape: string): string {
  return createHash("sha256").update(shape).digest("base64");
}

/** Whether a document of this shape was found valid before. */
export function isKnownValidShape(shape: string | undefined): boolean {
  if (shape === undefined) return false;
  const k = key(shape);
  if (!known.has(k)) return false;
  known.delete(k);
  known.set(k, true);
  return true;
}

/** Remember a shape libxml2 just accepted. */
export function rememberValidShape(shape: string | undefined): void {
  if (shape === undefined) return;
  known.set(key(shape), true);
  while (known.size > CAPACITY) known.delete(known.keys().next().value!);
}

/** Forget every shape (tests). */
export function forgetValidShapes(): void {
  known.clear();
}
