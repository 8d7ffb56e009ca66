import { type XmlElement, childElements } from "@hbx/cib";
import type { Resource, WorkingSet } from "../types.js";
import { resolveResources } from "./location.js";
import { boolOption } from "../unpack/attributes.js";

/**
 * One action ordering a resource_set constraint stands for, resolved when actions exist. `inverse`
 * marks the stop-side mirror of a symmetrical ordering (its then implies its first); `via` names
 * the one-or-more pseudo action that a then waits for instead of each first (require-all=false).
 */
export interface SetOrdering {
  id: string;
  first: Resource;
  firstAction: string;
  then: Resource;
  thenAction: string;
  kind: string;
  inverse: boolean;
  asymmetric: boolean;
  via?: string;
}

const INVERSE: Record<string, string> = {
  start: "stop",
  stop: "start",
  promote: "demote",
  demote: "promote",
};

interface OrderSet {
  id: string;
  members: Resource[];
  action: string;
  element: XmlElement;
}

/**
 * Whether an ordering (or a set within one) is symmetrical (Pacemaker's get_ordering_symmetry):
 * its own symmetrical attribute, else its parent's, else all but serialize orderings are.
 */
function symmetric(kind: string, own: string | undefined, parent: string | undefined): boolean {
  const explicit = own ?? parent;
  if (explicit !== undefined) return boolOption(explicit, false) && kind !== "serialize";
  return kind !== "serialize";
}

/** The kind a set's own kind attribute gives it, else its constraint's (get_ordering_type). */
function setKind(el: XmlElement, parentKind: string): string {
  const k = el.attrs.kind?.toLowerCase();
  return k === "mandatory" || k === "optional" || k === "serialize" ? k : parentKind;
}

/**
 * The action orderings of a constraint made of resource sets (Pacemaker's pcmk__unpack_ordering
 * with unpack_order_set and order_rsc_sets): inside a sequential set each member after the one
 * before it (a serialize set: each after all before it); between two sets, the later after the
 * earlier, and the mirror for stops when symmetrical.
 */
export function orderSets(
  id: string,
  sets: XmlElement[],
  kind: string,
  symmetricalAttr: string | undefined,
  ws: WorkingSet,
): SetOrdering[] {
  const out: SetOrdering[] = [];
  const constraintSymmetric = symmetric(kind, symmetricalAttr, undefined);
  let last: OrderSet | undefined;
  for (const el of sets) {
    const set: OrderSet = {
      id: el.attrs.id ?? "",
      members: childElements(el, "resource_ref").flatMap((r) => resolveResources(ws, r.attrs.id)),
      action: el.attrs.action ?? "start",
      element: el,
    };
    orderWithinSet(id, set, kind, symmetricalAttr, out);
    if (last) orderBetweenSets(id, last, set, kind, constraintSymmetric, out);
    last = set;
  }
  return out;
}

function orderWithinSet(
  id: string,
  set: OrderSet,
  parentKind: string,
  parentSymmetrical: string | undefined,
  out: SetOrdering[],
): void {
  const m = set.members;
  if (m.length < 2) return;
  const kind = setKind(set.element, parentKind);
  const sym = symmetric(kind, set.element.attrs.symmetrical, parentSymmetrical);
  const a = set.action;
  const add = (first: Resource, then: Resource): void => {
    out.push({ id, first, firstAction: a, then, thenAction: a, kind, inverse: false, asymmetric: !sym });
    if (sym && INVERSE[a])
      out.push({
        id,
        first: then,
        firstAction: INVERSE[a],
        then: first,
        thenAction: INVERSE[a],
        kind,
        inverse: true,
        asymmetric: false,
      });
  };
  if (kind === "serialize") {
    for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) add(m[i], m[j]);
    return;
  }
  if (!boolOption(set.element.attrs.sequential, true)) return;
  for (let i = 1; i < m.length; i++) add(m[i - 1], m[i]);
}

/**
 * The later set after the earlier (order_rsc_sets). A set counts as sequential here only when it
 * says so explicitly, and then takes part through its last member (the earlier set) or its first
 * (the later set); otherwise through every member. An earlier set with require-all=false gates
 * the later set behind a one-or-more pseudo action, runnable once any of its members is.
 */
function orderBetweenSets(
  id: string,
  earlier: OrderSet,
  later: OrderSet,
  kind: string,
  sym: boolean,
  out: SetOrdering[],
): void {
  const explicitlySequential = (s: OrderSet): boolean => s.element.attrs.sequential?.toLowerCase() === "true";
  const fa = earlier.action;
  const ta = later.action;
  const requireAll =
    fa === "stop" || fa === "demote" || boolOption(earlier.element.attrs["require-all"], true);
  const firsts = explicitlySequential(earlier) ? earlier.members.slice(-1) : earlier.members;
  const thens = explicitlySequential(later) ? later.members.slice(0, 1) : later.members;
  const base = { id, firstAction: fa, thenAction: ta, kind };
  if (requireAll) {
    for (const first of firsts)
      for (const then of thens) out.push({ ...base, first, then, inverse: false, asymmetric: !sym });
  } else {
    const via = `one-or-more:${earlier.id}`;
    for (const first of earlier.members)
      for (const then of later.members)
        out.push({ ...base, first, then, inverse: false, asymmetric: !sym, via });
  }
  if (!sym || !INVERSE[fa] || !INVERSE[ta]) return;
  // The mirror: the later set's stops before the earlier set's, chosen the same way.
  for (const first of firsts)
    for (const then of thens)
      out.push({
        id,
        first: then,
        firstAction: INVERSE[ta],
        then: first,
        thenAction: INVERSE[fa],
        kind,
        inverse: true,
        asymmetric: false,
      });
}
