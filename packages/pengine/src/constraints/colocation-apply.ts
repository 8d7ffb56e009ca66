import { INFINITY, MINUS_INFINITY, addScores, formatScore } from "@hbx/cib";
import type { ClusterNode, Colocation, NodeScore, Resource, WorkingSet } from "../types.js";
import { copyTable, nodeAvailable } from "../assign/scores.js";
import { noteTerm } from "../assign/explain.js";

function attrOf(node: ClusterNode, attr: string): string | undefined {
  return node.attrs.get(attr);
}

/**
 * Apply a colocation to the dependent's table once its primary is placed: a mandatory one bans
 * every node that does not match, an advisory one adds its score where the primary runs. An
 * advisory one that would leave no node available is rolled back. Returns the new table.
 */
export function colocatedTable(
  table: Map<string, NodeScore>,
  c: Colocation,
  ws: WorkingSet,
): Map<string, NodeScore> {
  const mandatory = c.score >= INFINITY;
  const primaryNodes = c.primary.variant.colocationNodes(c.primary, mandatory, c.primaryRole);
  if (primaryNodes === null) return table;
  const work = copyTable(table);
  const values = new Set<string | undefined>(primaryNodes.map((n) => attrOf(n, c.nodeAttribute)));
  for (const node of ws.nodes) {
    let e = work.get(node.name);
    const match = primaryNodes.length > 0 && values.has(attrOf(node, c.nodeAttribute));
    let delta = 0;
    if (c.score >= INFINITY) delta = match ? 0 : MINUS_INFINITY;
    else if (c.score <= MINUS_INFINITY) delta = match ? MINUS_INFINITY : 0;
    else if (match) delta = c.score;
    if (delta === 0) continue;
    if (e === undefined) {
      if (!ws.options.symmetric) continue;
      e = { node, score: 0 };
      work.set(node.name, e);
    }
    e.score = addScores(e.score, delta);
    noteTerm(e, `colocation ${c.id} with ${c.primary.id} (${formatScore(c.score)})`, delta, ws);
  }
  if (c.score >= INFINITY || c.score <= MINUS_INFINITY) return work;
  return [...work.values()].some((e) => e.score >= 0 && nodeAvailable(e.node)) ? work : table;
}

/** applyColocation in place: `table` itself is updated. */
export function applyColocation(table: Map<string, NodeScore>, c: Colocation, ws: WorkingSet): void {
  const out = colocatedTable(table, c, ws);
  if (out === table) return;
  table.clear();
  for (const [k, v] of out) table.set(k, v);
}

/**
 * The colocations `rsc` follows when placed ("this with"). A group's first member also follows
 * the group's own and those configured for its later members, since the whole group goes where
 * the first member goes (the internal chain between members is not repeated).
 */
export function colocationsAsDependentOf(rsc: Resource): Colocation[] {
  const out = [...rsc.colocationsAsDependent];
  const p = rsc.parent;
  if (p && p.variant.kind === "group" && p.children[0] === rsc) {
    out.push(...p.colocationsAsDependent);
    const internal = `${p.id}-internal`;
    for (const m of p.children)
      if (m !== rsc) for (const c of m.colocationsAsDependent) if (c.id !== internal) out.push(c);
  } else if (p && p.variant.kind === "group") {
    // Behind an unmanaged member, which stays where it runs, the chain no longer carries the
    // group's mandatory colocations: a later member follows them itself (Pacemaker's
    // expand_group_colocations).
    const at = p.children.indexOf(rsc);
    if (p.children.slice(0, at).some((m) => !m.managed))
      for (const c of p.colocationsAsDependent) if (c.score >= INFINITY) out.push(c);
  }
  // Pacemaker applies them in order of the primary's priority (higher first, a stable sort):
  // the primary placed first gets its pick.
  if (out.length > 1) out.sort((a, b) => topPriority(b.primary) - topPriority(a.primary));
  return out;
}

function topPriority(rsc: Resource): number {
  let top = rsc;
  while (top.parent) top = top.parent;
  return top.priority;
}
