import { type CibConstraint, childElements } from "@hbx/cib";
import { OrderFlag, type Resource, type WorkingSet, type Action } from "../types.js";
import { resolveResources } from "./location.js";
import { boolOption, looseScore } from "../unpack/attributes.js";
import { ASYMMETRIC, orderActions } from "../actions/ordering.js";
import { newAction } from "../actions/action.js";
import { inhibitUnpaired, interleaved, linkInterleaved } from "./interleave.js";
import { type SetOrdering, orderSets } from "./ordering-sets.js";

/** rsc_order, kept abstract until actions exist. */
export function unpackOrdering(c: CibConstraint, ws: WorkingSet): void {
  const a = c.attrs;
  let kind = (a.kind ?? "").toLowerCase();
  if (kind === "") {
    const score = a.score !== undefined ? (looseScore(a.score) ?? 0) : undefined;
    kind = score === undefined || score > 0 ? "mandatory" : "optional";
  } else if (kind !== "mandatory" && kind !== "optional" && kind !== "serialize") {
    // Pacemaker resets a kind it does not know to Mandatory.
    ws.warnings.push(
      `Resetting 'kind' for constraint ${c.id} to 'Mandatory' because '${a.kind}' is not valid`,
    );
    kind = "mandatory";
  }
  const sets = childElements(c.element, "resource_set");
  const symmetrical = boolOption(a.symmetrical, kind !== "serialize");
  const add = (first: Resource, fa: string, then: Resource, ta: string): void => {
    ws.orderConstraints.push({
      id: c.id,
      first,
      firstAction: fa,
      then,
      thenAction: ta,
      kind,
      symmetrical,
      minRequired: minRequired(first, a["require-all"]),
    });
  };
  if (sets.length === 0) {
    // A tag or template stands for an unordered set of its resources (Pacemaker expands it so):
    // each first comes before each then.
    const fa = a["first-action"] ?? "start";
    const ta = a["then-action"] ?? a["first-action"] ?? "start";
    for (const first of resolveResources(ws, a.first))
      for (const then of resolveResources(ws, a.then)) add(first, fa, then, ta);
    return;
  }
  const list = setOrderings.get(ws) ?? [];
  setOrderings.set(ws, list);
  list.push(...orderSets(c.id, sets, kind, a.symmetrical, ws));
}

/** Per working set: the action orderings its resource_set orderings stand for. */
const setOrderings = new WeakMap<WorkingSet, SetOrdering[]>();

/**
 * How many instances of a first clone must be able to act before the then may: 1 with
 * require-all=false, else the clone's clone-min (0: the clone as a whole, as usual).
 */
function minRequired(first: Resource, requireAll: string | undefined): number {
  if (first.variant.kind !== "clone") return 0;
  if (requireAll !== undefined && !boolOption(requireAll, true)) return 1;
  const min = Number(first.meta.get("clone-min") ?? 0);
  return Number.isInteger(min) && min > 0 ? min : 0;
}

const INVERSE: Record<string, string> = {
  start: "stop",
  stop: "start",
  promote: "demote",
  demote: "promote",
};

/** What a collective's task completes as, when the collective comes first in an ordering. */
const COMPLETED: Record<string, string> = {
  start: "running",
  stop: "stopped",
  promote: "promoted",
  demote: "demoted",
};

/** The action that stands for a resource's task in orderings (a group's start → its running). */
export function endpoint(rsc: Resource, task: string, asFirst: boolean): Action[] {
  if (rsc.variant.kind !== "primitive") {
    const t = asFirst ? (COMPLETED[task] ?? task) : task;
    return rsc.actions.filter((a) => a.task === t);
  }
  return rsc.actions.filter((a) => a.task === task && a.interval === 0);
}

/** Turn configured orderings into action orderings, with their inverse when symmetrical. */
export function applyOrderings(ws: WorkingSet): void {
  inhibitUnpairedInstances(ws);
  for (const o of ws.orderConstraints) {
    if (o.minRequired)
      linkMinimum(ws, o.first, o.firstAction, o.then, o.thenAction, o.kind, o.minRequired, o.id);
    else link(ws, o.first, o.firstAction, o.then, o.thenAction, o.kind, false, o.id, !o.symmetrical);
    if (o.symmetrical && INVERSE[o.firstAction] && INVERSE[o.thenAction]) {
      link(ws, o.then, INVERSE[o.thenAction], o.first, INVERSE[o.firstAction], o.kind, true, o.id);
    }
  }
  const oneOrMore = new Map<string, { action: Action; firsts: Set<Action> }>();
  for (const o of setOrderings.get(ws) ?? []) {
    if (o.via) linkOneOrMore(ws, o, oneOrMore);
    else link(ws, o.first, o.firstAction, o.then, o.thenAction, o.kind, o.inverse, o.id, o.asymmetric);
  }
}

