import { type XmlElement, childElements, firstChild } from "@hbx/cib";
import { type ClusterNode, OrderFlag, type Resource, type WorkingSet } from "../types.js";
import { findAction, newAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { resolveResources } from "../constraints/location.js";
import { evaluateRule } from "../unpack/rules.js";
import { isUniqueClone } from "../assign/clone-assign.js";
import { isRemoteConnection } from "../unpack/remote.js";

type Discovery = "always" | "never" | "exclusive";

/** resource-discovery of the location constraints: per resource id, per node name. */
interface DiscoveryTable {
  modes: Map<string, Map<string, Discovery>>;
  /** Resources named by an exclusive constraint: probed only where one marks the node. */
  exclusive: Set<string>;
}

function truthy(text: string | undefined, dflt: boolean): boolean {
  if (text === undefined) return dflt;
  return ["true", "yes", "on", "1", "y"].includes(text.toLowerCase());
}

/** enable-startup-probes from the cluster properties (default true). */
function startupProbes(ws: WorkingSet): boolean {
  const conf = firstChild(ws.cib, "configuration");
  const crm = conf ? firstChild(conf, "crm_config") : undefined;
  let value: string | undefined;
  for (const set of crm ? childElements(crm, "cluster_property_set") : [])
    for (const nv of childElements(set, "nvpair"))
      if (nv.attrs.name === "enable-startup-probes") value = nv.attrs.value;
  return truthy(value, true);
}

/**
 * Read resource-discovery from rsc_location: `never` keeps a node from probing the resource,
 * `exclusive` limits probing to the nodes such constraints name (their node or matching rules).
 */
function discoveryTable(ws: WorkingSet): DiscoveryTable {
  const table: DiscoveryTable = { modes: new Map(), exclusive: new Set() };
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
      for (const n of nodes) if (m.get(n.name) !== "never") m.set(n.name, mode);
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
function discoveryOf(rsc: Resource, node: ClusterNode, t: DiscoveryTable): Discovery | "not-allowed" {
  for (let r: Resource | undefined = rsc; r; r = r.parent) {
    const mode = t.modes.get(r.id)?.get(node.name);
    if (mode === "never") return "never";
    if (t.exclusive.has(r.id)) return mode === "exclusive" ? "exclusive" : "not-allowed";
    if (mode) return mode;
  }
  return "always";
}

/**
 * Probes (`monitor` with interval 0) as Pacemaker schedules them: on every online, clean node,
 * for every primitive whose state there is unknown (no history), so a resource started behind
 * the cluster's back is found before anything starts it again. An anonymous clone is probed
 * once per node (the instance placed there, else its first). A probe comes before the start of
 * the resource's top-level parent. Runs after propagation: probes change no decision.
 */
export function createProbes(ws: WorkingSet): void {
  if (!startupProbes(ws)) return;
  const table = discoveryTable(ws);
  for (const node of ws.nodes) {
    if (!node.online || node.unclean || node.attrs.get("resource-discovery-enabled") === "false") continue;
    for (const rsc of ws.resources) if (!rsc.parent) probeResource(ws, rsc, node, table);
  }
}

function probeResource(ws: WorkingSet, rsc: Resource, node: ClusterNode, t: DiscoveryTable): void {
  if (node.remote && (rsc.cls === "stonith" || isRemoteConnection(rsc))) return;
  if (rsc.variant.kind === "clone" && !isUniqueClone(rsc)) {
    if (rsc.children.some((c) => probedOn(c, node))) return;
    const placed = rsc.children.find((c) => placedOn(c, node));
    const first = placed ?? rsc.children[0];
    if (first) probeResource(ws, first, node, t);
    return;
  }
  if (rsc.children.length > 0) {
    for (const c of rsc.children) probeResource(ws, c, node, t);
    return;
  }
  if (rsc.orphan || rsc.probed.has(node.name)) return;
  const mode = discoveryOf(rsc, node, t);
  if (mode === "never" || mode === "not-allowed") return;
  const probe = newAction(ws, rsc, "monitor", node, { interval: 0 });
  let top = rsc;
  while (top.parent) top = top.parent;
  const start = findAction(top, "start");
  if (start) orderActions(ws, probe, start, OrderFlag.Optional);
}

/** Whether any primitive in the resource has history on the node. */
function probedOn(rsc: Resource, node: ClusterNode): boolean {
  if (rsc.children.length === 0) return rsc.probed.has(node.name);
  return rsc.children.some((c) => probedOn(c, node));
}

function placedOn(rsc: Resource, node: ClusterNode): boolean {
  if (rsc.children.length === 0) return rsc.assigned === node;
  return rsc.children.some((c) => placedOn(c, node));
}
