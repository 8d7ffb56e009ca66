import type { ClusterNode, NodeScore, Resource, WorkingSet } from "../types.js";
import { nodeAvailable } from "./scores.js";
import { preferredNode } from "./prefer.js";
import { partialMigrationTarget } from "./partial-migration.js";
import { activeNode } from "../unpack/active.js";
import { nodesWithoutCapacity, usesUtilization } from "./utilization.js";
import { compareNodes } from "./compare-nodes.js";
import { isUniqueClone } from "./clone-assign.js";

/**
 * Pick the best node as Pacemaker's assign_best_node (lib/pacemaker/pcmk_sched_primitive.c)
 * does: the first node in `compareNodes` order (score, capacity, count, current node, strcmp
 * name), then, if that node scores above 0, the node the resource runs on when it scores the
 * same, whatever the counts say (not for a globally-unique clone's instances, whose running
 * nodes the clone has already handed out).
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
    if (best === undefined || compareNodes(e.node, e.score, best.node, best.score, current, ws) < 0) best = e;
  }
  // A migration stopped half way is finished where it was heading, if that node is allowed.
  const partial = partialMigrationTarget(rsc, ws);
  const pt = partial ? table.get(partial.name) : undefined;
  if (pt && pt.score >= 0 && nodeAvailable(pt.node)) return pt.node;
  // A clone instance tried on its current node stays there when that node is as good as any.
  const prefer = preferredNode.get(rsc);
  const p = prefer ? table.get(prefer.name) : undefined;
  if (best && p && p.score === best.score && nodeAvailable(p.node)) return p.node;
  if (best && best.score > 0 && current && best.node !== current && !uniqueInstance(rsc)) {
    const c = table.get(current.name);
    if (c && c.score === best.score && nodeAvailable(current) && !full?.has(current)) return current;
  }
  return best ? best.node : null;
}

/** Pacemaker's pe_rsc_is_unique_clone(rsc->parent): an instance of a globally-unique clone. */
function uniqueInstance(rsc: Resource): boolean {
  return rsc.parent?.variant.kind === "clone" && isUniqueClone(rsc.parent);
}
