import { INFINITY, formatScore } from "@hbx/cib";
import type { WorkingSet } from "../types.js";

/**
 * For each running resource with a failure stickiness, how many more failures move it:
 * the smallest n with score(here) - n × |failure-stickiness| < score(best other node),
 * i.e. (scoreA - scoreB + stickiness) / |failure-stickiness| with the stickiness inside scoreA.
 */
export function failuresToMoveLines(ws: WorkingSet): string[] {
  const out: string[] = [];
  for (const r of ws.resourceById.values()) {
    if (r.children.length > 0 || r.runningOn.length !== 1) continue;
    const here = r.runningOn[0];
    const table = r.allowed;
    const a = table.get(here.name)?.score ?? 0;
    let bestOther: { name: string; score: number } | undefined;
    for (const e of table.values()) {
      if (e.node === here || !e.node.online) continue;
      if (!bestOther || e.score > bestOther.score) bestOther = { name: e.node.name, score: e.score };
    }
    const fs = Math.abs(r.failureStickiness);
    const threshold =
      r.migrationThreshold < INFINITY ? r.migrationThreshold - (r.failCounts.get(here.name) ?? 0) : undefined;
    let byScore: number | undefined;
    if (fs > 0 && bestOther && bestOther.score >= 0 && a < INFINITY)
      byScore = Math.floor((a - bestOther.score) / fs) + 1;
    const candidates = [byScore, threshold].filter((x): x is number => x !== undefined);
    if (candidates.length === 0) {
      out.push(`${r.id} on ${here.name}: failures alone will not move it`);
      continue;
    }
    const n = Math.max(0, Math.min(...candidates));
    const why =
      byScore !== undefined && n === byScore
        ? `score ${formatScore(a)} on ${here.name} (stickiness included) vs ${formatScore(bestOther!.score)} on ${bestOther!.name}, ${fs} per failure`
        : `migration-threshold ${r.migrationThreshold}`;
    out.push(`${r.id} on ${here.name}: ${n} more failure${n === 1 ? "" : "s"} to move (${why})`);
  }
  return out;
}
