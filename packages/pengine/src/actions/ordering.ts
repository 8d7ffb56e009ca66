import { type Action, OrderFlag, Role, type WorkingSet } from "../types.js";

export function orderActions(ws: WorkingSet, first: Action, then: Action, flags: number, id?: string): void {
  const o = { first, then, flags, id };
  first.before.push(o);
  then.after.push(o);
  ws.orderings.push(o);
}

function describe(a: Action): string {
  return `${a.rsc ? a.rsc.id : (a.node?.name ?? "")} ${a.task}`;
}

/**
 * Spread "must happen" and "cannot happen" along the orderings until nothing changes, the
 * way Pacemaker's update_action does: a required first makes an implied then required, an
 * unrunnable first makes a runnable-left then unrunnable, a required start of a running
 * resource makes its stop required (a restart).
 */
export function propagate(ws: WorkingSet): void {
  const queue: Action[] = [...ws.actions];
  const queued = new Set<Action>(queue);
  const push = (a: Action): void => {
    if (!queued.has(a)) {
      queued.add(a);
      queue.push(a);
    }
  };
  // An index, not shift(): shifting a large array is linear and would make this quadratic.
  let head = 0;
  while (head < queue.length && head < 5_000_000) {
    const a = queue[head++];
    queued.delete(a);
    for (const o of a.before) {
      const t = o.then;
      if (o.flags & OrderFlag.ImpliesThen && !a.optional && t.optional && a.runnable !== false) {
        if (t.rsc && t.task === "start" && !t.rsc.managed) continue;
        t.optional = false;
        t.reason ??= `required ${describe(a)}`;
        push(t);
      }
      if (
        o.flags & OrderFlag.RunnableLeft &&
        !a.runnable &&
        t.runnable &&
        !(a.optional && !(o.flags & OrderFlag.Restart) && a.pseudo === false && false)
      ) {
        if (a.optional && a.task !== "start" && a.task !== "running" && a.task !== "stonith") continue;
        t.runnable = false;
        // A resource's own blocked stop makes its start elsewhere unrunnable without a reason of
        // its own: Pacemaker then reports the stop as just "blocked".
        if (!(a.rsc === t.rsc && a.task === "stop")) t.reason ??= `unrunnable ${describe(a)}`;
        if (t.task === "start" && t.rsc && t.node && t.rsc.runningOn.includes(t.node)) {
          // A running resource whose start can no longer happen must stop.
          t.optional = false;
          for (const s of t.rsc.actions) {
            if (s.task === "stop" && s.optional) {
              s.optional = false;
              push(s);
            }
          }
        }
        push(t);
      }
      if (o.flags & OrderFlag.Restart && !t.optional && a.optional && t.rsc && t.rsc.role > Role.Stopped) {
        a.optional = false;
        push(a);
      }
    }
    for (const o of a.after) {
      const f = o.first;
      if (o.flags & OrderFlag.ImpliesFirst && !a.optional && f.optional) {
        f.optional = false;
        f.reason ??= undefined;
        push(f);
      }
      // A start that cannot happen forces its own resource's stop (Pacemaker's restart ordering):
      // no quorum with no-quorum-policy=stop stops what runs.
      if (o.flags & OrderFlag.Restart && !a.runnable && f.optional && f.rsc === a.rsc && a.rsc?.managed) {
        f.optional = false;
        push(f);
      }
      if (o.flags & OrderFlag.Restart && !a.optional && f.optional && a.rsc && a.rsc.role > Role.Stopped) {
        f.optional = false;
        push(f);
      }
    }
  }
}
