import { type XmlElement, childElements, firstChild, indexById } from "../xml/node.js";
import { type AttributeSet, readAttributeSets } from "./attributes.js";

export type NodeName = string;
export type ResourceId = string;

export interface CibNode {
  id: string;
  uname: NodeName;
  type: string;
  score?: string;
  attributes: AttributeSet[];
  utilization: AttributeSet[];
}

export interface CibOperation {
  id: string;
  name: string;
  interval: string;
  role?: string;
  attrs: Record<string, string>;
  meta: AttributeSet[];
  element: XmlElement;
}

export type ResourceKind = "primitive" | "group" | "clone" | "master" | "bundle";

export interface CibResource {
  kind: ResourceKind;
  id: ResourceId;
  /** class:provider:type for primitives. */
  class?: string;
  provider?: string;
  type?: string;
  template?: string;
  instance: AttributeSet[];
  meta: AttributeSet[];
  utilization: AttributeSet[];
  operations: CibOperation[];
  children: CibResource[];
  element: XmlElement;
}

export interface CibConstraint {
  kind: "rsc_location" | "rsc_colocation" | "rsc_order" | "rsc_ticket";
  id: string;
  attrs: Record<string, string>;
  element: XmlElement;
}

export interface CibConfiguration {
  clusterOptions: AttributeSet[];
  nodes: CibNode[];
  resources: CibResource[];
  constraints: CibConstraint[];
  rscDefaults: AttributeSet[];
  opDefaults: AttributeSet[];
  tags: Map<string, string[]>;
  byId: Map<string, XmlElement>;
}

/** Typed read access to the `<configuration>` section of a CIB. */
export function readConfiguration(cib: XmlElement): CibConfiguration {
  const conf = firstChild(cib, "configuration");
  // References (id-ref, templates) point into the configuration; indexing the status section
  // too would walk every recorded operation of a large cluster for nothing.
  const { byId } = indexById(conf ?? cib);
  const empty: CibConfiguration = {
    clusterOptions: [],
    nodes: [],
    resources: [],
    constraints: [],
    rscDefaults: [],
    opDefaults: [],
    tags: new Map(),
    byId,
  };
  if (conf === undefined) return empty;
  const crmConfig = firstChild(conf, "crm_config");
  const clusterOptions = crmConfig ? readAttributeSets(crmConfig, "cluster_property_set", byId) : [];
  const nodes: CibNode[] = [];
  const nodesEl = firstChild(conf, "nodes");
  for (const n of nodesEl ? childElements(nodesEl, "node") : []) {
    nodes.push({
      id: n.attrs.id ?? n.attrs.uname ?? "",
      uname: n.attrs.uname ?? n.attrs.id ?? "",
      type: n.attrs.type ?? "member",
      score: n.attrs.score,
      attributes: readAttributeSets(n, "instance_attributes", byId),
      utilization: readAttributeSets(n, "utilization", byId),
    });
  }
  const resEl = firstChild(conf, "resources");
  const resources = resEl ? readResources(resEl, byId) : [];
  const constraints: CibConstraint[] = [];
  const consEl = firstChild(conf, "constraints");
  for (const c of consEl ? childElements(consEl) : []) {
    if (
      c.name === "rsc_location" ||
      c.name === "rsc_colocation" ||
      c.name === "rsc_order" ||
      c.name === "rsc_ticket"
    ) {
      constraints.push({ kind: c.name, id: c.attrs.id ?? "", attrs: c.attrs, element: c });
    }
  }
  const defaults = (name: string): AttributeSet[] => {
    const el = firstChild(conf, name);
    return el
      ? [
          ...readAttributeSets(el, "meta_attributes", byId),
          ...readAttributeSets(el, "instance_attributes", byId),
        ]
      : [];
  };
  const tags = new Map<string, string[]>();
  const tagsEl = firstChild(conf, "tags");
  for (const t of tagsEl ? childElements(tagsEl, "tag") : []) {
    tags.set(
      t.attrs.id ?? "",
      childElements(t, "obj_ref").map((o) => o.attrs.id ?? ""),
    );
  }
  return {
    clusterOptions,
    nodes,
    resources,
    constraints,
    rscDefaults: defaults("rsc_defaults"),
    opDefaults: defaults("op_defaults"),
    tags,
    byId,
  };
}

const RESOURCE_TAGS = ["primitive", "group", "clone", "master", "bundle"];

function readResources(parent: XmlElement, byId: Map<string, XmlElement>): CibResource[] {
  const out: CibResource[] = [];
  for (const el of childElements(parent, ...RESOURCE_TAGS)) out.push(readResource(el, byId));
  return out;
}

function readResource(el: XmlElement, byId: Map<string, XmlElement>): CibResource {
  let base = el;
  // A primitive may take class/type, operations and attributes from a template.
  const template = el.name === "primitive" && el.attrs.template ? byId.get(el.attrs.template) : undefined;
  if (template) base = template;
  const opsEl = firstChild(el, "operations") ?? (template ? firstChild(template, "operations") : undefined);
  const operations: CibOperation[] = [];
  for (let op of opsEl ? childElements(opsEl, "op") : []) {
    if (op.attrs["id-ref"] && byId.get(op.attrs["id-ref"])) op = byId.get(op.attrs["id-ref"])!;
    const attrs: Record<string, string> = { ...op.attrs };
    // Heartbeat v2 and old Pacemaker allowed op options as instance/meta attributes of the op.
    for (const set of readAttributeSets(op, "meta_attributes", byId))
      for (const p of set.pairs) attrs[p.name] ??= p.value;
    operations.push({
      id: op.attrs.id ?? "",
      name: op.attrs.name ?? "",
      interval: op.attrs.interval ?? "0",
      role: op.attrs.role,
      attrs,
      meta: readAttributeSets(op, "meta_attributes", byId),
      element: op,
    });
  }
  const sets = (kind: string): AttributeSet[] => [
    ...(template ? readAttributeSets(template, kind, byId) : []),
    ...readAttributeSets(el, kind, byId),
  ];
  return {
    kind: el.name as ResourceKind,
    id: el.attrs.id ?? "",
    class: el.attrs.class ?? base.attrs.class,
    provider: el.attrs.provider ?? base.attrs.provider,
    type: el.attrs.type ?? base.attrs.type,
    template: el.attrs.template,
    instance: sets("instance_attributes"),
    meta: sets("meta_attributes"),
    utilization: sets("utilization"),
    operations,
    children: readResources(el, byId),
    element: el,
  };
}
