import { type Action, type ClusterNode, OrderFlag, type Resource, Role, type WorkingSet } from "../types.js";
import { isMigrating, loseMigration } from "./migration.js";
import { blockColocationDependents } from "./colocation-block.js";
import { boolOption } from "../unpack/attributes.js";

export function orderActions(ws: WorkingSet, first: Action, then: Action, flags: number, id?: string): void {
  const o = { first, then, flags, id };
  first.before.push(o);
  then.after.push(o);
  ws.orderings.push(o);
}

/**
 * The flag of a mandatory ordering that is not symmetrical (Pacemaker's asymmetric ordering).
 * Kept beside orderActions rather than in OrderFlag so the propagation owns its meaning.
 */
export const ASYMMETRIC = 1 << 6;

/**
 * The actions an ordering's then stands for: a group passes the ordering on to its
 * members' actions of the same task, as Pacemaker's group update does.
 */
function orderedWithGroup(t: Action): Action[] {
  const g = t.rsc;
  if (!g || !t.pseudo || g.variant.kind !== "group") return [t];
  const out: Action[] = [];
  for (const m of g.children)
    for (const x of m.actions) if (x.task === t.task && x.interval === 0 && !x.pseudo) out.push(x);
  return out;
}

/** The instances' actions a clone's pseudo action `t` stands for, unless interleaved with `a`. */
function clonedWith(t: Action, a: Action): Action[] {
  const c = t.rsc;
  if (!c || !t.pseudo || c.variant.kind !== "clone") return [];
  const task = INSTANCE_TASK[t.task];
  if (task !== t.task) return [];
  if (a.rsc?.variant.kind === "clone" && boolOption(c.meta.get("interleave"), false)) return [];
  const out: Action[] = [];
  for (const leaf of c.variant.leaves(c))
    for (const x of leaf.actions) if (x.task === task && x.interval === 0 && !x.pseudo) out.push(x);
  return out;
}

/**
 * Whether an unrunnable first leaves the optional then of an asymmetric ordering alone: a stop
 * of what is already stopped, or a start of what already runs on just that node.
 */
function asymmetricIgnores(x: Action): boolean {
  const r = x.rsc;
  if (!r || !x.optional) return false;
  if (x.task === "stop") return r.runningOn.length === 0;
  return x.task === "start" && r.runningOn.length === 1 && r.runningOn[0] === x.node;
}

/** An action as Pacemaker names it in a reason: the resource and task, or the task alone. */
function describe(a: Action): string {
  return a.rsc ? `${a.rsc.id} ${a.task}` : a.task;
}

/** The task a clone's instances perform for one of the clone's pseudo actions. */
const INSTANCE_TASK: Record<string, string> = {
  start: "start",
  running: "start",
  stop: "stop",
  stopped: "stop",
  promote: "promote",
  promoted: "promote",
  demote: "demote",
  demoted: "demote",
};

/**
 * Whether `a` counts as required for an ordering with an action on `node`. Pacemaker asks a
 * clone's pseudo action per node: it is required there only if an instance's action on that
 * node is, so an instance starting or stopping elsewhere does not restart what is ordered
 * with the clone here.
 */
function requiredOn(a: Action, node: ClusterNode | undefined): boolean {
  const clone = a.rsc;
  if (!node || !a.pseudo || clone?.variant.kind !== "clone") return !a.optional;
  const task = INSTANCE_TASK[a.task];
  if (!task) return !a.optional;
  for (const leaf of clone.variant.leaves(clone))
    for (const x of leaf.actions)
      if (x.task === task && x.node === node && x.interval === 0 && !x.optional) return true;
  return false;
}

/** Whether `outer` is a collective that holds `inner`. */
function holds(outer: Resource | undefined, inner: Resource | undefined): boolean {
  for (let r = inner?.parent; r && outer; r = r.parent) if (r === outer) return true;
  return false;
}

/**
 * Whether `a` is the stop of a resource left unmanaged by a blocking failure (on-fail=block, a
 * failed stop that fencing cannot recover, multiple-active=block) that therefore cannot happen:
 * whatever a mandatory ordering puts after it cannot happen either, so a resource ordered first
 * keeps running, "(blocked)". Pacemaker's update_action_for_ordering_flags (pcmk_sched_actions.c):
 * first is an unrunnable stop of an unmanaged, blocked resource, under implies-then,
 * implies-first or restart. A merely unmanaged resource is left alone rather than stopped, so
 * it blocks nothing.
 */
function blockedStop(a: Action): boolean {
  return a.task === "stop" && !a.runnable && a.rsc !== undefined && !a.rsc.managed && a.rsc.blocked;
}

const IMPLYING = OrderFlag.ImpliesThen | OrderFlag.ImpliesFirst | OrderFlag.Restart;

/**
 * Whether `t` is the clone's own pseudo action that `a`, an instance's, leads to ("stopped"
 * after each instance's stop). Pacemaker orders those with implies-then-printed alone
 * (clone_internal_constraints), which neither blocks the clone nor holds up its transition:
 * an instance that cannot stop does not keep the clone from counting as stopped.
 */
export function completesClone(t: Action, a: Action): boolean {
  return t.pseudo && t.rsc?.variant.kind === "clone" && holds(t.rsc, a.rsc);
}

/** The action whose being unrunnable an action's reason names, where that is a resource's. */
const unrunnableBecause = new WeakMap<Action, Action>();

/** Whether fewer of `a`'s MinRunnable firsts are runnable than it needs. */
function tooFewRunnable(a: Action): boolean {
  const need = a.requiredRunnableBefore;
  if (need === undefined) return false;
  let n = 0;
  for (const o of a.after)
    if (o.flags & OrderFlag.MinRunnable && o.first.runnable && ++n >= need) return false;
  return true;
}

