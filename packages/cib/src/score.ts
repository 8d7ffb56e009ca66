/**
 * Score arithmetic, in one place, as Pacemaker does it: ±INFINITY is ±1,000,000, sums saturate,
 * and -INFINITY wins over +INFINITY (a ban is never cancelled by a preference).
 */

/** A placement score in [-INFINITY, +INFINITY]. */
export type Score = number;

export const INFINITY: Score = 1_000_000;
export const MINUS_INFINITY: Score = -INFINITY;

/** Where a score came from, so an error can name the attribute and the element. */
export interface ScoreSource {
  /** The attribute (or nvpair name) holding the score, e.g. `score`, `resource-stickiness`. */
  attribute: string;
  /** The id of the element it is on, e.g. `loc-db-1`. */
  elementId?: string;
  /** The element tag, e.g. `rsc_location`. */
  element?: string;
}

export class ScoreError extends Error {
  constructor(
    readonly text: string,
    readonly where: ScoreSource,
  ) {
    const el = where.element ? `<${where.element}${where.elementId ? ` id="${where.elementId}"` : ""}>` : "";
    const at = where.elementId && !where.element ? ` of "${where.elementId}"` : el ? ` of ${el}` : "";
    super(
      `invalid score "${text}" in ${where.attribute}${at}: expected an integer, INFINITY, +INFINITY or -INFINITY`,
    );
    this.name = "ScoreError";
  }
}

/** Clamp a number to the score range. */
export function clampScore(n: number): Score {
  if (n >= INFINITY) return INFINITY;
  if (n <= MINUS_INFINITY) return MINUS_INFINITY;
  return Math.trunc(n);
}

const INTEGER = /^[+-]?\d+$/;

/**
 * Parse a score. Accepts `INFINITY`, `+INFINITY`, `-INFINITY` (any case, as Pacemaker does),
 * and integers (values beyond ±1,000,000 are capped). Anything else throws ScoreError naming
 * `where`.
 */
export function parseScore(text: string, where: ScoreSource): Score {
  const s = text.trim();
  const result = tryParseScore(s);
  if (result === undefined) throw new ScoreError(text, where);
  return result;
}

/** Like parseScore, but undefined for text that is not a score. */
export function tryParseScore(text: string): Score | undefined {
  const s = text.trim();
  if (INTEGER.test(s)) return clampScore(Number(s));
  switch (s.toUpperCase()) {
    case "INFINITY":
    case "+INFINITY":
      return INFINITY;
    case "-INFINITY":
      return MINUS_INFINITY;
    default:
      return undefined;
  }
}

/** Saturating sum: -INFINITY absorbs everything, then +INFINITY, then a capped integer sum. */
export function addScores(a: Score, b: Score): Score {
  if (a <= MINUS_INFINITY || b <= MINUS_INFINITY) return MINUS_INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return clampScore(a + b);
}

/** Sum of several scores with the same saturation rules. */
export function sumScores(...scores: Score[]): Score {
  let total: Score = 0;
  for (const s of scores) total = addScores(total, s);
  return total;
}

/** Multiply a score by a count (failcount × failure-stickiness), saturating. */
export function multiplyScore(score: Score, times: number): Score {
  if (times === 0) return 0;
  if (score >= INFINITY) return times > 0 ? INFINITY : MINUS_INFINITY;
  if (score <= MINUS_INFINITY) return times > 0 ? MINUS_INFINITY : INFINITY;
  return clampScore(score * times);
}

/** Format as Pacemaker prints scores: INFINITY, -INFINITY, or the integer. */
export function formatScore(score: Score): string {
  if (score >= INFINITY) return "INFINITY";
  if (score <= MINUS_INFINITY) return "-INFINITY";
  return String(score);
}
