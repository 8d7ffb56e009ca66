import {
  type XmlElement,
  childElements,
  cloneElement,
  compareVersions,
  element,
  formatVersion,
  readVersion,
  walkElements,
} from "@hbx/cib";
import { section } from "../common/cib-model.js";
import { CliError, CrmExit } from "../common/exit-codes.js";

/** Section names cibadmin's -o accepts. */
export const SECTIONS = [
  "configuration",
  "nodes",
  "resources",
  "constraints",
  "crm_config",
  "rsc_defaults",
  "op_defaults",
  "acls",
  "fencing-topology",
  "tags",
  "alerts",
  "status",
];

/** Where an element of this tag lives when -o is not given. */
const HOME: Record<string, string> = {
  primitive: "resources",
  group: "resources",
  clone: "resources",
  master: "resources",
  bundle: "resources",
  rsc_location: "constraints",
  rsc_colocation: "constraints",
  rsc_order: "constraints",
  rsc_ticket: "constraints",
  node: "nodes",
  cluster_property_set: "crm_config",
  node_state: "status",
};

/** The element -o names; undefined for an unknown name (Pacemaker then uses the whole CIB). */
export function scopeElement(
  cib: XmlElement,
  scope: string | undefined,
  create = false,
): XmlElement | undefined {
  if (scope === undefined || !SECTIONS.includes(scope)) return cib;
  const el = section(cib, scope, create);
  if (!el)
    throw new CliError(
      CrmExit.NOSUCH,
      `Call failed: No such device or address (the CIB has no ${scope} section)`,
    );
  return el;
}

function findByTagId(
  root: XmlElement,
  name: string,
  id: string,
): { el: XmlElement; parent: XmlElement } | undefined {
  for (const p of walkElements(root)) {
    for (const c of p.children) {
      if (c.kind === "element" && c.name === name && c.attrs.id === id) return { el: c, parent: p };
    }
  }
  return undefined;
}

/** cibadmin -C: add `obj` under the scope; an element with the same tag and id is an error. */
export function createObject(cib: XmlElement, obj: XmlElement, scope: string | undefined): string {
  const where = scope ?? HOME[obj.name];
  if (where === undefined) {
    throw new CliError(
      CrmExit.USAGE,
      `cibadmin: say where <${obj.name}> goes with -o SECTION (one of ${SECTIONS.join(", ")})`,
    );
  }
  if (obj.name === where) {
    throw new CliError(
      CrmExit.EXISTS,
      `Call failed: File exists (section <${where}> already exists; use -R to replace it)`,
    );
  }
  const parent = section(cib, where, true)!;
  if (obj.attrs.id !== undefined && findByTagId(parent, obj.name, obj.attrs.id)) {
    throw new CliError(
      CrmExit.EXISTS,
      `Call failed: File exists (<${obj.name} id="${obj.attrs.id}"> is already in ${where}; use -M to modify it or -R to replace it)`,
    );
  }
  parent.children.push(cloneElement(obj));
  return where;
}

/** Merge `update` into `target` the way Pacemaker's modify does: attributes set, children matched by tag and id. */
function merge(target: XmlElement, update: XmlElement): void {
  for (const [k, v] of Object.entries(update.attrs)) target.attrs[k] = v;
  for (const u of childElements(update)) {
    const match = childElements(target, u.name).find((t) =>
      u.attrs.id === undefined ? t.attrs.id === undefined : t.attrs.id === u.attrs.id,
    );
    if (match) merge(match, u);
    else target.children.push(cloneElement(u));
  }
}

/** cibadmin -M: find `obj` by tag and id (or the section of that name) and merge into it. */
export function modifyObject(
  cib: XmlElement,
  obj: XmlElement,
  scope: string | undefined,
  allowCreate: boolean,
): void {
  const root = scopeElement(cib, scope)!;
  if (obj.name === "cib") {
    merge(cib, obj);
    return;
  }
  if (SECTIONS.includes(obj.name) && obj.attrs.id === undefined) {
    merge(section(cib, obj.name, true)!, obj);
    return;
  }
  const found =
    obj.attrs.id !== undefined
      ? findByTagId(root, obj.name, obj.attrs.id)
      : root.name === obj.name
        ? { el: root, parent: root }
        : undefined;
  if (found) {
    merge(found.el, obj);
    return;
  }
  if (allowCreate) {
    createObject(cib, obj, scope);
    return;
  }
  throw new CliError(
    CrmExit.NOSUCH,
    `Call failed: No such device or address (no <${obj.name}${obj.attrs.id !== undefined ? ` id="${obj.attrs.id}"` : ""}> in the CIB; add -c to create it)`,
  );
}

/**
 * cibadmin -R. A whole `<cib>` replaces the document unless its configuration is older than
 * what is stored (no lost updates) and not forced; a section or element replaces its namesake. Returns the new document.
 */
