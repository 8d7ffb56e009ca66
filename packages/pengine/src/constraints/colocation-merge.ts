import { INFINITY, MINUS_INFINITY, addScores, formatScore } from "@hbx/cib";
import type { ClusterNode, Colocation, NodeScore, Resource, WorkingSet } from "../types.js";
import { nodeAvailable } from "../assign/scores.js";
import { noteTerm } from "../assign/explain.js";

/**
 * The colocations whose dependents' preferences flow into `rsc` when it is placed ("with this"
 * colocations). A group member sees its own; the group's own colocations, and explicit ones with
 * its other members, reach it only when it is the group's last member — earlier members get them
 * through the internal chain (each member with the one before).
 */
export function withThisColocations(rsc: Resource): Colocation[] {
  const out = [...rsc.colocationsAsPrimary];
  const g = rsc.parent;
  if (g && g.variant.kind === "group" && g.children[g.children.length - 1] === rsc) {
    out.push(...g.colocationsAsPrimary);
    const internal = `${g.id}-internal`;
    for (const m of g.children) {
      if (m === rsc) continue;
      for (const c of m.colocationsAsPrimary) if (c.id !== internal) out.push(c);
    }
  }
  return out;
}

/**
 * A dependent pulls its primary only when influence is on, or the primary is not active yet. A
 * collective counts as active when any resource inside it is (Pacemaker records a member's
 * node on its parents too).
 */
function hasInfluence(c: Colocation): boolean {
  return c.influence || !isActive(c.primary);
}

function isActive(rsc: Resource): boolean {
  return rsc.runningOn.length > 0 || rsc.children.some(isActive);
}

function attrOf(node: ClusterNode, attr: string): string | undefined {
  return attr === "#uname" ? node.name : node.attrs.get(attr);
}

function scoreIn(rsc: Resource, node: ClusterNode, ws: WorkingSet): number | undefined {
  const e = rsc.allowed.get(node.name);
  if (e) return e.score;
  return ws.options.symmetric ? 0 : undefined;
}

/** The best score `source` has on an available node whose colocation attribute has `value`. */
function bestMatching(source: Resource, attr: string, value: string | undefined, ws: WorkingSet): number {
  // By node name (the usual case) only that node matches: look it up rather than scan every
  // node for every node — when names are unique, as nodeByName then holds exactly ws.nodes.
  if (attr === "#uname" && ws.nodes.length === ws.nodeByName.size) {
    const n = value === undefined ? undefined : ws.nodeByName.get(value);
    if (n === undefined || !nodeAvailable(n)) return MINUS_INFINITY;
    return scoreIn(source, n, ws) ?? MINUS_INFINITY;
  }
  let best = MINUS_INFINITY;
  let found = false;
  for (const n of ws.nodes) {
    if (!nodeAvailable(n) || attrOf(n, attr) !== value) continue;
    const s = scoreIn(source, n, ws);
    if (s === undefined) continue;
    if (!found || s > best) best = s;
    found = true;
  }
  return best;
}

/** Whether a resource may run (score ≥ 0) on exactly one node. */
function allowedOnOne(rsc: Resource, ws: WorkingSet): boolean {
  let count = 0;
  for (const n of ws.nodes) {
    const s = scoreIn(rsc, n, ws);
    if (s !== undefined && s >= 0 && ++count > 1) return false;
  }
  return count === 1;
}

/** factor × score rounded half away from zero, never rounded to nothing. */
function scaled(factor: number, score: number): number {
  const f = factor * score;
  let d = Math.trunc(f < 0 ? f - 0.5 : f + 0.5);
  if (d === 0 && score !== 0) d = factor > 0 ? 1 : factor < 0 ? -1 : 0;
  return Math.max(MINUS_INFINITY, Math.min(INFINITY, d));
}

function copyWork(t: Map<string, NodeScore>): Map<string, NodeScore> {
  const out = new Map<string, NodeScore>();
  // forEach, not for-of over entries: no [key, value] pair made per node.
  t.forEach((v, k) => out.set(k, { node: v.node, score: v.score, terms: v.terms }));
  return out;
}

function addMatching(
  work: Map<string, NodeScore>,
  source: Resource,
  c: Colocation,
  factor: number,
  ws: WorkingSet,
): void {
  for (const e of work.values()) {
    const score = bestMatching(source, c.nodeAttribute, attrOf(e.node, c.nodeAttribute), ws);
    if (factor < 0 && score < 0) {
      // An anti-colocated dependent's dislikes matter only when it can run on one node alone
      // and the primary is not sticky enough to stay put anyway.
      if (c.primary.stickiness >= -score || !hasInfluence(c) || !allowedOnOne(c.dependent, ws)) continue;
    }
    const delta = scaled(factor, score);
    if (delta === 0) continue;
    e.score = addScores(e.score, delta);
    noteTerm(e, `colocation ${c.id}: ${source.id}'s ${formatScore(score)} × ${factor}`, delta, ws);
  }
}

/**
 * Add the scores of `source` (a dependent of colocation `c`), scaled by `factor`, to `table`,
 * then those of its own dependents, recursively; roll back a source whose preferences would
 * leave no node available.
 */
function addColocatedScores(
  source: Resource,
  table: Map<string, NodeScore>,
  c: Colocation,
  factor: number,
  ws: WorkingSet,
  updating: Set<Resource>,
): Map<string, NodeScore> {
  if (source.variant.kind === "group") {
    if (source.children.length === 0) return table;
    source = source.children[0];
  }
  if (updating.has(source)) return table;
  updating.add(source);
  const work = copyWork(table);
  addMatching(work, source, c, factor, ws);
  let result = work;
  if ([...work.values()].some((e) => e.score >= 0 && nodeAvailable(e.node))) {
    for (const next of withThisColocations(source)) {
      if (!hasInfluence(next)) continue;
      result = addColocatedScores(
        next.dependent,
        result,
        next,
        (factor * next.score) / INFINITY,
        ws,
        updating,
      );
    }
  } else result = table;
  updating.delete(source);
  return result;
}

/**
 * Pull the preferences of resources colocated with `rsc` (and theirs, attenuated by each
 * colocation's score) into its table, as Pacemaker does before choosing a node.
 */
export function mergeColocatedScores(
  rsc: Resource,
  table: Map<string, NodeScore>,
  ws: WorkingSet,
  which: (c: Colocation) => boolean,
): Map<string, NodeScore> {
  let result = table;
  for (const c of withThisColocations(rsc)) {
    if (!hasInfluence(c) || !which(c)) continue;
    result = addColocatedScores(c.dependent, result, c, c.score / INFINITY, ws, new Set());
  }
  return result;
}
