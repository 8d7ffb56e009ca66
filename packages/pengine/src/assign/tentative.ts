import type { NodeScore, Resource, WorkingSet } from "../types.js";
import { copyTable } from "./scores.js";
import { releaseCapacity } from "./utilization.js";

interface SavedResource {
  rsc: Resource;
  allowed: Map<string, NodeScore>;
  assigned: Resource["assigned"];
  assignState: Resource["assignState"];
}

/**
 * What an assignment of `rsc` (and everything inside it) changes, saved so that a tentative
 * assignment can be taken back (Pacemaker's pcmk__copy_node_tables).
 */
export type SavedAssignment = SavedResource[];

function subtree(rsc: Resource): Resource[] {
  return [rsc, ...rsc.children.flatMap(subtree)];
}

export function saveAssignment(rsc: Resource): SavedAssignment {
  return subtree(rsc).map((r) => ({
    rsc: r,
    allowed: copyTable(r.allowed),
    assigned: r.assigned,
    assignState: r.assignState,
  }));
}

/**
 * Take back an assignment made since `saved`: score tables as they were, and a primitive's node
 * count and capacity given back (Pacemaker's pcmk__restore_node_tables and
 * pcmk__unassign_resource). Colocated resources the attempt assigned stay assigned, as there.
 */
export function undoAssignment(saved: SavedAssignment, ws: WorkingSet): void {
  for (const s of saved) {
    const r = s.rsc;
    if (r.children.length === 0 && r.assignState === "done" && r.assigned && r.assigned !== s.assigned) {
      r.assigned.assignedCount--;
      // Only a managed resource's choice took capacity (see the primitive's assign).
      if (r.managed && !r.lockNode) releaseCapacity(r, r.assigned, ws);
    }
    r.allowed = copyTable(s.allowed);
    r.assigned = s.assigned;
    r.assignState = s.assignState;
  }
}
