import { type XmlElement, type XmlNode } from "./node.js";
import { decodeReferences } from "./references.js";

/** Thrown when the document's shape passes a limit; `offset` is where the refused tag starts. */
export class ShapeLimitExceeded extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** How deep elements may nest and how many children one may have. */
export interface ShapeLimits {
  maxDepth: number;
  maxChildren: number;
}

const UNLIMITED: ShapeLimits = { maxDepth: Infinity, maxChildren: Infinity };

/**
 * A strict single-pass reader for the subset of XML that CIBs are written in: an optional
 * `<?xml ...?>` declaration, elements, attributes in double or single quotes, text, comments and
 * the five predefined entities and numeric character references. It exists because a running 2000-resource CIB is ~40 MB of
 * lrm_rsc_op history and the general parser (validate, then parse) spends seconds on it.
 *
 * It returns undefined — and parseXml falls back to the general parser, which also reports the
 * syntax errors with line and column — on anything outside that subset or not well-formed:
 * CDATA, DOCTYPE, processing instructions, other entity references, unusual names,
 * duplicate or unquoted attributes, mismatched or unclosed tags, text outside the root. So on
 * what it accepts it yields exactly the tree the general parser yields (xml.test.ts checks that
 * on the scheduler corpus), and on everything else the general parser decides. Nesting deeper
 * than `maxDepth`, or more than `maxChildren` children, throws ShapeLimitExceeded: that is a
 * refusal, not a case for the other parser.
 */
export function fastParseXml(input: string, limits: ShapeLimits = UNLIMITED): XmlNode[] | undefined {
  const text = input.indexOf("\r") >= 0 ? input.replace(/\r\n?/g, "\n") : input;
  const top: XmlNode[] = [];
  const stack: XmlElement[] = [];
  const shapes: Shapes = new Map();
  let children = top;
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    const lt = text.indexOf("<", pos);
    const end = lt < 0 ? len : lt;
    // Mostly the indentation between tags: looked at in place, not cut out.
    let q = pos;
    while (q < end && isSpace(text.charCodeAt(q))) q++;
    if (q < end && !addText(text.slice(pos, end), children, stack.length === 0)) return undefined;
    if (lt < 0) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (!text.startsWith("<!--", lt)) return undefined; // CDATA, DOCTYPE
      const close = text.indexOf("-->", lt + 4);
      if (close < 0) return undefined;
      const body = text.slice(lt + 4, close);
      if (body.includes("--") || body.endsWith("-")) return undefined;
      children.push({ kind: "comment", text: body });
      pos = close + 3;
    } else if (next === 0x3f /* ? */) {
      // Only the declaration, and only before anything else.
      if (lt !== 0 || !/^<\?xml\s/.test(text.slice(0, 6))) return undefined;
      const close = text.indexOf("?>", lt);
      if (close < 0) return undefined;
      pos = close + 2;
    } else if (next === 0x2f /* / */) {
      const open = stack.pop();
      let p = nameEnd(text, lt + 2);
      if (p < 0 || open === undefined || text.slice(lt + 2, p) !== open.name) return undefined;
      while (isSpace(text.charCodeAt(p))) p++;
      if (text.charCodeAt(p) !== 0x3e /* > */) return undefined;
      children = stack.length > 0 ? stack[stack.length - 1].children : top;
      pos = p + 1;
    } else {
      if (stack.length === 0 && top.some((n) => n.kind === "element")) return undefined;
      if (stack.length >= limits.maxDepth) throw new ShapeLimitExceeded(lt, tooDeep(limits));
      if (children.length >= limits.maxChildren) {
        throw new ShapeLimitExceeded(lt, tooManyChildren(stack[stack.length - 1]?.name, limits));
      }
      const p = readStartTag(text, lt + 1, children, stack, shapes);
      if (p < 0) return undefined;
      children = stack.length > 0 ? stack[stack.length - 1].children : top;
      pos = p;
    }
  }
  return stack.length === 0 ? top : undefined;
}

/**
 * The attribute names last seen on each element name, in order, and the value each had. CIB
 * elements of one kind carry the same attributes in the same order (66,000 lrm_rsc_op with 18
 * each in a 2000-resource status), and many values repeat from one element to the next (the
 * node, the feature set, rc-code, op-status, the digest). So the next name, and then its value,
 * is checked in place against the last one instead of being cut out: that was most of the
 * reading time, and the garbage collector's time copying a million small strings.
 */
interface Shape {
  names: string[];
  /** The last value of each name; undefined when it held a quote, `&` or `<`, or none yet. */
  values: (string | undefined)[];
}
type Shapes = Map<string, Shape>;

