import type { ClusterNode, Resource, WorkingSet } from "../types.js";

/**
 * Whether a resource may only be recovered once the node it ran on is fenced (Pacemaker's
 * requires=fencing, the default for non-fencing resources while fencing is enabled). Fencing
 * devices and resources with requires=quorum or nothing can start elsewhere right away, so
 * their copy on an unclean node does not count as active.
 */
export function needsFencing(rsc: Resource, ws: WorkingSet): boolean {
  if (!ws.options.stonithEnabled) return false;
  const requires = (rsc.meta.get("requires") ?? "").toLowerCase();
  if (requires === "fencing" || requires === "unfencing") return true;
  if (requires !== "") return false;
  return rsc.cls !== "stonith";
}

function clean(node: ClusterNode): boolean {
  return node.online && !node.unclean;
}

/**
 * Where a resource counts as running now (Pacemaker's active node): the first node it was
 * found on, except that a resource not needing fencing prefers the first clean node.
 */
export function activeNode(rsc: Resource, ws: WorkingSet): ClusterNode | undefined {
  const first = rsc.runningOn[0];
  if (rsc.runningOn.length < 2 || needsFencing(rsc, ws)) return first;
  return rsc.runningOn.find(clean) ?? first;
}

/** Whether the resource is active on more than one node it must be recovered from. */
export function multiplyActive(rsc: Resource, ws: WorkingSet): boolean {
  if (rsc.runningOn.length < 2) return false;
  if (needsFencing(rsc, ws)) return true;
  let n = 0;
  for (const node of rsc.runningOn) if (clean(node) && ++n > 1) return true;
  return false;
}
