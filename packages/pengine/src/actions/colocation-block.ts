import { INFINITY } from "@hbx/cib";
import { type Action, type Resource, Role } from "../types.js";

/** The top-level resource an action's resource belongs to (Pacemaker's uber_parent). */
export function topOf(rsc: Resource): Resource {
  let r = rsc;
  while (r.parent) r = r.parent;
  return r;
}

/**
 * Whether a whole collective fails to reach the role `task` leads to: a colocation with it fails
 * only when none of what it holds can start (or promote); one runnable instance is enough. A
 * primitive holds nothing, so its own unrunnable action decides.
 */
function allUnrunnable(top: Resource, task: string): boolean {
  for (const child of top.children) {
    const a = child.actions.find((x) => x.task === task && x.interval === 0);
    if (a === undefined || a.runnable) return false;
  }
  return true;
}

/**
 * A start (or promote) that cannot happen blocks what is mandatorily colocated with its resource:
 * the dependent would run without its primary. As Pacemaker does, the dependent keeps its node
 * but its start (promote) becomes unrunnable, "due to colocation with <primary>", and the block
 * spreads on through the dependent's own orderings and colocations (`changed` queues each action
 * it makes unrunnable). Only a failed promote of a primary colocated in the promoted role blocks.
 */
export function blockColocationDependents(a: Action, changed: (x: Action) => void): void {
  if (a.runnable || !a.rsc || (a.task !== "start" && a.task !== "promote")) return;
  const isStart = a.task === "start";
  const top = topOf(a.rsc);
  // Cheap test first: most resources have no dependents to block.
  const blocking = top.colocationsAsPrimary.filter(
    (c) => c.score >= INFINITY && (isStart || c.primaryRole === Role.Promoted),
  );
  if (blocking.length === 0 || !allUnrunnable(top, a.task)) return;
  // Pacemaker passes a collective's unrunnable action on to its members within one update and
  // then names the collective; a member blocked on its own is named itself.
  const own = top.actions.find((x) => x.task === a.task && x.interval === 0);
  const cause = own && !own.runnable ? top : a.rsc;
  for (const c of blocking) {
    const task = c.dependentRole === Role.Promoted ? "promote" : "start";
    markBlocked(c.dependent, task, cause, changed);
  }
}

function markBlocked(rsc: Resource, task: string, reason: Resource, changed: (x: Action) => void): void {
  for (const x of rsc.actions) {
    if (!x.runnable || x.task !== task || x.interval !== 0) continue;
    x.runnable = false;
    x.reason ??= `colocation with ${reason.id}`;
    changed(x);
  }
  // What a collective cannot do, nothing inside it can.
  for (const child of rsc.children) markBlocked(child, task, reason, changed);
}
