import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { schedulerCorpusDir } from "@hbx/cib";
import { chooseSimulator } from "./choose-simulator.js";
import {
  checkFloor,
  DEFAULT_FLOOR_FILE,
  formatViolations,
  raiseFloor,
  readFloor,
  writeFloor,
} from "./floor.js";
import { figuresByTier, formatCaseDiff, formatMisses, formatTable, needsDiff, toJson } from "./report.js";
import type { CorpusCase } from "./cases.js";
import { corpusLayout, loadCases, runCases } from "./runner.js";

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = `Usage: conformance [options]
Runs crm_simulate over Pacemaker's scheduler corpus and prints, per tier, how many cases match:
decisions (Transition Summary lines as a multiset, over cases that expect actions) and status
(Revised Cluster Status lines in order, over all cases).

  --tier N             only cases of tier N
  --case NAME          only this case (repeatable)
  --verbose            print the diff of every mismatched case
  --json               print the figures as JSON
  --scores             also compare allocation scores (crm_simulate -s; a second run per case)
  --crm-simulate PATH  run this crm_simulate program (e.g. /usr/sbin/crm_simulate)
  --module PATH        module exporting hbx's crm_simulate run(argv, io), run in worker threads
  --processes          run hbx's built crm_simulate as one process per case
  --jobs N             cases at a time (default: up to 2)
  --timeout SECONDS    per case, a hang counts as a mismatch (default 60)
  --corpus DIR         corpus location (default: schedulerCorpusDir())
  --floor FILE         ratchet file (default tools/conformance-floor.json)
  --update-floor       raise the floor to today's figures (never lowers it)
  --no-floor           do not check the floor
`;

/** `pnpm conformance`. Exit 0 when the run is complete and above its floor, 1 below it, 2 on misuse. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tier: { type: "string" },
        case: { type: "string", multiple: true },
        verbose: { type: "boolean", short: "v" },
        json: { type: "boolean" },
        scores: { type: "boolean" },
        "crm-simulate": { type: "string" },
        module: { type: "string" },
        processes: { type: "boolean" },
        jobs: { type: "string" },
        timeout: { type: "string" },
        corpus: { type: "string" },
        floor: { type: "string" },
        "update-floor": { type: "boolean" },
        "no-floor": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    io.stderr.write(`conformance: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const positive = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} expects a positive number, found "${text}"`);
    return n;
  };
  let jobs: number | undefined;
  let timeoutMs: number;
  let tier: number | undefined;
  try {
    jobs = values.jobs === undefined ? undefined : Math.floor(positive("jobs", values.jobs, 1));
    timeoutMs = positive("timeout", values.timeout, 60) * 1000;
    tier = values.tier === undefined ? undefined : positive("tier", values.tier, 1);
  } catch (err) {
    io.stderr.write(`conformance: ${(err as Error).message}\n`);
    return 2;
  }

  const dir = values.corpus !== undefined ? resolve(values.corpus) : schedulerCorpusDir();
  if (dir === undefined) {
    io.stdout.write(
      "conformance: Pacemaker's scheduler corpus is absent (../shared/pacemaker-scheduler or HBX_SCHEDULER_CORPUS); skipped\n",
    );
    return 0;
  }
  const layout = corpusLayout(dir);
  let cases: CorpusCase[];
  try {
    cases = loadCases(layout);
  } catch (err) {
    io.stderr.write(`conformance: ${(err as Error).message}\n`);
    return 2;
  }
  if (tier !== undefined) cases = cases.filter((c) => c.tier === tier);
  if (values.case !== undefined) {
    const wanted = new Set(values.case);
    const unknown = [...wanted].filter((n) => !cases.some((c) => c.name === n));
    if (unknown.length > 0) {
      io.stderr.write(`conformance: no such case in ${dir}: ${unknown.join(", ")}\n`);
      return 2;
    }
    cases = cases.filter((c) => wanted.has(c.name));
  }
  const fullHbxRun = tier === undefined && values.case === undefined && values["crm-simulate"] === undefined;
  if (values["update-floor"] && !fullHbxRun) {
    io.stderr.write(
      "conformance: --update-floor needs a full run of hbx (no --tier, --case or --crm-simulate)\n",
    );
    return 2;
  }

  let simulator;
  try {
    simulator = await chooseSimulator({
      binary: values["crm-simulate"],
      module: values.module,
      processes: values.processes,
      jobs,
      timeoutMs,
    });
  } catch (err) {
    io.stderr.write(`conformance: ${(err as Error).message}\n`);
    return 2;
  }
  io.stderr.write(
    `conformance: ${cases.length} cases from ${dir}\nconformance: running ${simulator.description}\n`,
  );
  const started = performance.now();
  let outcomes;
  try {
    outcomes = await runCases(layout, cases, simulator, {
      withScores: values.scores,
      onCase: (_o, done, total) => {
        if (done % 100 === 0 || done === total) io.stderr.write(`conformance: ${done}/${total}\n`);
      },
    });
  } finally {
    await simulator.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const figures = figuresByTier(outcomes);

  if (values.verbose) for (const o of outcomes.filter(needsDiff)) io.stdout.write(formatCaseDiff(o));
  if (values.json) {
    io.stdout.write(
      JSON.stringify(
        { seconds, runner: simulator.description, ...(toJson(figures, outcomes) as object) },
        null,
        2,
      ) + "\n",
    );
  } else {
    if (!values.verbose) io.stdout.write(formatMisses(outcomes));
    io.stdout.write(`\n${formatTable(figures)}(${seconds.toFixed(1)} s)\n`);
  }

  if (!fullHbxRun || values["no-floor"]) return 0;
  const floorFile = values.floor !== undefined ? resolve(values.floor) : DEFAULT_FLOOR_FILE;
  const floor = readFloor(floorFile);
  if (values["update-floor"]) {
    const raised = raiseFloor(floor, figures);
    writeFloor(raised, floorFile);
    io.stderr.write(`conformance: floor in ${floorFile} is now ${JSON.stringify(raised.tiers)}\n`);
    return 0;
  }
  const violations = checkFloor(figures, floor);
  if (violations.length > 0) {
    io.stderr.write(`conformance: below the floor in ${floorFile}:\n${formatViolations(violations)}\n`);
    return 1;
  }
  return 0;
}
