import {
  type XmlElement,
  childElements,
  cloneElement,
  compareVersions,
  firstChild,
  formatVersion,
  readVersion,
} from "@hbx/cib";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { XPathError, compileXPath, evaluateXPath, parentOf } from "../common/xpath.js";

/**
 * `cibadmin -P/--patch`: apply a format-2 XML diff (what `crm_diff -o old -n new` prints) to the
 * CIB. The diff must start from the CIB's current version: an older one means the CIB moved on
 * (exit 103, as for a stale replace), a newer one that this copy missed updates (exit 1). Any
 * change that does not apply refuses the whole patch; nothing is written.
 */
export function applyPatch(before: XmlElement, diff: XmlElement): XmlElement {
  if (diff.name !== "diff" || diff.attrs.format !== "2")
    throw new CliError(
      CrmExit.UNIMPLEMENT_FEATURE,
      `cibadmin: only format="2" <diff> patches are supported (found <${diff.name}${diff.attrs.format ? ` format="${diff.attrs.format}"` : ""}>); make one with crm_diff`,
    );
  checkSource(before, diff);
  const after = cloneElement(before);
  for (const change of childElements(diff, "change")) applyChange(after, change);
  return after;
}

function checkSource(cib: XmlElement, diff: XmlElement): void {
  const version = firstChild(diff, "version");
  const source = version ? firstChild(version, "source") : undefined;
  if (!source) return;
  const current = readVersion(cib);
  const from = readVersion(source);
  const order = compareVersions(current, from);
  if (order > 0)
    throw new CliError(
      CrmExit.OLD,
      `Call failed: Update was older than existing configuration: the patch applies to ${formatVersion(from)} but the CIB is now ${formatVersion(current)}`,
    );
  if (order < 0)
    throw new CliError(
      CrmExit.ERROR,
      `Call failed: Application of update diff failed, requesting full refresh: the patch applies to ${formatVersion(from)} but the CIB is only at ${formatVersion(current)}`,
    );
}

function failed(change: XmlElement, why: string): CliError {
  return new CliError(
    CrmExit.ERROR,
    `Call failed: Application of update diff failed: ${change.attrs.operation ?? "?"} ${change.attrs.path ?? "?"}: ${why}; nothing was changed`,
  );
}

function target(cib: XmlElement, change: XmlElement): XmlElement {
  const path = change.attrs.path;
  if (path === undefined) throw failed(change, "no path");
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

/** Put `child` at element position `position` among `parent`'s elements (at the end if beyond). */
function insertAt(parent: XmlElement, child: XmlElement, position: number): void {
  const after = childElements(parent)[position];
  const index = after ? parent.children.indexOf(after) : parent.children.length;
  parent.children.splice(index, 0, child);
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
    insertAt(el, cloneElement(child), Number.isNaN(position) ? Infinity : position);
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
