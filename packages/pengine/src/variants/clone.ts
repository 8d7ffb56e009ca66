import { INFINITY, MINUS_INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import type { Variant } from "./variant.js";
import { recordScores } from "../assign/scores.js";
import { pseudoAction } from "../actions/action.js";
import { orderActions } from "../actions/ordering.js";
import { OrderFlag } from "../types.js";

/** How many instances may run on one node. */
function nodeMax(rsc: Resource): number {
  return Number(rsc.meta.get("clone-node-max") ?? 1) || 1;
}

/**
 * A clone: instances of one resource spread over the nodes, at most clone-node-max per node,
 * instances already running placed first so they stay where they are.
 */
export const cloneVariant: Variant = {
  kind: "clone",

  addScore(rsc, node, score, source, ws) {
    const e = rsc.allowed.get(node.name) ?? { node, score: 0, sources: [] };
    e.score = Math.max(MINUS_INFINITY, Math.min(INFINITY, e.score + score));
    e.sources.push({ source, score });
    rsc.allowed.set(node.name, e);
    for (const c of rsc.children) c.variant.addScore(c, node, score, source, ws);
  },

  assign(rsc: Resource, ws: WorkingSet): ClusterNode | null {
    if (rsc.assignState === "done") return rsc.assigned;
    rsc.assignState = "assigning";
    recordScores(ws, "pcmk__clone_assign", rsc, rsc.allowed);
    const perNode = new Map<string, number>();
    const ordered = [...rsc.children].sort(
      (a, b) => Number(b.runningOn.length > 0) - Number(a.runningOn.length > 0),
    );
    const max = nodeMax(rsc);
    for (const inst of ordered) {
      for (const leaf of inst.variant.leaves(inst)) {
        for (const [name, count] of perNode) {
          if (count < max) continue;
          const e = leaf.allowed.get(name);
          if (e) e.score = MINUS_INFINITY;
          else {
            const node = ws.nodeByName.get(name)!;
            leaf.allowed.set(name, {
              node,
              score: MINUS_INFINITY,
              sources: [{ source: "clone-node-max", score: MINUS_INFINITY }],
            });
          }
        }
      }
      const n = inst.variant.assign(inst, ws);
      if (n) perNode.set(n.name, (perNode.get(n.name) ?? 0) + 1);
    }
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
    for (const c of rsc.children) {
      for (const a of c.variant.leaves(c).flatMap((l) => l.actions)) {
        if (a.task === "start" && a.node) {
          orderActions(ws, start, a, OrderFlag.RunnableLeft);
          orderActions(ws, a, running, OrderFlag.ImpliesThen);
          if (!a.optional) start.optional = running.optional = false;
        } else if (a.task === "stop") {
          orderActions(ws, stop, a, OrderFlag.Optional);
          orderActions(ws, a, stopped, OrderFlag.ImpliesThen);
          if (!a.optional) stop.optional = stopped.optional = false;
        }
      }
    }
  },

  internalOrderings() {},

  colocationNodes(rsc) {
    if (rsc.assignState !== "done") return null;
    const out: ClusterNode[] = [];
    for (const c of rsc.children) if (c.assigned) out.push(c.assigned);
    return out;
  },

  leaves(rsc) {
    return rsc.children.flatMap((c) => c.variant.leaves(c));
  },
};
