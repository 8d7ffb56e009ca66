import { INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import type { Variant } from "./variant.js";
import { recordScores } from "../assign/scores.js";
import { noteTerm } from "../assign/explain.js";
import { orderActions } from "../actions/ordering.js";
import { OrderFlag } from "../types.js";
import { findAction, pseudoAction } from "../actions/action.js";

/** A group: members placed together (each with the one before it) and started in order. */
export const groupVariant: Variant = {
  kind: "group",

  addScore(rsc, node, score, source, ws) {
    for (const c of rsc.children) c.variant.addScore(c, node, score, source, ws);
    const e = rsc.allowed.get(node.name) ?? { node, score: 0 };
    e.score = Math.max(-INFINITY, Math.min(INFINITY, e.score + score));
    noteTerm(e, source, score, ws);
    rsc.allowed.set(node.name, e);
  },

  assign(rsc: Resource, ws: WorkingSet): ClusterNode | null {
    if (rsc.assignState === "done") return rsc.assigned;
    if (rsc.assignState === "assigning") return null;
    rsc.assignState = "assigning";
    for (const c of rsc.children) recordScores(ws, "pcmk__group_assign", c, c.allowed);
    let first: ClusterNode | null | undefined;
    for (const c of rsc.children) {
      const n = c.variant.assign(c, ws);
      if (first === undefined) first = n;
    }
    rsc.assigned = first ?? null;
    rsc.assignState = "done";
    return rsc.assigned;
  },

  createActions(rsc, ws) {
    for (const c of rsc.children) c.variant.createActions(c, ws);
    const start = pseudoAction(ws, rsc, "start");
    const running = pseudoAction(ws, rsc, "running");
    const stop = pseudoAction(ws, rsc, "stop");
    const stopped = pseudoAction(ws, rsc, "stopped");
    for (const c of rsc.children) {
      const cs = findAction(c, "start");
      const cp = c.actions.filter((a) => a.task === "stop");
      if (cs) {
        orderActions(ws, start, cs, OrderFlag.ImpliesFirst | OrderFlag.RunnableLeft);
        orderActions(ws, cs, running, OrderFlag.ImpliesThen | OrderFlag.RunnableLeft);
        if (!cs.optional) start.optional = running.optional = false;
      }
      for (const s of cp) {
        orderActions(ws, stop, s, OrderFlag.ImpliesFirst);
        orderActions(ws, s, stopped, OrderFlag.ImpliesThen);
        if (!s.optional) stop.optional = stopped.optional = false;
      }
    }
    orderActions(ws, stopped, start, OrderFlag.Optional);
    // Members start one after another and stop in reverse.
    for (let i = 1; i < rsc.children.length; i++) {
      const prev = rsc.children[i - 1];
      const cur = rsc.children[i];
      const ps = findAction(prev, "start");
      const cs = findAction(cur, "start");
      if (ps && cs) orderActions(ws, ps, cs, OrderFlag.ImpliesThen | OrderFlag.RunnableLeft);
      // A member active while the one before it is not (say, a member added in the middle) must
      // stop before that one starts: it restarts behind it, and if it cannot stop, the earlier
      // member cannot start.
      if (ps && cur.runningOn.length > 0 && prev.runningOn.length === 0)
        for (const stopCur of cur.actions.filter((a) => a.task === "stop"))
          orderActions(ws, stopCur, ps, OrderFlag.ImpliesFirst | OrderFlag.RunnableLeft);
      for (const stopCur of cur.actions.filter((a) => a.task === "stop")) {
        for (const stopPrev of prev.actions.filter((a) => a.task === "stop")) {
          // A member's blocked stop blocks the stops before it (Pacemaker's restart ordering).
          orderActions(ws, stopCur, stopPrev, OrderFlag.ImpliesFirst | OrderFlag.RunnableLeft);
        }
      }
    }
  },

  internalOrderings() {},

  colocationNodes(rsc, mandatory, role) {
    if (rsc.children.length === 0) return [];
    const member = mandatory ? rsc.children[rsc.children.length - 1] : rsc.children[0];
    return member.variant.colocationNodes(member, mandatory, role);
  },

  leaves(rsc) {
    return rsc.children.flatMap((c) => c.variant.leaves(c));
  },
};
