import { INFINITY, MINUS_INFINITY, addScores } from "@hbx/cib";
import type { ClusterNode, Colocation, NodeScore, Resource, WorkingSet } from "../types.js";
import { nodeAvailable } from "../assign/scores.js";

function attrOf(node: ClusterNode, attr: string): string | undefined {
  return node.attrs.get(attr);
}

/**
 * Apply a colocation to the dependent's table once its primary is placed: a mandatory one bans
 * every node that does not match, an advisory one adds its score where the primary runs.
 */
export function applyColocation(table: Map<string, NodeScore>, c: Colocation, ws: WorkingSet): void {
  const mandatory = c.score >= INFINITY;
  const primaryNodes = c.primary.variant.colocationNodes(c.primary, mandatory, c.primaryRole);
  if (primaryNodes === null) return;
  const values = new Set<string | undefined>(primaryNodes.map((n) => attrOf(n, c.nodeAttribute)));
  const source = `colocation ${c.id} with ${c.primary.id}`;
  for (const node of ws.nodes) {
    let e = table.get(node.name);
    const match = primaryNodes.length > 0 && values.has(attrOf(node, c.nodeAttribute));
    let delta = 0;
    if (c.score >= INFINITY) delta = match ? 0 : MINUS_INFINITY;
    else if (c.score <= MINUS_INFINITY) delta = match ? MINUS_INFINITY : 0;
    else if (match) delta = c.score;
    if (delta === 0) continue;
    if (e === undefined) {
      if (!ws.options.symmetric) continue;
      e = { node, score: 0, sources: [] };
      table.set(node.name, e);
    }
    e.score = addScores(e.score, delta);
    e.sources.push({ source, score: delta });
  }
}

/**
 * Pull the preferences of resources colocated with `rsc` into its own table, scaled by the
 * colocation's score, unless that would leave it nowhere to run.
 */
export function mergeDependents(
  rsc: Resource,
  table: Map<string, NodeScore>,
  factor: number,
  ws: WorkingSet,
  visited: Set<Resource>,
): void {
  visited.add(rsc);
  for (const c of colocationsAsPrimaryOf(rsc)) {
    const dep = c.dependent;
    if (visited.has(dep) || !c.influence) continue;
    if (c.dependentRole !== undefined || c.primaryRole !== undefined) continue;
    const f = (factor * c.score) / INFINITY;
    if (f === 0) continue;
    const before = new Map([...table].map(([k, v]) => [k, v.score]));
    for (const e of table.values()) {
      const ds = dependentScore(dep, e.node, ws);
      if (f < 0 && ds < 0) continue;
      const add = clampProduct(f, ds);
      if (add === 0) continue;
      e.score = addScores(e.score, add);
      e.sources.push({ source: `${dep.id} colocated with ${rsc.id} (${c.id})`, score: add });
    }
    if (![...table.values()].some((e) => e.score >= 0 && nodeAvailable(e.node))) {
      for (const [k, v] of before) {
        const e = table.get(k)!;
        e.score = v;
        e.sources.pop();
      }
      continue;
    }
    mergeDependents(dep, table, f, ws, visited);
  }
}

function clampProduct(f: number, s: number): number {
  if (s >= INFINITY)
    return f > 0 ? (f >= 1 ? INFINITY : Math.trunc(f * s)) : f <= -1 ? MINUS_INFINITY : Math.trunc(f * s);
  if (s <= MINUS_INFINITY)
    return f > 0 ? (f >= 1 ? MINUS_INFINITY : Math.trunc(f * s)) : f <= -1 ? INFINITY : Math.trunc(f * s);
  return Math.trunc(f * s);
}

/** What a dependent (a group: its first member's chain) wants on a node. */
function dependentScore(dep: Resource, node: ClusterNode, ws: WorkingSet): number {
  const target = dep.variant.kind === "group" && dep.children.length > 0 ? dep.children[0] : dep;
  const e = target.allowed.get(node.name);
  if (e) return e.score;
  return ws.options.symmetric ? 0 : MINUS_INFINITY;
}

/** Colocations where `rsc` is the primary, counting those on its group if it leads one. */
export function colocationsAsPrimaryOf(rsc: Resource): Colocation[] {
  const out = [...rsc.colocationsAsPrimary];
  const p = rsc.parent;
  if (p && p.variant.kind === "group" && p.children[0] === rsc) out.push(...p.colocationsAsPrimary);
  return out;
}

export function colocationsAsDependentOf(rsc: Resource): Colocation[] {
  const out = [...rsc.colocationsAsDependent];
  const p = rsc.parent;
  if (p && p.variant.kind === "group" && p.children[0] === rsc) out.push(...p.colocationsAsDependent);
  return out;
}
