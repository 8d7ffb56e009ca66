/**
 * How one case's output is judged against the expected summary.
 *
 * - decisions: the Transition Summary lines as a multiset (the order Pacemaker prints them in is
 *   its internal resource order, not a decision). Lines compare exactly after trimming trailing
 *   whitespace, so the column padding Pacemaker computes over the whole list counts too; a
 *   "loose" verdict that collapses runs of whitespace is kept beside it to tell a formatting slip
 *   from a wrong decision.
 * - status: the Revised Cluster Status lines in order (the status listing is deterministic:
 *   nodes sorted, resources in configuration order), exact after trimming trailing whitespace,
 *   blank lines kept inside the section but not at its ends.
 * - scores: the `-s` lines as a multiset, whitespace collapsed (Pacemaker's own harness sorted
 *   the file and diffed it ignoring all whitespace).
 */

/** Lines only in the expected text (missing) and only in the actual text (unexpected). */
export interface LineDiff {
  readonly missing: string[];
  readonly unexpected: string[];
}

export function collapseWhitespace(line: string): string {
  return line.trim().replace(/\s+/g, " ");
}

/** Multiset difference: each expected line cancels at most one identical actual line. */
export function multisetDiff(expected: readonly string[], actual: readonly string[]): LineDiff {
  const counts = new Map<string, number>();
  for (const line of expected) counts.set(line, (counts.get(line) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const line of actual) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else unexpected.push(line);
  }
  const missing: string[] = [];
  for (const line of expected) {
    const n = counts.get(line) ?? 0;
    if (n > 0) {
      missing.push(line);
      counts.set(line, n - 1);
    }
  }
  return { missing, unexpected };
}

export function isEmptyDiff(diff: LineDiff): boolean {
  return diff.missing.length === 0 && diff.unexpected.length === 0;
}

/** True when both lists hold the same lines in the same order. */
export function sameSequence(expected: readonly string[], actual: readonly string[]): boolean {
  return expected.length === actual.length && expected.every((line, i) => line === actual[i]);
}

/** A unified-style line diff (longest common subsequence) for --verbose; sections are small. */
export function orderedDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const n = expected.length;
  const m = actual.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = expected[i] === actual[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      out.push(`  ${expected[i]}`);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push(`+ ${actual[j++]}`);
    } else {
      out.push(`- ${expected[i++]}`);
    }
  }
  return out;
}
