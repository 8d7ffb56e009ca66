/**
 * The generic XML tree every CIB consumer works on. It keeps what Pacemaker and Heartbeat v2
 * write, including elements and attributes hbx does not know, and their order, so that
 * parse → serialize → parse is the identity on any CIB.
 */
export interface XmlElement {
  readonly kind: "element";
  name: string;
  /** Attributes in document order (insertion order of a plain object; names are never numeric). */
  attrs: Record<string, string>;
  children: XmlNode[];
}

export interface XmlText {
  readonly kind: "text";
  text: string;
}

export interface XmlComment {
  readonly kind: "comment";
  text: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment;

export function element(
  name: string,
  attrs: Record<string, string | number | undefined> = {},
  children: XmlNode[] = [],
): XmlElement {
  const clean: Record<string, string> = {};
  // for-in, not Object.entries: no [name, value] pair per attribute (a simulated 32x2000
  // transition writes 68,000 operation records).
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) clean[k] = typeof v === "string" ? v : String(v);
  }
  return { kind: "element", name, attrs: clean, children };
}

export function isElement(n: XmlNode | undefined): n is XmlElement {
  return n !== undefined && n.kind === "element";
}

/**
 * Whether two trees are the same: names, attributes in their order, and children, as their
 * serializations would be equal. It stops at the first difference and builds no text: seeing
 * that a large section (a running cluster's status) did not change costs a walk, not two
 * serializations. Absent on both sides is the same.
 */
export function sameElement(a: XmlElement | undefined, b: XmlElement | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameNode(a, b);
}

function sameNode(a: XmlNode, b: XmlNode): boolean {
  if (a === b) return true;
  if (a.kind !== "element" || b.kind !== "element")
    return a.kind === b.kind && (a as XmlText).text === (b as XmlText).text;
  if (a.name !== b.name || a.children.length !== b.children.length) return false;
  const names = Object.keys(a.attrs);
  const other = Object.keys(b.attrs);
  if (names.length !== other.length) return false;
  for (let i = 0; i < names.length; i++)
    if (names[i] !== other[i] || a.attrs[names[i]] !== b.attrs[names[i]]) return false;
  for (let i = 0; i < a.children.length; i++) if (!sameNode(a.children[i], b.children[i])) return false;
  return true;
}

/** Child elements, optionally only those with the given tag name(s). */
export function childElements(el: XmlElement, ...names: string[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.kind === "element" && (names.length === 0 || names.includes(c.name))) out.push(c);
  }
  return out;
}

/** The first child element with the given tag name. */
export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.kind === "element" && c.name === name) return c;
  return undefined;
}

/** Depth-first walk over every element, the root included. */
export function* walkElements(el: XmlElement): Generator<XmlElement> {
  const stack: XmlElement[] = [el];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    yield cur;
    for (let i = cur.children.length - 1; i >= 0; i--) {
      const c = cur.children[i];
      if (c.kind === "element") stack.push(c);
    }
  }
}

/** Text content of an element (concatenated direct text children). */
export function textOf(el: XmlElement): string {
  let s = "";
  for (const c of el.children) if (c.kind === "text") s += c.text;
  return s;
}

/** Deep copy, so that a candidate change never touches the document it came from. */
export function cloneElement(el: XmlElement): XmlElement {
  return {
    kind: "element",
    name: el.name,
    attrs: { ...el.attrs },
    children: el.children.map((c) => (c.kind === "element" ? cloneElement(c) : { ...c })),
  };
}

/**
 * Index every element that has an `id` by that id. Ids in a CIB are unique per element type
 * in some schemas versions, so the map keeps the first one seen and `duplicates` lists the rest.
 */
export function indexById(root: XmlElement): { byId: Map<string, XmlElement>; duplicates: XmlElement[] } {
  const byId = new Map<string, XmlElement>();
  const duplicates: XmlElement[] = [];
  for (const el of walkElements(root)) {
    const id = el.attrs.id;
    if (id === undefined) continue;
    if (byId.has(id)) duplicates.push(el);
    else byId.set(id, el);
  }
  return { byId, duplicates };
}
