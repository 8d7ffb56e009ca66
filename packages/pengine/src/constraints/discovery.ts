import { type XmlElement, MINUS_INFINITY, childElements, firstChild } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { resolveResources } from "./location.js";
import { evaluateRule } from "../unpack/rules.js";

export type Discovery = "always" | "never" | "exclusive";

/** resource-discovery of the location constraints: per resource id, per node name. */
export interface DiscoveryTable {
  modes: Map<string, Map<string, Discovery>>;
  /** Resources named by an exclusive constraint: probed only where one marks the node. */
  exclusive: Set<string>;
}

const tables = new WeakMap<WorkingSet, DiscoveryTable>();

/**
 * Read resource-discovery from rsc_location: `never` keeps a node from probing the resource,
 * `exclusive` limits probing to the nodes such constraints name (their node or matching rules).
 */
export function discoveryTable(ws: WorkingSet): DiscoveryTable {
  // Built once per working set: the exclusive bans and the probes both need it.
  const known = tables.get(ws);
  if (known) return known;
  const table: DiscoveryTable = { modes: new Map(), exclusive: new Set() };
  tables.set(ws, table);
  const conf = firstChild(ws.cib, "configuration");
  const constraints = conf ? firstChild(conf, "constraints") : undefined;
  if (!constraints) return table;
  for (const c of childElements(constraints, "rsc_location")) {
    const mode = (c.attrs["resource-discovery"] ?? "always").toLowerCase() as Discovery;
    if (mode !== "never" && mode !== "exclusive") continue;
    const targets = resolveResources(ws, c.attrs.rsc, c.attrs["rsc-pattern"]);
    for (const s of childElements(c, "resource_set"))
      for (const ref of childElements(s, "resource_ref")) targets.push(...resolveResources(ws, ref.attrs.id));
    const nodes = constraintNodes(c, ws);
    for (const r of targets) {
      if (mode === "exclusive") table.exclusive.add(r.id);
      let m = table.modes.get(r.id);
      if (!m) table.modes.set(r.id, (m = new Map()));
      // The strongest mode wins: exclusive over never over always, as Pacemaker ranks them.
      for (const n of nodes) if (m.get(n.name) !== "exclusive") m.set(n.name, mode);
    }
  }
  return table;
}

function constraintNodes(c: XmlElement, ws: WorkingSet): ClusterNode[] {
  if (c.attrs.node !== undefined) {
    const n = ws.nodeByName.get(c.attrs.node);
    return n ? [n] : [];
  }
  const rules = childElements(c, "rule");
  return ws.nodes.filter((n) =>
    rules.some((rule) => evaluateRule(rule, { nodeAttrs: n.attrs, now: ws.now })),
  );
}

/** The discovery mode for a resource on a node: its own, else its nearest ancestor's. */
export function discoveryOf(rsc: Resource, node: ClusterNode, t: DiscoveryTable): Discovery | "not-allowed" {
  for (let r: Resource | undefined = rsc; r; r = r.parent) {
    const mode = t.modes.get(r.id)?.get(node.name);
    if (mode === "exclusive") return "exclusive";
    if (t.exclusive.has(r.id)) return "not-allowed";
    if (mode) return mode;
  }
  return "always";
}

/**
 * A resource with exclusive discovery may run only where a constraint with
 * resource-discovery=exclusive marks the node (Pacemaker bans it from every other node it
 * would probe on). Applied before placement, to the resource that carries the constraints.
 */
export function applyExclusiveDiscovery(ws: WorkingSet): void {
  const table = discoveryTable(ws);
  if (table.exclusive.size === 0) return;
  for (const id of table.exclusive) {
    const rsc = ws.resourceById.get(id);
    if (!rsc) continue;
    for (const node of ws.nodes) {
      // (Whether a remote node is up is known only later; a node down is unavailable anyway.)
      if (node.attrs.get("resource-discovery-enabled") === "false") continue;
      if (discoveryOf(rsc, node, table) === "exclusive") continue;
      rsc.variant.addScore(rsc, node, MINUS_INFINITY, `resource-discovery=exclusive elsewhere`, ws);
    }
  }
}
