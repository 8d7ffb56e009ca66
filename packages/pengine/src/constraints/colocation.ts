import { type CibConstraint, childElements } from "@hbx/cib";
import { type Colocation, type Resource, type WorkingSet, parseRole } from "../types.js";
import { resolveResources } from "./location.js";
import { boolOption, looseScore } from "../unpack/attributes.js";

export function addColocation(ws: WorkingSet, c: Colocation): void {
  if (c.dependent === c.primary) return;
  ws.colocations.push(c);
  c.dependent.colocationsAsDependent.push(c);
  c.primary.colocationsAsPrimary.push(c);
}

/** rsc_colocation, either `rsc` with `with-rsc` or resource sets (each member with the one before). */
export function unpackColocation(c: CibConstraint, ws: WorkingSet): void {
  const a = c.attrs;
  const score = looseScore(a.score ?? "0") ?? 0;
  const influence = boolOption(a.influence, true);
  const nodeAttribute = a["node-attribute"] ?? "#uname";
  const sets = childElements(c.element, "resource_set");
  if (sets.length === 0) {
    // A tag or template stands for an unordered set of its resources (Pacemaker expands it so):
    // each one is colocated with the primary, not with one another. Between two such sets
    // Pacemaker's expansion colocates nothing.
    if (a.rsc !== undefined && a["with-rsc"] !== undefined) {
      if (!ws.resourceById.has(a.rsc) && !ws.resourceById.has(a["with-rsc"])) return;
    }
    for (const dep of resolveResources(ws, a.rsc))
      for (const pri of resolveResources(ws, a["with-rsc"]))
        addColocation(ws, {
          id: c.id,
          dependent: dep,
          primary: pri,
          score,
          dependentRole: roleOf(a["rsc-role"]),
          primaryRole: roleOf(a["with-rsc-role"]),
          nodeAttribute,
          influence,
        });
    return;
  }
  let previous: ColocationSet | undefined;
  for (const el of sets) {
    const set: ColocationSet = {
      members: childElements(el, "resource_ref").flatMap((r) => resolveResources(ws, r.attrs.id)),
      sequential: boolOption(el.attrs.sequential, true),
      role: roleOf(el.attrs.role),
    };
    const setScore = el.attrs.score !== undefined ? (looseScore(el.attrs.score) ?? score) : score;
    const base = { id: c.id, nodeAttribute, influence };
    colocateWithinSet(ws, set, setScore, base);
    if (previous) colocateSets(ws, previous, set, score, base);
    previous = set;
  }
}

interface ColocationSet {
  members: Resource[];
  sequential: boolean;
  role: ReturnType<typeof roleOf>;
}

type Common = Pick<Colocation, "id" | "nodeAttribute" | "influence">;

/**
 * Colocations inside one set (Pacemaker's unpack_colocation_set): none when the set is not
 * sequential; with a positive score each member with the one before it; with a negative one each
 * member against every member before it, so that no two of them share a node.
 */
function colocateWithinSet(ws: WorkingSet, set: ColocationSet, score: number, base: Common): void {
  if (score === 0 || !set.sequential) return;
  const m = set.members;
  const role = { dependentRole: set.role, primaryRole: set.role };
  for (let i = 1; i < m.length; i++) {
    const primaries = score > 0 ? [m[i - 1]] : m.slice(0, i);
    for (const p of primaries) addColocation(ws, { ...base, ...role, dependent: m[i], primary: p, score });
  }
}

/**
 * Colocation of one set with the next (Pacemaker's colocate_rsc_sets): the earlier set depends on
 * the later one. A sequential set takes part through one member, the earlier set through its
 * first, the later set through its last; a set that is not sequential, through every member.
 */
function colocateSets(
  ws: WorkingSet,
  dependentSet: ColocationSet,
  primarySet: ColocationSet,
  score: number,
  base: Common,
): void {
  if (score === 0) return;
  const dependents = dependentSet.sequential ? dependentSet.members.slice(0, 1) : dependentSet.members;
  const primaries = primarySet.sequential ? primarySet.members.slice(-1) : primarySet.members;
  for (const dependent of dependents)
    for (const primary of primaries)
      addColocation(ws, {
        ...base,
        dependent,
        primary,
        score,
        dependentRole: dependentSet.role,
        primaryRole: primarySet.role,
      });
}

function roleOf(text: string | undefined) {
  const r = parseRole(text);
  return r === undefined || r === 2 ? undefined : r;
}
