import type { ClusterNode, NodeScore, Resource, WorkingSet } from "../types.js";
import { nodeAvailable } from "./scores.js";
import { preferredNode } from "./prefer.js";
import { partialMigrationTarget } from "./partial-migration.js";
import { activeNode } from "../unpack/active.js";
import { compareFreeCapacity, nodesWithoutCapacity, usesUtilization } from "./utilization.js";

/**
 * Pick the best node as Pacemaker does: highest score; on a tie the node with fewer resources
 * assigned so far, then the node the resource runs on now, then the lowest-sorting name.
 */
export function chooseNode(rsc: Resource, table: Map<string, NodeScore>, ws: WorkingSet): ClusterNode | null {
  const current = activeNode(rsc, ws);
  // With a placement strategy, nodes without room for the resource (and what must go with it)
  // are out.
  const full = usesUtilization(ws)
    ? nodesWithoutCapacity(
        rsc,
        [...table.values()].filter((e) => e.score >= 0 && nodeAvailable(e.node)).map((e) => e.node),
        ws,
      )
    : undefined;
  let best: NodeScore | undefined;
  for (const e of table.values()) {
    if (e.score < 0 || !nodeAvailable(e.node) || full?.has(e.node)) continue;
    if (best === undefined || better(e, best, current, ws)) best = e;
  }
  // A migration stopped half way is finished where it was heading, if that node is allowed.
  const partial = partialMigrationTarget(rsc, ws);
  const pt = partial ? table.get(partial.name) : undefined;
  if (pt && pt.score >= 0 && nodeAvailable(pt.node)) return pt.node;
  // A clone instance tried on its current node stays there when that node is as good as any.
  const prefer = preferredNode.get(rsc);
  const p = prefer ? table.get(prefer.name) : undefined;
  if (best && p && p.score === best.score && nodeAvailable(p.node)) return p.node;
  return best ? best.node : null;
}

function better(a: NodeScore, b: NodeScore, current: ClusterNode | undefined, ws: WorkingSet): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (ws.options.placementStrategy === "balanced") {
    const c = compareFreeCapacity(a.node, b.node, ws);
    if (c !== 0) return c < 0;
  }
  if (ws.options.placementStrategy !== "minimal" && a.node.assignedCount !== b.node.assignedCount) {
    return a.node.assignedCount < b.node.assignedCount;
  }
  if (current !== undefined) {
    if (a.node === current) return true;
    if (b.node === current) return false;
  }
  return a.node.index < b.node.index;
}
