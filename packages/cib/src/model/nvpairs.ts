/**
 * The nvpairs of an attribute set in either form. Heartbeat v2 wrapped a set's nvpairs in an
 * `<attributes>` element (`<instance_attributes><attributes><nvpair/>…`); Pacemaker writes them
 * directly in the set. Every reader and editor of nvpairs (the scheduler, the daemon, the tools)
 * goes through these, so a v2 CIB is read the same everywhere.
 */
import { type XmlElement, childElements, element, firstChild } from "../xml/index.js";

/** An nvpair and where it sits: `parent` holds it (the set itself or its `<attributes>`). */
export interface FoundNvpair {
  set: XmlElement;
  parent: XmlElement;
  nvpair: XmlElement;
}

/** The nvpairs of one set in either form: the set's own first, then those in `<attributes>`. */
export function nvpairsOf(set: XmlElement): FoundNvpair[] {
  const out: FoundNvpair[] = [];
  for (const parent of [set, ...childElements(set, "attributes")]) {
    for (const nvpair of childElements(parent, "nvpair")) out.push({ set, parent, nvpair });
  }
  return out;
}

/** The nvpair elements of `owner`'s direct sets of type `setType`, in either form, in order. */
export function nvpairElements(owner: XmlElement, setType: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const set of childElements(owner, setType)) for (const f of nvpairsOf(set)) out.push(f.nvpair);
  return out;
}

/** Where a new nvpair goes: a set in the v2 form keeps it, so one set never mixes the two forms. */
export function nvpairHolder(set: XmlElement): XmlElement {
  return firstChild(set, "attributes") ?? set;
}

/**
 * Heartbeat v2 wrote option names with underscores (`resource_failure_stickiness`,
 * `default_resource_stickiness`); Pacemaker reads both. Normalise to the dashed form.
 */
export function canonicalOptionName(name: string): string {
  return name.replace(/_/g, "-");
}

/**
 * How a name is compared: exactly (agent parameters, node attributes), or with v2's underscores
 * read as dashes (the options and meta attributes the scheduler reads that way).
 */
export type NameMatch = (wanted: string, found: string) => boolean;
export const exactName: NameMatch = (wanted, found) => wanted === found;
export const optionName: NameMatch = (wanted, found) =>
  canonicalOptionName(wanted) === canonicalOptionName(found);

/** The first nvpair called one of `names` in `owner`'s direct sets of type `setType`, in either form. */
export function findNvpair(
  owner: XmlElement,
  setType: string,
  names: string[],
  match: NameMatch = exactName,
): FoundNvpair | undefined {
  for (const set of childElements(owner, setType)) {
    for (const found of nvpairsOf(set)) {
      const name = found.nvpair.attrs.name;
      if (name !== undefined && names.some((n) => match(n, name))) return found;
    }
  }
  return undefined;
}

/**
 * The first value of cluster option `name` in crm_config's property sets, in either form and
 * spelling (`no_quorum_policy` for `no-quorum-policy`), rules not evaluated: for the daemon's
 * few direct reads; the scheduler resolves its options with rules.
 */
export function clusterOption(cib: XmlElement, name: string): string | undefined {
  const crmConfig = firstChild(firstChild(cib, "configuration") ?? cib, "crm_config");
  const found = crmConfig && findNvpair(crmConfig, "cluster_property_set", [name], optionName);
  return found ? found.nvpair.attrs.value : undefined;
}

/**
 * Set `name=value` on `owner` the way Pacemaker's tools do: update the nvpair when one of that
 * name (or an alias) exists in a set of this type, in either form; otherwise add
 * `<setId>-<name>` to the set with id `setId`, creating that set at the end of `owner` when it
 * does not exist. Returns what was written, for the tools' "Set … option" lines.
 */
export function setNvpair(
  owner: XmlElement,
  setType: string,
  setId: string,
  name: string,
  value: string,
  aliases: string[] = [],
  match: NameMatch = exactName,
): { id: string; setId?: string; created: boolean } {
  const found = findNvpair(owner, setType, [name, ...aliases], match);
  if (found) {
    found.nvpair.attrs.value = value;
    return { id: found.nvpair.attrs.id, created: false };
  }
  let set = childElements(owner, setType).find((s) => s.attrs.id === setId);
  if (!set) {
    set = element(setType, { id: setId });
    owner.children.push(set);
  }
  // ":" and "#" are not valid in an XML id: Pacemaker writes them as ".".
  const id = `${setId}-${name}`.replace(/[:#]/g, ".");
  nvpairHolder(set).children.push(element("nvpair", { id, name, value }));
  return { id, setId, created: true };
}

/** Remove a found nvpair; its (possibly empty) set stays, as Pacemaker leaves it. */
export function removeNvpair(found: FoundNvpair): void {
  const i = found.parent.children.indexOf(found.nvpair);
  if (i >= 0) found.parent.children.splice(i, 1);
}

/** Remove every nvpair of `set` (either form) whose name `drop` accepts; returns how many went. */
export function removeNvpairsWhere(set: XmlElement, drop: (name: string) => boolean): number {
  let removed = 0;
  for (const parent of [set, ...childElements(set, "attributes")]) {
    const before = parent.children.length;
    parent.children = parent.children.filter(
      (c) => !(c.kind === "element" && c.name === "nvpair" && drop(c.attrs.name ?? "")),
    );
    removed += before - parent.children.length;
  }
  return removed;
}
