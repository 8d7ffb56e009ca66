import { INFINITY } from "@hbx/cib";
import { type ClusterNode, type Resource, Role, type WorkingSet } from "../types.js";
import type { Variant } from "./variant.js";
import { addNodeScore, copyTable, recordScores } from "../assign/scores.js";
import { chooseNode } from "../assign/choose.js";
import { colocatedTable, colocationsAsDependentOf } from "../constraints/colocation-apply.js";
import { mergeColocatedScores } from "../constraints/colocation-merge.js";
import { createPrimitiveActions } from "../actions/primitive-actions.js";
import { activeNode } from "../unpack/active.js";
import { frozenByTicket } from "../constraints/tickets.js";
import { consumeCapacity } from "../assign/utilization.js";

/** Mark a node chosen for a resource, counting it for the balancing tie-break. */
export function assignTo(rsc: Resource, node: ClusterNode | null): ClusterNode | null {
  rsc.assigned = node;
  rsc.assignState = "done";
  if (node) node.assignedCount++;
  return node;
}

export const primitiveVariant: Variant = {
  kind: "primitive",

  addScore(rsc, node, score, source, ws) {
    addNodeScore(rsc, node, score, source, ws);
  },

  assign(rsc: Resource, ws: WorkingSet): ClusterNode | null {
    if (rsc.assignState === "done") return rsc.assigned;
    if (rsc.assignState === "assigning") return null;
    rsc.assignState = "assigning";
    let table = copyTable(rsc.allowed);
    // Mandatory colocations first (both directions), to satisfy as many as possible; then the
    // optional ones.
    const thisWith = colocationsAsDependentOf(rsc).filter(
      (c) => c.dependentRole === undefined || c.dependentRole === Role.Started,
    );
    const mandatory = (c: { score: number }): boolean => c.score >= INFINITY || c.score <= -INFINITY;
    for (const pass of [true, false]) {
      for (const c of thisWith) {
        if (mandatory(c) !== pass) continue;
        c.primary.variant.assign(c.primary, ws);
        table = colocatedTable(table, c, ws);
        // In place, as Pacemaker's apply_this_with: a primary assigned next takes this resource's
        // preferences as they stand now, after the primaries already placed.
        rsc.allowed = table;
      }
      table = mergeColocatedScores(rsc, table, ws, (c) => mandatory(c) === pass);
      rsc.allowed = table;
    }
    recordScores(ws, "pcmk__primitive_assign", rsc, table);
    rsc.allowed = table;
    if (!rsc.managed || frozenByTicket(rsc)) {
      // Unmanaged (or frozen) resources stay exactly where they are (where they count as active, when
      // multiple-active=block left them on several nodes).
      return assignTo(rsc, activeNode(rsc, ws) ?? null);
    }
    if (rsc.targetRole === Role.Stopped || rsc.stopOnly) return assignTo(rsc, null);
    if (rsc.lockNode) {
      const e = table.get(rsc.lockNode.name);
      return assignTo(rsc, e && e.score >= 0 && rsc.lockNode.online ? rsc.lockNode : null);
    }
    const chosen = chooseNode(rsc, table, ws);
    if (chosen) consumeCapacity(rsc, chosen, ws);
    return assignTo(rsc, chosen);
  },

  createActions(rsc, ws) {
    createPrimitiveActions(rsc, ws);
  },

  internalOrderings() {
    // The stop-then-start ordering is made with the actions.
  },

  colocationNodes(rsc, _mandatory, role) {
    if (rsc.assignState !== "done") return null;
    if (role !== undefined && role === Role.Promoted && rsc.nextRole !== Role.Promoted) return [];
    return rsc.assigned ? [rsc.assigned] : [];
  },

  leaves(rsc) {
    return [rsc];
  },
};

export const MANDATORY = INFINITY;
