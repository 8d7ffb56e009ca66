import type { AttributeSet } from "@hbx/cib";
import { canonicalOptionName } from "@hbx/cib";
import { type RuleContext, evaluateRule } from "./rules.js";

/**
 * Resolve attribute sets to one map: sets whose rule fails are skipped, higher-scored sets win,
 * and within equal scores the first set written wins (as Pacemaker does).
 */
export function resolveSets(
  sets: AttributeSet[],
  ctx: RuleContext,
  opts: { canonical?: boolean } = {},
): Map<string, string> {
  const ordered = sets.map((s, i) => ({ s, i })).sort((a, b) => b.s.score - a.s.score || a.i - b.i);
  const out = new Map<string, string>();
  for (const { s } of ordered) {
    if (s.rule && !evaluateRule(s.rule, ctx)) continue;
    for (const p of s.pairs) {
      const name = opts.canonical ? canonicalOptionName(p.name) : p.name;
      if (!out.has(name)) out.set(name, p.value);
    }
  }
  return out;
}

export function isTrue(v: string | undefined): boolean {
  if (v === undefined) return false;
  return ["true", "on", "yes", "y", "1"].includes(v.trim().toLowerCase());
}

export function boolOption(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  const t = v.trim().toLowerCase();
  if (["true", "on", "yes", "y", "1"].includes(t)) return true;
  if (["false", "off", "no", "n", "0"].includes(t)) return false;
  return dflt;
}

/**
 * A score as Pacemaker's char2score reads it: INFINITY words, else the leading integer
 * ("2.0" is 2), else undefined.
 */
export function looseScore(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const u = t.toUpperCase();
  if (u === "INFINITY" || u === "+INFINITY") return 1_000_000;
  if (u === "-INFINITY") return -1_000_000;
  const m = /^[-+]?\d+/.exec(t);
  if (!m) return undefined;
  return Math.max(-1_000_000, Math.min(1_000_000, Number(m[0])));
}
