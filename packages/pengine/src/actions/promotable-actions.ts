import { type Resource, Role, OrderFlag, type WorkingSet } from "../types.js";
import { findAction, newAction, pseudoAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { recoversByDemotion } from "../unpack/history.js";

/**
 * Promote and demote actions for a promotable clone's instances, made after their starts and
 * stops: demote before stop (a required stop requires the demote), promote after start (a
 * required start of an instance to be promoted requires the promote, an unrunnable one blocks it).
 */
export function createPromotableActions(clone: Resource, ws: WorkingSet): void {
  const promote = pseudoAction(ws, clone, "promote");
  const promoted = pseudoAction(ws, clone, "promoted");
  const demote = pseudoAction(ws, clone, "demote");
  const demoted = pseudoAction(ws, clone, "demoted");
  for (const inst of clone.children) {
    for (const leaf of inst.variant.leaves(inst)) {
      if (!leaf.managed) continue;
      const current = leaf.runningOn[0];
      const next = leaf.assigned ?? undefined;
      if (leaf.role === Role.Promoted && current) {
        // A failure recovered by demotion demotes it even if it is promoted again.
        const keeps = leaf.nextRole === Role.Promoted && next === current && !recoversByDemotion(leaf);
        const d = newAction(ws, leaf, "demote", current, { optional: keeps });
        for (const s of leaf.actions)
          if (s.task === "stop" && s.node === current) orderActions(ws, d, s, OrderFlag.ImpliesFirst);
        orderActions(ws, demote, d, OrderFlag.Optional);
        orderActions(ws, d, demoted, OrderFlag.ImpliesThen);
        if (!d.optional) demote.optional = demoted.optional = false;
      }
      if (leaf.nextRole === Role.Promoted && next) {
        const keeps = leaf.role === Role.Promoted && current === next && !recoversByDemotion(leaf);
        const start = findAction(leaf, "start", next);
        const p = newAction(ws, leaf, "promote", next, { optional: keeps });
        if (start) orderActions(ws, start, p, OrderFlag.ImpliesThen | OrderFlag.RunnableLeft);
        const d = findAction(leaf, "demote");
        if (d) orderActions(ws, d, p, OrderFlag.Optional);
        orderActions(ws, promote, p, OrderFlag.RunnableLeft);
        orderActions(ws, p, promoted, OrderFlag.ImpliesThen);
        if (!p.optional) promote.optional = promoted.optional = false;
      }
    }
  }
}
