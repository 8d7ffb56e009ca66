import { type XmlElement, childElements, element, firstChild } from "@hbx/cib";

/**
 * Read-side helpers over the CIB tree the tools share: sections, resources, nodes and
 * nvpair sets. Everything is looked up through maps built once per command.
 */

export type ResourceId = string;
export type NodeName = string;

export const RESOURCE_TAGS = ["primitive", "group", "clone", "master", "bundle"] as const;

/** `configuration/<name>` (or `status`), created when `create` is set and it is missing. */
export function section(cib: XmlElement, name: string, create = false): XmlElement | undefined {
  if (name === "status" || name === "configuration") {
    let el = firstChild(cib, name);
    if (!el && create) {
      el = element(name);
      cib.children.push(el);
    }
    return el;
  }
  const conf = section(cib, "configuration", create);
  if (!conf) return undefined;
  let el = firstChild(conf, name);
  if (!el && create) {
    el = element(name);
    conf.children.push(el);
  }
  return el;
}

export interface ResourceEntry {
  el: XmlElement;
  /** The enclosing group, clone or bundle, if any. */
  parent?: XmlElement;
}

/** Every resource (primitive, group, clone, master, bundle) by id. */
export function indexResources(cib: XmlElement): Map<ResourceId, ResourceEntry> {
  const out = new Map<ResourceId, ResourceEntry>();
  const resources = section(cib, "resources");
  const visit = (el: XmlElement, parent?: XmlElement) => {
    for (const c of childElements(el, ...RESOURCE_TAGS)) {
      if (c.attrs.id !== undefined && !out.has(c.attrs.id)) out.set(c.attrs.id, { el: c, parent });
      visit(c, c);
    }
  };
  if (resources) visit(resources);
  return out;
}

/** The primitives a resource stands for (itself, a group's members, a clone's child …). */
export function primitivesOf(el: XmlElement): XmlElement[] {
  if (el.name === "primitive") return [el];
  return childElements(el, ...RESOURCE_TAGS).flatMap(primitivesOf);
}

/** "ocf:heartbeat:IPaddr2", as Pacemaker prints an agent. */
export function agentSpec(prim: XmlElement): string {
  const { class: cls, provider, type } = prim.attrs;
  return provider ? `${cls}:${provider}:${type}` : `${cls}:${type}`;
}

export interface ClusterNode {
  id: string;
  uname: NodeName;
  el: XmlElement;
}

/** Nodes of `configuration/nodes`, indexed both ways. */
export function indexNodes(cib: XmlElement): { byName: Map<NodeName, ClusterNode>; list: ClusterNode[] } {
  const list: ClusterNode[] = [];
  const byName = new Map<NodeName, ClusterNode>();
  for (const n of childElements(section(cib, "nodes") ?? element("nodes"), "node")) {
    const node = { id: n.attrs.id ?? n.attrs.uname, uname: n.attrs.uname ?? n.attrs.id, el: n };
    list.push(node);
    byName.set(node.uname, node);
  }
  return { byName, list };
}

/** The node_state of a node id in the status section. */
export function nodeState(cib: XmlElement, nodeId: string, create = false): XmlElement | undefined {
  const status = section(cib, "status", create);
  if (!status) return undefined;
  for (const s of childElements(status, "node_state")) if (s.attrs.id === nodeId) return s;
  if (!create) return undefined;
  const s = element("node_state", { id: nodeId });
  status.children.push(s);
  return s;
}

/** An XML id made from parts the way Pacemaker's crm_xml_set_id does (":" and "#" become "."). */
export function makeId(raw: string): string {
  return raw.replace(/[:#]/g, ".");
}

/** Remove a child element (an nvpair from its set, a resource from its parent). */
export function removeChild(parent: XmlElement, child: XmlElement): void {
  const i = parent.children.indexOf(child);
  if (i >= 0) parent.children.splice(i, 1);
}
