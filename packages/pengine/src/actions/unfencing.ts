import { type ClusterNode, OrderFlag, type Resource, type WorkingSet } from "../types.js";
import { fenceNode } from "./fencing.js";
import { orderActions } from "./ordering.js";

/** Unfencing is on when fencing is and some fencing device provides it (e.g. fence_scsi). */
function unfencingEnabled(ws: WorkingSet): boolean {
  if (!ws.options.stonithEnabled) return false;
  for (const r of ws.resourceById.values())
    if (r.cls === "stonith" && (r.meta.get("provides") ?? "").toLowerCase() === "unfencing") return true;
  return false;
}

/** A node the fencer has unfenced records when, in its `#node-unfenced` attribute. */
function unfenced(node: ClusterNode): boolean {
  const v = node.attrs.get("#node-unfenced");
  return v !== undefined && v !== "" && v !== "0";
}

function leaves(rsc: Resource): Resource[] {
  return rsc.children.length === 0 ? [rsc] : rsc.children.flatMap(leaves);
}

/**
 * With unfencing enabled every resource (fencing devices included) may be probed on a node only
 * after the node is unfenced: a cluster node never unfenced gets a fencing "on" action first,
 * named after the first probe that needs it (Pacemaker's order_after_unfencing).
 */
export function createUnfencing(ws: WorkingSet): void {
  if (!unfencingEnabled(ws)) return;
  const all = ws.resources.flatMap(leaves);
  for (const node of ws.nodes) {
    if (node.remote || !node.online || node.unclean || node.pending || node.shutdown) continue;
    if (unfenced(node)) continue;
    const first = all.find((r) => !r.probed.has(node.name));
    if (first === undefined) continue;
    const a = fenceNode(node, ws, "on", `required by ${first.id} monitor`);
    a.optional = false;
  }
  // A fencing device whose definition changed where it runs unfences that node again (the
  // device may now cut off a different set of paths): Pacemaker's trigger_unfencing.
  for (const dev of all) {
    if (dev.cls !== "stonith") continue;
    for (const node of dev.runningOn) {
      if (!dev.definitionChanged.has(node.name) || !canUnfence(node) || unfenceOf(node, ws)) continue;
      const why = dev.agentChanged?.has(node.name)
        ? "Device definition changed"
        : "Device parameters changed";
      fenceNode(node, ws, "on", why).optional = false;
    }
  }
}

function canUnfence(node: ClusterNode): boolean {
  return !node.remote && node.online && !node.unclean && !node.pending && !node.shutdown;
}

function unfenceOf(node: ClusterNode, ws: WorkingSet) {
  return ws.fencing.find((f) => f.fenceTarget === node && f.fenceAction === "on");
}

/**
 * With unfencing enabled, a resource that is no fencing device starts on a node only after the
 * node is unfenced (requires=unfencing, Pacemaker's default then): a required unfencing makes
 * the start there required too, so what runs there restarts.
 */
export function orderStartsAfterUnfencing(ws: WorkingSet): void {
  if (!unfencingEnabled(ws)) return;
  const unfences = ws.fencing.filter((f) => f.fenceAction === "on" && !f.optional);
  if (unfences.length === 0) return;
  const byNode = new Map(unfences.map((f) => [f.fenceTarget!, f]));
  for (const rsc of ws.resources.flatMap(leaves)) {
    if (rsc.cls === "stonith" || !needsUnfencing(rsc)) continue;
    for (const a of rsc.actions) {
      const f = a.task === "start" && a.node ? byNode.get(a.node) : undefined;
      if (f) orderActions(ws, f, a, OrderFlag.ImpliesThen);
    }
  }
}

function needsUnfencing(rsc: Resource): boolean {
  const requires = (rsc.meta.get("requires") ?? "unfencing").toLowerCase();
  return requires === "unfencing";
}
