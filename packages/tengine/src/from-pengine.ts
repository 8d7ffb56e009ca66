import { type PlannedAction, type PlannedGraph, type Transition, buildPlannedGraph } from "@hbx/pengine";
import type { GraphAction, TransitionGraph } from "./core.js";

/**
 * What the engine runs of a pengine graph: every action that does something (a resource
 * operation, fencing), each depending on the actions ordered before it, also through the pseudo
 * actions in between (a group's or clone's running/stopped), so a member's start still waits for
 * the stop it was ordered after. Pseudo actions run nothing and are not executed; ids are the
 * graph's, so a result names the same action as `crm_simulate -G` does.
 */
export function engineGraph(graph: PlannedGraph): TransitionGraph<PlannedAction> {
  const all = graph.actions;
  // Memoised per pseudo action: the executed actions it (transitively) waits for.
  const through = new Map<number, Set<number>>();
  const depsOf = (a: PlannedAction, visiting: Set<number>): Set<number> => {
    const deps = new Set<number>();
    for (const id of a.inputs) {
      const f = all[id];
      if (f.kind !== "pseudo_event") deps.add(id);
      else if (!visiting.has(id)) {
        let via = through.get(id);
        if (!via) {
          visiting.add(id);
          via = depsOf(f, visiting);
          visiting.delete(id);
          through.set(id, via);
        }
        for (const d of via) deps.add(d);
      }
    }
    return deps;
  };
  const actions: GraphAction<PlannedAction>[] = [];
  for (const a of all) {
    if (a.kind === "pseudo_event") continue;
    const deps = [...depsOf(a, new Set([a.id]))].filter((d) => d !== a.id);
    actions.push({ id: a.id, deps, payload: a });
  }
  return { actions };
}

/** The engine's graph of a scheduled transition (see engineGraph). */
export function graphFromTransition(t: Transition): TransitionGraph<PlannedAction> {
  return engineGraph(buildPlannedGraph(t.ws));
}
