import { firstChild, nvpairElements } from "@hbx/cib";
import { type Action, type ClusterNode, OrderFlag, type Resource, type WorkingSet } from "../types.js";
import { findAction, newAction } from "./action.js";
import { orderActions, propagate } from "./ordering.js";
import { topOf } from "./colocation-block.js";
import { type DiscoveryTable, discoveryOf, discoveryTable } from "../constraints/discovery.js";
import { isUniqueClone } from "../assign/clone-assign.js";
import { isRemoteConnection } from "../unpack/remote.js";

function truthy(text: string | undefined, dflt: boolean): boolean {
  if (text === undefined) return dflt;
  return ["true", "yes", "on", "1", "y"].includes(text.toLowerCase());
}

/** enable-startup-probes from the cluster properties (default true). */
function startupProbes(ws: WorkingSet): boolean {
  const conf = firstChild(ws.cib, "configuration");
  const crm = conf ? firstChild(conf, "crm_config") : undefined;
  let value: string | undefined;
  for (const nv of crm ? nvpairElements(crm, "cluster_property_set") : [])
    if (nv.attrs.name === "enable-startup-probes") value = nv.attrs.value;
  return truthy(value, true);
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
  const blocked: Action[] = [];
  for (const node of ws.nodes) {
    if (!node.online || node.unclean || node.attrs.get("resource-discovery-enabled") === "false") continue;
    for (const rsc of ws.resources) if (!rsc.parent) probeResource(ws, rsc, node, table, blocked);
  }
  // A probe that cannot run keeps what it guards from starting, and all that follows from that.
  if (blocked.length > 0) propagate(ws, blocked);
}

function probeResource(
  ws: WorkingSet,
  rsc: Resource,
  node: ClusterNode,
  t: DiscoveryTable,
  blocked: Action[],
): void {
  if (node.remote && (rsc.cls === "stonith" || isRemoteConnection(rsc))) return;
  if (rsc.variant.kind === "clone" && !isUniqueClone(rsc)) {
    if (rsc.children.some((c) => probedOn(c, node))) return;
    const placed = rsc.children.find((c) => placedOn(c, node));
    const first = placed ?? rsc.children[0];
    if (first) probeResource(ws, first, node, t, blocked);
    return;
  }
  if (rsc.children.length > 0) {
    for (const c of rsc.children) probeResource(ws, c, node, t, blocked);
    return;
  }
  if (rsc.orphan || rsc.probed.has(node.name)) return;
  const mode = discoveryOf(rsc, node, t);
  if (mode === "never" || mode === "not-allowed") return;
  // Nothing runs on a node still joining, probes included (update_resource_action_runnable).
  const probe = newAction(ws, rsc, "monitor", node, { interval: 0, runnable: !node.pending });
  const start = findAction(topOf(rsc), "start");
  if (start) orderActions(ws, probe, start, OrderFlag.Optional);
  if (probe.runnable || rsc.runningOn.length > 0) return;
  // Pacemaker's pcmk__probe_rsc_on_node: a resource active nowhere whose probe cannot run may not
  // start (it might be active on that node), though one already active is not stopped for it.
  // The ordering is with the resource's own start, or its clone's.
  const guarded = findAction(cloneOf(rsc) ?? rsc, "start");
  if (!guarded) return;
  orderActions(ws, probe, guarded, OrderFlag.RunnableLeft);
  blocked.push(probe);
}

function cloneOf(rsc: Resource): Resource | undefined {
  const top = topOf(rsc);
  return top.variant.kind === "clone" ? top : undefined;
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