/**
 * Spread "must happen" and "cannot happen" along the orderings until nothing changes, the
 * way Pacemaker's update_action does: a required first makes an implied then required, an
 * unrunnable first makes a runnable-left then unrunnable, a required start of a running
 * resource makes its stop required (a restart). `from` limits the first pass to what changed.
 */
export function propagate(ws: WorkingSet, from: readonly Action[] = ws.actions): void {
  const queue: Action[] = [...from];
  const queued = new Set<Action>(queue);
  const push = (a: Action): void => {
    if (!queued.has(a)) {
      queued.add(a);
      queue.push(a);
    }
  };
  // An unrunnable action stays so: its colocation dependents need blocking only once.
  const colocationChecked = new Set<Action>();
  // An index, not shift(): shifting a large array is linear and would make this quadratic.
  let head = 0;
  while (head < queue.length && head < 5_000_000) {
    const a = queue[head++];
    queued.delete(a);
    if (a.runnable && tooFewRunnable(a)) a.runnable = false;
    if (!a.runnable && !colocationChecked.has(a)) {
      colocationChecked.add(a);
      blockColocationDependents(a, push);
    }
    for (const o of a.before) {
      const t = o.then;
      if (o.flags & ASYMMETRIC && !a.runnable) {
        for (const x of orderedWithGroup(t)) {
          if (!x.runnable || asymmetricIgnores(x)) continue;
          x.runnable = false;
          x.optional = false;
          x.reason ??= `unrunnable ${describe(a)}`;
          push(x);
        }
      }
      if (o.flags & OrderFlag.MinRunnable && !a.runnable && t.runnable) push(t);
      // A migrating first implies nothing: its resource stays available throughout.
      if (
        o.flags & OrderFlag.ImpliesThen &&
        t.optional &&
        // An unrunnable first implies its then all the same (Pacemaker's implies-then asks only
        // whether first is required), so a stop names the start it was required by.
        !isMigrating(a) &&
        requiredOn(a, t.node) &&
        // An unmanaged resource's start is never made required; the rest of this ordering (an
        // unrunnable first) still applies to it below.
        !(t.rsc && t.task === "start" && !t.rsc.managed)
      ) {
        t.optional = false;
        // Pacemaker names no reason when an action is required by its own resource's action.
        if (a.rsc !== t.rsc) t.reason ??= `required ${describe(a)}`;
        push(t);
        // Pacemaker passes an ordering with a group's action on to its members' actions, so a
        // member restarts naming the group's first as its reason.
        if (!holds(t.rsc, a.rsc))
          for (const x of orderedWithGroup(t)) {
            if (x === t || !x.optional || !requiredOn(a, x.node)) continue;
            if (x.task === "start" && !x.rsc?.managed) continue;
            x.optional = false;
            x.reason ??= `required ${describe(a)}`;
            push(x);
          }
        // A clone (not interleaved with the first) passes it on to every instance that can
        // act, whatever node the first acts on: all of a then-clone restarts after its first.
        if (!holds(t.rsc, a.rsc))
          for (const x of clonedWith(t, a)) {
            if (!x.optional || !x.runnable || (x.task === "start" && !x.rsc?.managed)) continue;
            x.optional = false;
            x.reason ??= `required ${describe(a)}`;
            push(x);
          }
      }
      if (
        o.flags & OrderFlag.RunnableLeft &&
        !a.runnable &&
        t.runnable &&
        !(a.optional && !(o.flags & OrderFlag.Restart) && a.pseudo === false && false)
      ) {
        if (
          a.optional &&
          a.task !== "start" &&
          a.task !== "running" &&
          a.task !== "stonith" &&
          a.requiredRunnableBefore === undefined
        )
          continue;
        t.runnable = false;
        // A resource's own blocked stop makes its start elsewhere unrunnable without a reason of
        // its own: Pacemaker then reports the stop as just "blocked". A collective passes on to
        // its instances the reason it got (Pacemaker orders the instances with the cause itself).
        // No action names its own resource's action as the reason (Pacemaker's
        // clear_action_flag_because), not even through its collective.
        if (a.pseudo && a.reason && holds(a.rsc, t.rsc)) {
          if (unrunnableBecause.get(a)?.rsc !== t.rsc) t.reason ??= a.reason;
        } else if (a.rsc !== t.rsc && t.reason === undefined) {
          t.reason = `unrunnable ${describe(a)}`;
          unrunnableBecause.set(t, a);
        }
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
      // After the runnable-left rule, which names the blocked stop as the reason where it applies.
      if (o.flags & IMPLYING && t.runnable && blockedStop(a) && !completesClone(t, a)) {
        t.runnable = false;
        push(t);
      }
      // A stop that must happen but cannot keeps the start after it from happening, on any node
      // (Pacemaker's handle_restart_ordering).
      if (o.flags & OrderFlag.Restart && !a.optional && !a.runnable && t.runnable) {
        t.runnable = false;
        if (a.rsc !== t.rsc && t.reason === undefined) {
          t.reason = `unrunnable ${describe(a)}`;
          unrunnableBecause.set(t, a);
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
      if (o.flags & OrderFlag.ImpliesFirst) for (const x of loseMigration(f, a)) push(x);
      // Nor does a migrating then require what is ordered before it.
      if (o.flags & OrderFlag.ImpliesFirst && f.optional && !isMigrating(a) && requiredOn(a, f.node)) {
        f.optional = false;
        // A stop required by the stop after it (a group's members, Pacemaker's restart ordering)
        // names that stop as its reason.
        if (a.task === "stop" && f.task === "stop" && !a.pseudo && !f.pseudo && a.rsc !== f.rsc)
          f.reason ??= `required ${describe(a)}`;
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