/** Reads `name attrs... (/)>` from `start`; returns the position after `>`, or -1. */
function readStartTag(
  text: string,
  start: number,
  children: XmlNode[],
  stack: XmlElement[],
  shapes: Shapes,
): number {
  let p = nameEnd(text, start);
  if (p < 0) return -1;
  const tag = text.slice(start, p);
  let known = shapes.get(tag);
  if (known === undefined) shapes.set(tag, (known = { names: [], values: [] }));
  const shape = known.names;
  const lastValues = known.values;
  // Plain object in document order, as the general parser builds it; a name the prototype
  // already answers for (toString, __proto__) is left to that parser.
  const attrs: Record<string, string> = {};
  const el: XmlElement = { kind: "element", name: tag, attrs, children: [] };
  let i = 0;
  let predicted = true;
  for (;;) {
    const spaced = p;
    while (isSpace(text.charCodeAt(p))) p++;
    const nameStart = p;
    let name: string;
    const guess = predicted ? shape[i] : undefined;
    if (guess !== undefined && text.startsWith(guess, p) && text.charCodeAt(p + guess.length) === 0x3d) {
      if (nameStart === spaced) return -1;
      name = guess;
      p += guess.length;
    } else {
      p = nameEnd(text, p);
      if (p < 0) {
        p = nameStart;
        break;
      }
      if (nameStart === spaced) return -1;
      name = text.slice(nameStart, p);
      if (attrs[name] !== undefined) return -1;
      if (predicted) {
        // The prediction ends here: remember this element's names from here on.
        predicted = false;
        shape.length = i;
        lastValues.length = i;
      }
      shape.push(name);
      lastValues.push(undefined);
    }
    i++;
    while (isSpace(text.charCodeAt(p))) p++;
    if (text.charCodeAt(p) !== 0x3d /* = */) return -1;
    p++;
    while (isSpace(text.charCodeAt(p))) p++;
    const quote = text.charCodeAt(p);
    if (quote !== 0x22 && quote !== 0x27) return -1;
    // i - 1: the position of this attribute in the shape.
    const last = lastValues[i - 1];
    if (
      last !== undefined &&
      text.startsWith(last, p + 1) &&
      text.charCodeAt(p + 1 + last.length) === quote
    ) {
      attrs[name] = last;
      p += last.length + 2;
      continue;
    }
    const close = text.indexOf(quote === 0x22 ? '"' : "'", p + 1);
    if (close < 0) return -1;
    const raw = text.slice(p + 1, close);
    if (raw.includes("<")) return -1;
    const entities = raw.includes("&");
    const value = entities ? decode(raw) : raw;
    if (value === undefined) return -1;
    attrs[name] = value;
    // Shared next time only when the same text means the same value and ends at the same
    // quote: nothing to decode, and no quote of the other kind inside.
    lastValues[i - 1] = entities || raw.includes(quote === 0x22 ? "'" : '"') ? undefined : raw;
    p = close + 1;
  }
  if (predicted && shape.length > i) {
    shape.length = i;
    lastValues.length = i;
  }
  const c = text.charCodeAt(p);
  children.push(el);
  if (c === 0x3e /* > */) {
    stack.push(el);
    return p + 1;
  }
  if (c === 0x2f /* / */ && text.charCodeAt(p + 1) === 0x3e) return p + 2;
  return -1;
}

export function tooDeep(limits: ShapeLimits): string {
  return `elements nest deeper than ${limits.maxDepth} levels`;
}

export function tooManyChildren(parent: string | undefined, limits: ShapeLimits): string {
  return `${parent === undefined ? "the document" : `<${parent}>`} has more than ${limits.maxChildren} children`;
}

/** End of a name `[A-Za-z_][A-Za-z0-9_.:-]*` starting at `p`, or -1 if none starts there. */
function nameEnd(text: string, p: number): number {
  const first = text.charCodeAt(p);
  if (!((first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x5f)) return -1;
  p++;
  for (;;) {
    const c = text.charCodeAt(p);
    if (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x30 && c <= 0x3a) || // digits and ':'
      c === 0x5f ||
      c === 0x2e ||
      c === 0x2d
    ) {
      p++;
    } else {
      return p;
    }
  }
}

function addText(raw: string, children: XmlNode[], outside: boolean): boolean {
  const trimmed = raw.trim();
  if (trimmed === "") return true;
  if (outside) return false;
  const value = trimmed.includes("&") ? decode(trimmed) : trimmed;
  if (value === undefined) return false;
  children.push({ kind: "text", text: value });
  return true;
}

/** Decodes the accepted references; undefined for any other `&` (the general path names it). */
function decode(raw: string): string | undefined {
  const out = decodeReferences(raw);
  return typeof out === "string" ? out : undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}
