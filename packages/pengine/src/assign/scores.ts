import { INFINITY, MINUS_INFINITY, addScores, formatScore } from "@hbx/cib";
import type { ClusterNode, NodeScore, Resource, WorkingSet } from "../types.js";
import { explanationLines, noteTerm } from "./explain.js";
import { nodesWithoutCapacity, usesUtilization } from "./utilization.js";

/** Add a score for `node` to the resource's own table; `source` names it for --explain-scores. */
export function addNodeScore(
  rsc: Resource,
  node: ClusterNode,
  score: number,
  source: string,
  ws: WorkingSet,
): void {
  let entry = rsc.allowed.get(node.name);
  if (entry === undefined) {
    entry = { node, score: 0 };
    rsc.allowed.set(node.name, entry);
  }
  entry.score = addScores(entry.score, score);
  noteTerm(entry, source, score, ws);
}

/** Start every resource with 0 on every node (symmetric) or only where a constraint allows it. */
export function initialScores(rsc: Resource, ws: WorkingSet): void {
  if (!ws.options.symmetric) return;
  for (const n of ws.nodes) if (!rsc.allowed.has(n.name)) rsc.allowed.set(n.name, { node: n, score: 0 });
}

export function scoreOn(rsc: Resource, node: ClusterNode, ws: WorkingSet): number {
  const e = rsc.allowed.get(node.name);
  if (e) return e.score;
  return ws.options.symmetric ? 0 : MINUS_INFINITY;
}

/** Whether a node can take new resources at all (Pacemaker's pcmk__node_available). */
export function nodeAvailable(node: ClusterNode): boolean {
  return (
    node.online && !node.unclean && !node.standby && !node.pending && !node.shutdown && !node.maintenance
  );
}

/** The allocation score lines `crm_simulate -s` prints, in Pacemaker's format. */
export function recordScores(ws: WorkingSet, fn: string, rsc: Resource, table: Map<string, NodeScore>): void {
  if (!ws.keepScoreLines) return;
  const rows = [...table.values()].sort((a, b) => a.node.index - b.node.index);
  // Utilization adds nothing to a score: it rules a node out when the choice is made.
  const full =
    ws.explainScores && rsc.children.length === 0 && usesUtilization(ws)
      ? nodesWithoutCapacity(
          rsc,
          rows.filter((r) => r.score >= 0 && nodeAvailable(r.node)).map((r) => r.node),
          ws,
        )
      : undefined;
  for (const r of rows) {
    ws.scoreLines.push(`${fn}: ${rsc.id} allocation score on ${r.node.name}: ${formatScore(r.score)}`);
    if (!ws.explainScores) continue;
    ws.scoreLines.push(...explanationLines(r));
    if (full?.has(r.node)) {
      ws.scoreLines.push(
        `  (no room: its utilization does not fit in what is left here, placement-strategy=${ws.options.placementStrategy})`,
      );
    }
  }
}

export function copyTable(t: Map<string, NodeScore>): Map<string, NodeScore> {
  const out = new Map<string, NodeScore>();
  // forEach, not for-of over entries: no [key, value] pair made per node.
  t.forEach((v, k) =>
    out.set(
      k,
      v.terms === undefined
        ? { node: v.node, score: v.score }
        : { node: v.node, score: v.score, terms: v.terms },
    ),
  );
  return out;
}

export { INFINITY, MINUS_INFINITY };
