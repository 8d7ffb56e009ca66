import {
  type FoundNvpair,
  type NameMatch,
  type XmlElement,
  childElements,
  element,
  exactName,
  findNvpair,
  firstChild,
  nvpairHolder,
  nvpairsOf,
  optionName,
  removeNvpair,
  setNvpair,
} from "@hbx/cib";
import { type ClusterNode, indexNodes, makeId, nodeState, section } from "./cib-model.js";
import { CliError, CrmExit } from "./exit-codes.js";

// The nvpair helpers live in @hbx/cib, shared with the scheduler and the daemon; the tools keep
// importing them from here.
export {
  type FoundNvpair,
  type NameMatch,
  exactName,
  findNvpair,
  nvpairsOf,
  optionName,
  removeNvpair,
  setNvpair,
};

/**
 * Cluster, node and transient attributes as crm_attribute (and the crm_standby and
 * crm_failcount scripts built on it) read and write them, with Pacemaker's set and nvpair ids:
 * crm_config → cluster_property_set "cib-bootstrap-options"; nodes → the node's
 * instance_attributes "nodes-ID"; status → node_state/transient_attributes "status-ID".
 */
export type AttrScope = "crm_config" | "nodes" | "status" | "rsc_defaults" | "op_defaults";

export const SCOPES: AttrScope[] = ["crm_config", "nodes", "status", "rsc_defaults", "op_defaults"];

export interface AttrTarget {
  scope: AttrScope;
  node?: ClusterNode;
  /** -s: the set to use; -i: the nvpair id to use. */
  setId?: string;
  nvpairId?: string;
  /** -z: the node's utilization set rather than its instance attributes (scope nodes only). */
  utilization?: boolean;
}

/** Find the node named by -N, as Pacemaker does (by uname, then by id). */
export function resolveNode(cib: XmlElement, name: string, tool: string): ClusterNode {
  const nodes = indexNodes(cib);
  const node = nodes.byName.get(name) ?? nodes.list.find((n) => n.id === name);
  if (!node) throw new CliError(CrmExit.NOSUCH, `${tool}: Could not map name=${name} to a UUID`);
  return node;
}

function setTag(scope: AttrScope, utilization = false): string {
  if (utilization && scope === "nodes") return "utilization";
  if (scope === "crm_config") return "cluster_property_set";
  if (scope === "rsc_defaults" || scope === "op_defaults") return "meta_attributes";
  return "instance_attributes";
}

function defaultSetId(t: AttrTarget): string {
  if (t.setId !== undefined) return t.setId;
  if (t.scope === "crm_config") return "cib-bootstrap-options";
  if (t.scope === "nodes") return `nodes-${t.node!.id}${t.utilization ? "-utilization" : ""}`;
  if (t.scope === "status") return `status-${t.node!.id}`;
  return `${t.scope}-options`;
}

/** The element that holds the attribute sets of a target (created when asked). */
function owner(cib: XmlElement, t: AttrTarget, create: boolean): XmlElement | undefined {
  if (t.scope === "nodes") return t.node!.el;
  if (t.scope === "status") {
    const state = nodeState(cib, t.node!.id, create);
    if (!state) return undefined;
    let ta = firstChild(state, "transient_attributes");
    if (!ta && create) {
      ta = element("transient_attributes", { id: t.node!.id });
      state.children.push(ta);
    }
    return ta;
  }
  return section(cib, t.scope, create);
}

/**
 * The scheduler reads cluster options and resource and operation defaults with v2's
 * underscores as dashes: so does the lookup. Node and transient attribute names are the user's.
 */
function nameMatch(t: AttrTarget): NameMatch {
  return t.scope === "nodes" || t.scope === "status" ? exactName : optionName;
}

function find(cib: XmlElement, t: AttrTarget, name: string): FoundNvpair | undefined {
  const o = owner(cib, t, false);
  if (!o) return undefined;
  const match = nameMatch(t);
  for (const set of childElements(o, setTag(t.scope, t.utilization))) {
    if (t.setId !== undefined && set.attrs.id !== t.setId) continue;
    for (const found of nvpairsOf(set)) {
      const nv = found.nvpair;
      if (t.nvpairId !== undefined ? nv.attrs.id === t.nvpairId : match(name, nv.attrs.name ?? ""))
        return found;
    }
  }
  return undefined;
}

/** Every attribute of the target (within -s's set if given), in document order: `-G` without -n. */
export function listAttrs(cib: XmlElement, t: AttrTarget): Array<{ name: string; value: string }> {
  const o = owner(cib, t, false);
  const out: Array<{ name: string; value: string }> = [];
  for (const set of o ? childElements(o, setTag(t.scope, t.utilization)) : []) {
    if (t.setId !== undefined && set.attrs.id !== t.setId) continue;
    for (const { nvpair: nv } of nvpairsOf(set))
      out.push({ name: nv.attrs.name ?? "", value: nv.attrs.value ?? "" });
  }
  return out;
}

export function queryAttr(cib: XmlElement, t: AttrTarget, name: string): string | undefined {
  return find(cib, t, name)?.nvpair.attrs.value;
}

export function setAttr(cib: XmlElement, t: AttrTarget, name: string, value: string): void {
  const found = find(cib, t, name);
  if (found) {
    found.nvpair.attrs.value = value;
    return;
  }
  const o = owner(cib, t, true)!;
  const setId = defaultSetId(t);
  let set = childElements(o, setTag(t.scope, t.utilization)).find((s) => s.attrs.id === setId);
  if (!set) {
    set = element(setTag(t.scope, t.utilization), { id: setId });
    o.children.push(set);
  }
  nvpairHolder(set).children.push(
    element("nvpair", { id: t.nvpairId ?? makeId(`${setId}-${name}`), name, value }),
  );
}

/** Remove the attribute; returns the nvpair's id, or undefined when there was none. */
export function deleteAttr(cib: XmlElement, t: AttrTarget, name: string): string | undefined {
  const found = find(cib, t, name);
  if (!found) return undefined;
  removeNvpair(found);
  return found.nvpair.attrs.id;
}
