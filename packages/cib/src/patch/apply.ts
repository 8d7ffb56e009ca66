import { type XmlElement, childElements, cloneElement, firstChild } from "../xml/node.js";
import { XPathError, compileXPath, evaluateXPath, parentOf } from "./xpath.js";

/** A change of a format-2 patch that does not apply to the document: which one, and why. */
export class CibPatchError extends Error {
  constructor(
    readonly operation: string,
    readonly xpath: string,
    readonly why: string,
  ) {
    super(`${operation} ${xpath}: ${why}`);
    this.name = "CibPatchError";
  }
}

/** The `<change>` elements of a format-2 `<diff>`, refusing anything else. */
export function patchChanges(diff: XmlElement): XmlElement[] {
  if (diff.name !== "diff" || diff.attrs.format !== "2")
    throw new CibPatchError(
      "patch",
      "/",
      `only format="2" <diff> patches are supported (found <${diff.name}${diff.attrs.format ? ` format="${diff.attrs.format}"` : ""}>)`,
    );
  return childElements(diff, "change");
}

/**
 * Apply a format-2 patch's changes (what Pacemaker's crm_diff prints) to a copy of `doc`, in
 * order, and return the copy. The patch's source version is not looked at: whether a patch made
 * from another version may apply is the caller's rule. A change that does not apply (its
 * element is gone, the element it creates is already there and differs) throws CibPatchError
 * and `doc` is left as it was.
 */
export function applyPatchChanges(doc: XmlElement, changes: readonly XmlElement[]): XmlElement {
  const after = cloneElement(doc);
  for (const change of changes) applyChange(after, change);
  return after;
}

function failed(change: XmlElement, why: string): CibPatchError {
  return new CibPatchError(change.attrs.operation ?? "?", change.attrs.path ?? "?", why);
}

function target(cib: XmlElement, change: XmlElement): XmlElement {
  const path = change.attrs.path;
  if (path === undefined) throw failed(change, "no path");
  const direct = childPath(cib, path);
  if (direct !== undefined) {
    if (direct === null) throw failed(change, "no element at that path");
    return direct;
  }
  let found: XmlElement[];
  try {
    found = evaluateXPath(cib, compileXPath(path));
  } catch (e) {
    if (e instanceof XPathError) throw failed(change, e.message);
    throw e;
  }
  if (found.length === 0) throw failed(change, "no element at that path");
  return found[0];
}

const STEP = /\/([A-Za-z_][\w.-]*)(?:\[@id='([^']*)'\]|\[(\d+)\])?/y;

/**
 * The element at a path of the shape patches use (`/cib/configuration/resources/primitive[@id='d1']`,
 * `/cib/status/node_state[2]`), found child by child: the general XPath evaluator orders every
 * element of the document for each path, which made applying a batch of patches slow. Null
 * when there is no such element; undefined when the path is of another shape, or a step without
 * a predicate names one of several children (XPath would then look under each of them).
 */
function childPath(root: XmlElement, path: string): XmlElement | null | undefined {
  let el: XmlElement | undefined;
  STEP.lastIndex = 0;
  while (STEP.lastIndex < path.length) {
    const at = STEP.lastIndex;
    const m = STEP.exec(path);
    if (!m || m.index !== at) return undefined;
    const [, name, id, nth] = m;
    const candidates = el === undefined ? (root.name === name ? [root] : []) : childElements(el, name);
    if (id !== undefined) el = candidates.find((c) => c.attrs.id === id);
    else if (nth !== undefined) el = candidates[Number(nth) - 1];
    else if (candidates.length > 1) return undefined;
    else el = candidates[0];
    if (el === undefined) return null;
  }
  return el ?? undefined;
}

/** Put `child` at element position `position` among `parent`'s elements (at the end if beyond). */
function insertAt(parent: XmlElement, child: XmlElement, position: number): void {
  const after = childElements(parent)[position];
  const index = after ? parent.children.indexOf(after) : parent.children.length;
  parent.children.splice(index, 0, child);
}

const sameAttrs = (a: XmlElement, b: XmlElement): boolean => {
  const ka = Object.keys(a.attrs);
  return ka.length === Object.keys(b.attrs).length && ka.every((k) => a.attrs[k] === b.attrs[k]);
};

/**
 * Create `child` under `parent`. When an element of that name and id is already there (two
 * writers both creating a container, say a cluster_property_set for their own nvpairs), the
 * create merges into it if it says the same (same attributes, and the same of every child both
 * have), since both writers' intent then holds; anything else would make a duplicate id and is
 * refused. Returns why it was refused, or undefined.
 */
function mergeCreate(parent: XmlElement, child: XmlElement, position: number): string | undefined {
  const id = child.attrs.id;
  const existing =
    id === undefined ? undefined : childElements(parent, child.name).find((c) => c.attrs.id === id);
  if (existing === undefined) {
    insertAt(parent, cloneElement(child), position);
    return undefined;
  }
  if (!sameAttrs(existing, child))
    return `<${child.name} id="${id}"> is already there, with other attributes`;
  const inner = childElements(child);
  if (inner.length === 0 && childElements(existing).length > 0)
    return `<${child.name} id="${id}"> is already there, with other content`;
  for (const [i, c] of inner.entries()) {
    if (c.attrs.id === undefined && childElements(existing, c.name).length > 0)
      return `<${child.name} id="${id}"> is already there, with other content`;
    const why = mergeCreate(existing, c, i);
    if (why !== undefined) return why;
  }
  return undefined;
}

function applyChange(cib: XmlElement, change: XmlElement): void {
  const op = change.attrs.operation;
  const position = Number(change.attrs.position ?? Number.NaN);
  const el = target(cib, change);
  if (op === "modify") {
    const list = firstChild(change, "change-list");
    for (const a of list ? childElements(list, "change-attr") : []) {
      if (a.attrs.name === undefined) throw failed(change, "change-attr without a name");
      if (a.attrs.operation === "set") el.attrs[a.attrs.name] = a.attrs.value ?? "";
      else if (a.attrs.operation === "unset") delete el.attrs[a.attrs.name];
      else throw failed(change, `unknown change-attr operation '${a.attrs.operation ?? ""}'`);
    }
    return;
  }
  if (op === "create") {
    const child = childElements(change)[0];
    if (!child) throw failed(change, "nothing to create");
    const why = mergeCreate(el, child, Number.isNaN(position) ? Infinity : position);
    if (why !== undefined) throw failed(change, why);
    return;
  }
  const parent = parentOf(cib, el);
  if (!parent) throw failed(change, "the <cib> root cannot be deleted or moved");
  if (op === "delete") {
    parent.children.splice(parent.children.indexOf(el), 1);
    return;
  }
  if (op === "move") {
    if (Number.isNaN(position)) throw failed(change, "move without a position");
    parent.children.splice(parent.children.indexOf(el), 1);
    insertAt(parent, el, position);
    return;
  }
  throw failed(change, `unknown operation '${op ?? ""}'`);
}
