import { type Action, type Transition, executableActions } from "@hbx/pengine";
import type { GraphAction, TransitionGraph } from "./core.js";

/**
 * The graph of a pengine transition: its executable actions (what `crm_simulate -S` would run),
 * each depending on the executable actions ordered before it, also through pseudo actions in
 * between (a group's or clone's running/stopped), so a member's start still waits for the stop
 * it was ordered after. An optional first is not going to happen and does not block.
 */
export function graphFromTransition(t: Transition): TransitionGraph<Action> {
  const acts = executableActions(t.ws);
  const exec = new Set(acts);
  const ids = new Map<Action, number>();
  acts.forEach((a, i) => ids.set(a, i));
  // Memoised per non-executable action: the executable actions it (transitively) waits for.
  const through = new Map<Action, Set<Action>>();
  const inputsOf = (a: Action, visiting: Set<Action>): Set<Action> => {
    const deps = new Set<Action>();
    for (const o of a.after) {
      const f = o.first;
      if (exec.has(f)) deps.add(f);
      else if (!f.optional && f.runnable && !visiting.has(f)) {
        let via = through.get(f);
        if (!via) {
          visiting.add(f);
          via = inputsOf(f, visiting);
          visiting.delete(f);
          through.set(f, via);
        }
        for (const d of via) deps.add(d);
      }
    }
    return deps;
  };
  const actions: GraphAction<Action>[] = acts.map((a) => ({
    id: ids.get(a)!,
    deps: [...inputsOf(a, new Set([a]))].filter((d) => d !== a).map((d) => ids.get(d)!),
    payload: a,
  }));
  return { actions };
}
