import type { CaseOutcome } from "./runner.js";

/** matched out of total, and the percentage (0 when total is 0). */
export interface Ratio {
  readonly matched: number;
  readonly total: number;
  readonly percent: number;
}

export interface TierFigures {
  readonly tier: number | "all";
  readonly cases: number;
  readonly decisions: Ratio;
  /** Decisions with whitespace runs collapsed: how many misses are padding only. */
  readonly decisionsLoose: Ratio;
  readonly status: Ratio;
  readonly scores?: Ratio;
  /** Cases that crashed or timed out. */
  readonly failures: number;
}

export function ratio(matched: number, total: number): Ratio {
  return { matched, total, percent: total === 0 ? 0 : (matched * 100) / total };
}

function figuresOf(tier: number | "all", outcomes: readonly CaseOutcome[]): TierFigures {
  const counted = outcomes.filter((o) => o.decisionsCounted);
  const scored = outcomes.filter((o) => o.scoresMatched !== undefined);
  return {
    tier,
    cases: outcomes.length,
    decisions: ratio(counted.filter((o) => o.decisionsMatched).length, counted.length),
    decisionsLoose: ratio(counted.filter((o) => o.decisionsLooseMatched).length, counted.length),
    status: ratio(outcomes.filter((o) => o.statusMatched).length, outcomes.length),
    scores:
      scored.length > 0 ? ratio(scored.filter((o) => o.scoresMatched).length, scored.length) : undefined,
    failures: outcomes.filter((o) => o.failure !== undefined).length,
  };
}

/** Figures per tier (ascending), then "all". */
export function figuresByTier(outcomes: readonly CaseOutcome[]): TierFigures[] {
  const byTier = new Map<number, CaseOutcome[]>();
  for (const o of outcomes) {
    const list = byTier.get(o.case.tier) ?? [];
    list.push(o);
    byTier.set(o.case.tier, list);
  }
  const tiers = [...byTier.keys()].sort((a, b) => a - b);
  return [...tiers.map((t) => figuresOf(t, byTier.get(t) ?? [])), figuresOf("all", outcomes)];
}

const pct = (r: Ratio): string => `${r.matched}/${r.total} ${r.percent.toFixed(1)}%`;

/** The per-tier table `pnpm conformance` prints. */
export function formatTable(figures: readonly TierFigures[]): string {
  const withScores = figures.some((f) => f.scores !== undefined);
  const header = ["tier", "cases", "decisions", "status", ...(withScores ? ["scores"] : []), "crashed/hung"];
  const rows = figures.map((f) => [
    String(f.tier),
    String(f.cases),
    pct(f.decisions),
    pct(f.status),
    ...(withScores ? [f.scores ? pct(f.scores) : "-"] : []),
    String(f.failures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** Which cases missed, one line each, so a failing run names what to look at. */
export function formatMisses(outcomes: readonly CaseOutcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes) {
    const what: string[] = [];
    if (o.failure !== undefined) what.push(o.failure.split("\n")[0]);
    if (o.decisionsCounted && !o.decisionsMatched) {
      what.push(o.decisionsLooseMatched ? "decisions (whitespace only)" : "decisions");
    }
    if (!o.statusMatched) what.push("status");
    if (o.scoresMatched === false) what.push("scores");
    if (what.length > 0) lines.push(`  tier ${o.case.tier}  ${o.case.name}: ${what.join(", ")}`);
  }
  return lines.length === 0 ? "" : `Mismatched cases (${lines.length}):\n${lines.join("\n")}\n`;
}

/** The diff of one failing case for --verbose. */
export function formatCaseDiff(o: CaseOutcome): string {
  const out: string[] = [`=== ${o.case.name} (tier ${o.case.tier}) ${o.case.description}`];
  if (o.failure !== undefined) out.push(`  run failed: ${o.failure}`);
  if (o.decisionsCounted && !o.decisionsMatched) {
    out.push("  Transition Summary (- expected only, + actual only):");
    for (const l of o.decisionsDiff.missing) out.push(`  - ${l}`);
    for (const l of o.decisionsDiff.unexpected) out.push(`  + ${l}`);
  }
  if (!o.statusMatched) {
    out.push("  Revised Cluster Status (- expected, + actual):");
    for (const l of o.statusDiff) out.push(`  ${l}`);
  }
  if (o.scoresMatched === false && o.scoresDiff) {
    out.push("  Scores (- expected only, + actual only):");
    for (const l of o.scoresDiff.missing) out.push(`  - ${l}`);
    for (const l of o.scoresDiff.unexpected) out.push(`  + ${l}`);
  }
  if (o.stderr.trim() !== "")
    out.push(`  stderr: ${o.stderr.trim().split("\n").slice(0, 5).join("\n          ")}`);
  return out.join("\n") + "\n";
}

export function needsDiff(o: CaseOutcome): boolean {
  return (
    o.failure !== undefined ||
    (o.decisionsCounted && !o.decisionsMatched) ||
    !o.statusMatched ||
    o.scoresMatched === false
  );
}

/** Machine-readable figures for --json. */
export function toJson(figures: readonly TierFigures[], outcomes: readonly CaseOutcome[]): unknown {
  return {
    tiers: figures,
    mismatched: outcomes.filter(needsDiff).map((o) => ({
      case: o.case.name,
      tier: o.case.tier,
      decisions: o.decisionsCounted ? o.decisionsMatched : null,
      status: o.statusMatched,
      scores: o.scoresMatched ?? null,
      failure: o.failure ?? null,
    })),
  };
}
