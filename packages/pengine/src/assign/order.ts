import type { Resource, WorkingSet } from "../types.js";
import { scoreOn } from "./scores.js";

/**
 * The order Pacemaker assigns top-level resources in: higher priority first, then a higher
 * score where the resource runs now, then a higher score on the best nodes; otherwise as
 * configured (a stable sort).
 */
export function sortForAssignment(resources: Resource[], ws: WorkingSet): Resource[] {
  const lead = (r: Resource): Resource =>
    r.variant.kind === "group" && r.children.length > 0 ? r.children[0] : r;
  const keyed = resources.map((r, i) => {
    const l = lead(r);
    const cur = l.runningOn[0] ?? r.runningOn[0];
    const currentScore = cur ? scoreOn(l, cur, ws) : -Infinity;
    const perNode = [Math.max(...ws.nodes.map((n) => scoreOn(l, n, ws)))];
    return { r, i, currentScore, perNode };
  });
  keyed.sort((a, b) => {
    if (a.r.priority !== b.r.priority) return b.r.priority - a.r.priority;
    if (a.currentScore !== b.currentScore) return b.currentScore - a.currentScore;
    for (let k = 0; k < a.perNode.length; k++)
      if (a.perNode[k] !== b.perNode[k]) return b.perNode[k] - a.perNode[k];
    return a.i - b.i;
  });
  return keyed.map((k) => k.r);
}
