import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { fenceNode } from "./fencing.js";

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
}
