import { INFINITY, MINUS_INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import type { Variant } from "./variant.js";
import { copyTable, recordScores } from "../assign/scores.js";
import { noteTerm } from "../assign/explain.js";
import { pseudoAction } from "../actions/action.js";
import { orderActions } from "../actions/ordering.js";
import { OrderFlag, Role } from "../types.js";
import { applyColocation } from "../constraints/colocation-apply.js";
import { preferredNode } from "../assign/prefer.js";
import {
  activeNodes,
  assignInstances,
  cloneLimits,
  compareInstances,
  snapshotScores,
} from "../assign/clone-assign.js";
import { addPromotionScores, isPromotableClone, setInstanceRoles } from "./promotable.js";
import { createPromotableActions } from "../actions/promotable-actions.js";

/** Assign one instance, trying `prefer` first (a cloned group: each member likewise). */
function assignInstance(inst: Resource, prefer: ClusterNode | undefined, ws: WorkingSet): ClusterNode | null {
  const leaves = inst.variant.leaves(inst);
  if (prefer) for (const l of leaves) preferredNode.set(l, prefer);
  try {
    return inst.variant.assign(inst, ws);
  } finally {
    for (const l of leaves) preferredNode.delete(l);
  }
}

/**
 * Colocations where the clone is the dependent: the primary is placed first and each instance
 * takes the colocation into its own table (clone-with-primitive, clone-with-clone without
 * interleave). Role-limited ones wait for promotion.
 */
function applyDependentColocations(clone: Resource, ws: WorkingSet): void {
  for (const c of clone.colocationsAsDependent) {
    // Every primary is placed before the clone, role-limited ones included: promotion needs
    // to know where they run.
    c.primary.variant.assign(c.primary, ws);
    if (c.dependentRole !== undefined && c.dependentRole !== Role.Started) continue;
    const table = copyTable(clone.allowed);
    applyColocation(table, c, ws);
    for (const [name, e] of table) {
      const before = clone.allowed.get(name)?.score ?? 0;
      const delta = e.score - before;
      if (delta === 0 && e.score > MINUS_INFINITY) continue;
      if (e.score <= MINUS_INFINITY && before <= MINUS_INFINITY) continue;
      const d = e.score <= MINUS_INFINITY ? MINUS_INFINITY : e.score >= INFINITY ? INFINITY : delta;
      cloneVariant.addScore(clone, e.node, d, `colocation ${c.id} with ${c.primary.id}`, ws);
    }
  }
}

/**
 * A clone: instances of one resource spread over the nodes, at most clone-node-max per node and
 * clone-max in all, active instances kept where they run; promotable clones then choose which
 * instances to promote.
 */
export const cloneVariant: Variant = {
  kind: "clone",

  addScore(rsc, node, score, source, ws) {
    const e = rsc.allowed.get(node.name) ?? { node, score: 0 };
    e.score = Math.max(MINUS_INFINITY, Math.min(INFINITY, e.score + score));
    noteTerm(e, source, score, ws);
    rsc.allowed.set(node.name, e);
    for (const c of rsc.children) c.variant.addScore(c, node, score, source, ws);
  },

  assign(rsc: Resource, ws: WorkingSet): ClusterNode | null {
    if (rsc.assignState !== "none") return null;
    rsc.assignState = "assigning";
    const before = snapshotScores(rsc.children);
    applyDependentColocations(rsc, ws);
    const promotable = isPromotableClone(rsc);
    if (promotable) addPromotionScores(rsc, ws);
    for (const c of rsc.children) recordScores(ws, "pcmk__clone_assign", c, c.allowed);
    recordScores(ws, "pcmk__clone_assign", rsc, rsc.allowed);
    const activeCount = new Map<string, number>();
    for (const c of rsc.children)
      for (const n of activeNodes(c)) activeCount.set(n.name, (activeCount.get(n.name) ?? 0) + 1);
    const ordered = [...rsc.children].sort(compareInstances(rsc, activeCount, undefined, before));
    assignInstances(rsc, ordered, cloneLimits(rsc, ws), ws, (inst, prefer) =>
      assignInstance(inst, prefer, ws),
    );
    if (promotable) setInstanceRoles(rsc, ws);
    rsc.assignState = "done";
    rsc.assigned = null;
    return null;
  },

  createActions(rsc, ws) {
    for (const c of rsc.children) c.variant.createActions(c, ws);
    const start = pseudoAction(ws, rsc, "start");
    const running = pseudoAction(ws, rsc, "running");
    const stop = pseudoAction(ws, rsc, "stop");
    const stopped = pseudoAction(ws, rsc, "stopped");
    // As Pacemaker's collective action flags: the clone runs only if some instance can start.
    running.requiredRunnableBefore = 1;
    for (const c of rsc.children) {
      for (const a of c.variant.leaves(c).flatMap((l) => l.actions)) {
        if (a.task === "start" && a.node) {
          orderActions(ws, start, a, OrderFlag.RunnableLeft);
          orderActions(ws, a, running, OrderFlag.ImpliesThen | OrderFlag.MinRunnable);
          if (!a.optional) start.optional = running.optional = false;
        } else if (a.task === "stop") {
          orderActions(ws, stop, a, OrderFlag.Optional);
          orderActions(ws, a, stopped, OrderFlag.ImpliesThen);
          if (!a.optional) stop.optional = stopped.optional = false;
        }
      }
    }
    if (isPromotableClone(rsc)) createPromotableActions(rsc, ws);
  },

  internalOrderings() {},

  colocationNodes(rsc, _mandatory, role) {
    if (rsc.assignState !== "done") return null;
    const out: ClusterNode[] = [];
    for (const c of rsc.children) {
      if (!c.assigned && c.children.length === 0) continue;
      if (role === Role.Promoted && c.nextRole !== Role.Promoted) continue;
      if (role === Role.Unpromoted && c.nextRole !== Role.Unpromoted) continue;
      const n = c.assigned ?? c.variant.leaves(c)[0]?.assigned;
      if (n) out.push(n);
    }
    return out;
  },

  leaves(rsc) {
    return rsc.children.flatMap((c) => c.variant.leaves(c));
  },
};