/**
 * A then behind an earlier set with require-all=false (order_rsc_sets): a pseudo action named for
 * that set, runnable while any member's action is, comes before it.
 */
function linkOneOrMore(
  ws: WorkingSet,
  o: SetOrdering,
  made: Map<string, { action: Action; firsts: Set<Action> }>,
): void {
  const name = o.via ?? "";
  let gate = made.get(name);
  if (!gate) {
    const action = newAction(ws, undefined, name, undefined, { pseudo: true, optional: true });
    action.requiredRunnableBefore = 1;
    gate = { action, firsts: new Set() };
    made.set(name, gate);
  }
  for (const f of endpoint(o.first, o.firstAction, true)) {
    if (gate.firsts.has(f)) continue;
    gate.firsts.add(f);
    orderActions(ws, f, gate.action, OrderFlag.MinRunnable, o.id);
  }
  const flags = orderFlags(o.kind, o.firstAction, false, o.asymmetric) | OrderFlag.RunnableLeft;
  for (const t of endpoint(o.then, o.thenAction, false)) orderActions(ws, gate.action, t, flags, o.id);
}

/**
 * Interleaved orderings chain (a then b then c): an instance of b with no instance of a beside
 * it is taken off its node, which can leave c's instance there unpaired too, whatever order the
 * constraints come in. Settle that before any ordering is linked.
 */
function inhibitUnpairedInstances(ws: WorkingSet): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const o of ws.orderConstraints) {
      if (o.minRequired || !interleaved(o.first, o.then, o.thenAction)) continue;
      const flags = orderFlags(o.kind, o.firstAction, false, !o.symmetrical);
      if (inhibitUnpaired(o.first, o.then, flags)) changed = true;
    }
  }
}

/** The flags of a configured ordering's action ordering (or of its inverse). */
function orderFlags(kind: string, fa: string, inverse: boolean, asymmetric: boolean): number {
  let flags: number = OrderFlag.Optional;
  // A mandatory ordering that is not symmetrical only keeps an unrunnable first's then from
  // happening (Pacemaker's asymmetric ordering): it neither requires the then nor stops it.
  if (kind === "mandatory" && asymmetric) flags = ASYMMETRIC;
  else if (kind === "mandatory") {
    flags = inverse ? OrderFlag.ImpliesFirst : OrderFlag.ImpliesThen;
    if (fa === "start" || fa === "promote") flags |= OrderFlag.RunnableLeft;
  } else if (kind === "serialize") flags = OrderFlag.Serialize;
  return flags;
}

function link(
  ws: WorkingSet,
  first: Resource,
  fa: string,
  then: Resource,
  ta: string,
  kind: string,
  inverse: boolean,
  id: string,
  asymmetric = false,
): void {
  const flags = orderFlags(kind, fa, inverse, asymmetric);
  if (interleaved(first, then, ta)) {
    linkInterleaved(ws, first, fa, then, ta, flags, id, endpoint);
    return;
  }
  for (const f of endpoint(first, fa, true))
    for (const t of endpoint(then, ta, false)) orderActions(ws, f, t, flags, id);
}

/**
 * An ordering after a clone that needs only some of its instances (clone-min, require-all=false):
 * a pseudo action runnable while that many instance actions are, before the then.
 */
function linkMinimum(
  ws: WorkingSet,
  first: Resource,
  fa: string,
  then: Resource,
  ta: string,
  kind: string,
  min: number,
  id: string,
): void {
  const met = newAction(ws, undefined, `clone-one-or-more:${id}`, undefined, {
    pseudo: true,
    optional: true,
  });
  met.requiredRunnableBefore = min;
  for (const inst of first.children)
    for (const f of endpoint(inst, fa, true))
      if (f.node || inst.children.length > 0) orderActions(ws, f, met, OrderFlag.MinRunnable);
  let flags: number = kind === "mandatory" ? OrderFlag.ImpliesThen : OrderFlag.Optional;
  if (kind !== "serialize") flags |= OrderFlag.RunnableLeft;
  for (const t of endpoint(then, ta, false)) orderActions(ws, met, t, flags, id);
}
