import { INFINITY, MINUS_INFINITY, addScores } from "@hbx/cib";
import type { ClusterNode, Colocation, NodeScore, Resource, WorkingSet } from "../types.js";

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

export function colocationsAsDependentOf(rsc: Resource): Colocation[] {
  const out = [...rsc.colocationsAsDependent];
  const p = rsc.parent;
  if (p && p.variant.kind === "group" && p.children[0] === rsc) out.push(...p.colocationsAsDependent);
  return out;
}
