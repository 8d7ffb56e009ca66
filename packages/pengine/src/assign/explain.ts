import { formatScore, sumScores } from "@hbx/cib";
import type { NodeScore, ScoreTerm, WorkingSet } from "../types.js";

/**
 * Every score keeps its terms when asked (`crm_simulate -s --explain-scores`): a location
 * constraint, stickiness, fail-count × failure-stickiness, a migration-threshold ban, a
 * colocation with its weight, node health, a clone's instance limits. Only then: on a large
 * cluster the lists would cost memory for nothing. A term list is never changed in place, so
 * copies of a score table may share them.
 */
export function noteTerm(e: NodeScore, source: string, score: number, ws: WorkingSet): void {
  if (!ws.explainScores) return;
  const t: ScoreTerm = { source, score };
  e.terms = e.terms === undefined ? [t] : [...e.terms, t];
}

/** The terms summed in the order they were added, with Pacemaker's saturating arithmetic. */
export function termsTotal(terms: readonly ScoreTerm[] | undefined): number {
  return sumScores(...(terms ?? []).map((t) => t.score));
}

/**
 * The lines printed under a score line: one per term, "  <score>: <source>". A score whose
 * terms do not add up says so rather than leaving a wrong sum unremarked.
 */
export function explanationLines(e: NodeScore): string[] {
  const lines = (e.terms ?? []).map((t) => `  ${formatScore(t.score)}: ${t.source}`);
  if (termsTotal(e.terms) !== e.score) {
    lines.push(
      `  (the terms above add up to ${formatScore(termsTotal(e.terms))}, not ${formatScore(e.score)})`,
    );
  }
  return lines;
}
