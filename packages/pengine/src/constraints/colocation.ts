import { type CibConstraint, childElements } from "@hbx/cib";
import { type Colocation, type Resource, type WorkingSet, parseRole } from "../types.js";
import { resolveResources } from "./location.js";
import { boolOption, looseScore } from "../unpack/attributes.js";

function addColocation(ws: WorkingSet, c: Colocation): void {
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
  // Within a sequential set each member follows the one before; across sets, the later set
  // follows the earlier one.
  let previousSet: Resource[] = [];
  for (const s of sets) {
    const members = childElements(s, "resource_ref").flatMap((r) => resolveResources(ws, r.attrs.id));
    const sScore = s.attrs.score !== undefined ? (looseScore(s.attrs.score) ?? score) : score;
    const sequential = boolOption(s.attrs.sequential, true);
    const role = roleOf(s.attrs.role);
    if (sequential) {
      for (let i = 1; i < members.length; i++) {
        addColocation(ws, {
          id: c.id,
          dependent: members[i],
          primary: members[i - 1],
          score: sScore,
          dependentRole: role,
          primaryRole: role,
          nodeAttribute,
          influence,
        });
      }
    }
    if (previousSet.length > 0 && members.length > 0) {
      for (const m of sequential ? [members[0]] : members) {
        const last = previousSet[previousSet.length - 1];
        addColocation(ws, { id: c.id, dependent: last, primary: m, score, nodeAttribute, influence });
      }
    }
    previousSet = members;
  }
}

function roleOf(text: string | undefined) {
  const r = parseRole(text);
  return r === undefined || r === 2 ? undefined : r;
}