export function replaceObject(
  cib: XmlElement,
  obj: XmlElement,
  scope: string | undefined,
  force = false,
): XmlElement {
  requireConfigurationSections(obj);
  if (obj.name === "cib") {
    const current = readVersion(cib);
    const offered = readVersion(obj);
    // The configuration version: num_updates counts status changes (on a live cluster the DC's,
    // made constantly), which do not make an edit of the configuration stale.
    const config = (v: typeof current) => ({ ...v, numUpdates: 0 });
    if (!force && compareVersions(config(offered), config(current)) < 0) {
      throw new CliError(
        CrmExit.OLD,
        `Call failed: Update was older than existing configuration: the replacement is version ${formatVersion(offered)} but the CIB is at ${formatVersion(current)}, which is newer. Query it again (cibadmin -Q), re-apply your edit and replace with that.`,
      );
    }
    return cloneElement(obj);
  }
  const next = cloneElement(cib);
  if (scope !== undefined && SECTIONS.includes(scope) && obj.name !== scope) {
    // As Pacemaker: with -o the root is that section, or an element found inside it; a section
    // root that is not the -o section must never replace whatever it names instead.
    const found =
      obj.attrs.id !== undefined
        ? findByTagId(scopeElement(next, scope)!, obj.name, obj.attrs.id)
        : undefined;
    if (!found) {
      const id = obj.attrs.id !== undefined ? ` id="${obj.attrs.id}"` : "";
      throw new CliError(
        CrmExit.NOSUCH,
        `Call failed: No such device or address (expected <${scope}> (the -o section) or an element inside it, found <${obj.name}${id}>)`,
      );
    }
    found.parent.children[found.parent.children.indexOf(found.el)] = cloneElement(obj);
    return next;
  }
  if (SECTIONS.includes(obj.name)) {
    const old = section(next, obj.name, true)!;
    const parent =
      obj.name === "status" || obj.name === "configuration" ? next : section(next, "configuration")!;
    parent.children[parent.children.indexOf(old)] = cloneElement(obj);
    return next;
  }
  const root = scopeElement(next, scope)!;
  const found = obj.attrs.id !== undefined ? findByTagId(root, obj.name, obj.attrs.id) : undefined;
  if (!found) {
    throw new CliError(
      CrmExit.NOSUCH,
      `Call failed: No such device or address (no <${obj.name} id="${obj.attrs.id ?? ""}"> to replace${scope ? ` in ${scope}` : ""})`,
    );
  }
  found.parent.children[found.parent.children.indexOf(found.el)] = cloneElement(obj);
  return next;
}

/** The sections Pacemaker's schema requires in a configuration. */
const REQUIRED_SECTIONS = ["crm_config", "nodes", "resources", "constraints"];

/**
 * A replacement configuration (a `<configuration>` root, or the one in a `<cib>`) must hold every
 * required section: a `<configuration/>` would otherwise empty the cluster's resources, nodes and
 * constraints in one write. Pacemaker's schema refuses it the same way (78).
 */
function requireConfigurationSections(obj: XmlElement): void {
  const config =
    obj.name === "configuration"
      ? obj
      : obj.name === "cib"
        ? childElements(obj, "configuration")[0]
        : undefined;
  if (config === undefined) return;
  const missing = REQUIRED_SECTIONS.filter((s) => childElements(config, s).length === 0);
  if (missing.length === 0) return;
  throw new CliError(CrmExit.CONFIG, "Call failed: Update does not conform to the configured schema", [
    `error: the replacement <configuration> lacks ${missing.map((s) => `<${s}>`).join(", ")}; it must hold ${REQUIRED_SECTIONS.map((s) => `<${s}>`).join(", ")} (an empty one is written <resources/>)`,
  ]);
}

/**
 * cibadmin -D with XML: delete the first element whose tag and every given attribute match.
 * Returns false when nothing matched (Pacemaker then exits 0 too; the caller says so).
 */
export function deleteObject(cib: XmlElement, obj: XmlElement, scope: string | undefined): boolean {
  const root = scopeElement(cib, scope)!;
  for (const p of walkElements(root)) {
    for (let i = 0; i < p.children.length; i++) {
      const c = p.children[i];
      if (c.kind !== "element" || c.name !== obj.name) continue;
      if (Object.entries(obj.attrs).every(([k, v]) => c.attrs[k] === v)) {
        p.children.splice(i, 1);
        return true;
      }
    }
  }
  return false;
}

/** The sections of an empty CIB: a configuration with its four empty sections, and a status. */
export function emptyCibSections(): XmlElement[] {
  return [
    element("configuration", {}, [
      element("crm_config"),
      element("nodes"),
      element("resources"),
      element("constraints"),
    ]),
    element("status"),
  ];
}

/** cibadmin -E: an empty configuration and status, admin_epoch raised so it wins over any copy. */
export function eraseCib(cib: XmlElement): XmlElement {
  const next = element("cib", { ...cib.attrs }, emptyCibSections());
  const v = readVersion(cib);
  next.attrs.admin_epoch = String(v.adminEpoch + 1);
  return next;
}
