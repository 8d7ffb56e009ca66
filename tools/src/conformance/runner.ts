import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseCasesTsv, type CorpusCase } from "./cases.js";
import {
  collapseWhitespace,
  isEmptyDiff,
  multisetDiff,
  orderedDiff,
  sameSequence,
  type LineDiff,
} from "./compare.js";
import { splitSections } from "./sections.js";
import type { SimulateResult, Simulator } from "./simulator.js";

/** The verdict on one case. */
export interface CaseOutcome {
  readonly case: CorpusCase;
  /** Whether the case counts for decisions (its expected Transition Summary is not empty). */
  readonly decisionsCounted: boolean;
  readonly decisionsMatched: boolean;
  /** Decisions equal once whitespace runs are collapsed (padding differences forgiven). */
  readonly decisionsLooseMatched: boolean;
  readonly decisionsDiff: LineDiff;
  readonly statusMatched: boolean;
  /** Ordered diff of the Revised Cluster Status, only when it differs. */
  readonly statusDiff: string[];
  /** Undefined unless scores were asked for and the case has a .scores file. */
  readonly scoresMatched?: boolean;
  readonly scoresDiff?: LineDiff;
  readonly failure?: string;
  readonly exitCode?: number;
  readonly stderr: string;
  readonly ms: number;
}

export interface CorpusLayout {
  readonly dir: string;
  xml(name: string): string;
  summary(name: string): string;
  scores(name: string): string;
}

export function corpusLayout(dir: string): CorpusLayout {
  return {
    dir,
    xml: (name) => resolve(dir, "xml", `${name}.xml`),
    summary: (name) => resolve(dir, "summary", `${name}.summary`),
    scores: (name) => resolve(dir, "scores", `${name}.scores`),
  };
}

/** The cases of the corpus that have an input file (junk rows of cases.tsv are dropped). */
export function loadCases(layout: CorpusLayout): CorpusCase[] {
  const file = resolve(layout.dir, "cases.tsv");
  return parseCasesTsv(readFileSync(file, "utf8"), file, (name) => existsSync(layout.xml(name)));
}

/** The argv of the summary run, as cts-scheduler ran it: `-x FILE -S ARGS`. */
export function summaryArgv(layout: CorpusLayout, c: CorpusCase): string[] {
  return ["-x", layout.xml(c.name), "-S", ...c.args];
}

/** The argv of the scores run: cts-scheduler's `-sSQ`, flags spelled apart. */
export function scoresArgv(layout: CorpusLayout, c: CorpusCase): string[] {
  return ["-x", layout.xml(c.name), "-s", "-S", "-Q", ...c.args];
}

function scoreLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(collapseWhitespace)
    .filter((l) => l !== "");
}

/** Judges one case's output against its expected summary (and scores, when given). */
export function judgeCase(
  c: CorpusCase,
  expectedSummary: string,
  actual: SimulateResult,
  scores?: { expected: string; actual: SimulateResult },
): CaseOutcome {
  const expected = splitSections(expectedSummary);
  const got = splitSections(actual.failure === undefined ? actual.stdout : "");
  const decisionsDiff = multisetDiff(expected.transition, got.transition);
  const hasTransition = got.present.has("transition");
  const decisionsMatched = hasTransition && isEmptyDiff(decisionsDiff);
  const decisionsLooseMatched =
    hasTransition &&
    isEmptyDiff(
      multisetDiff(expected.transition.map(collapseWhitespace), got.transition.map(collapseWhitespace)),
    );
  const statusMatched = got.present.has("revised") && sameSequence(expected.revised, got.revised);
  let scoresMatched: boolean | undefined;
  let scoresDiff: LineDiff | undefined;
  if (scores) {
    scoresDiff = multisetDiff(
      scoreLines(scores.expected),
      scoreLines(scores.actual.failure === undefined ? scores.actual.stdout : ""),
    );
    scoresMatched = scores.actual.failure === undefined && isEmptyDiff(scoresDiff);
  }
  return {
    case: c,
    decisionsCounted: expected.transition.length > 0,
    decisionsMatched,
    decisionsLooseMatched,
    decisionsDiff,
    statusMatched,
    statusDiff: statusMatched ? [] : orderedDiff(expected.revised, got.revised),
    scoresMatched,
    scoresDiff,
    failure: actual.failure ?? scores?.actual.failure,
    exitCode: actual.exitCode,
    stderr: actual.stderr,
    ms: actual.ms + (scores?.actual.ms ?? 0),
  };
}

export interface RunOptions {
  readonly withScores?: boolean;
  /** Called after each case, e.g. for a progress line. */
  readonly onCase?: (outcome: CaseOutcome, done: number, total: number) => void;
}

/** Runs the cases through the simulator, `simulator.concurrency` at a time, in corpus order. */
export async function runCases(
  layout: CorpusLayout,
  cases: readonly CorpusCase[],
  simulator: Simulator,
  options: RunOptions = {},
): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      const c = cases[index];
      const actual = await simulator.simulate(summaryArgv(layout, c));
      let scores: { expected: string; actual: SimulateResult } | undefined;
      if (options.withScores && existsSync(layout.scores(c.name))) {
        scores = {
          expected: readFileSync(layout.scores(c.name), "utf8"),
          actual: await simulator.simulate(scoresArgv(layout, c)),
        };
      }
      const summaryFile = layout.summary(c.name);
      const expected = existsSync(summaryFile) ? readFileSync(summaryFile, "utf8") : "";
      outcomes[index] = judgeCase(c, expected, actual, scores);
      options.onCase?.(outcomes[index], ++done, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, simulator.concurrency) }, worker));
  return outcomes;
}
