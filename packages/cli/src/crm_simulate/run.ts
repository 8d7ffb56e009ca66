import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import {
  type XmlElement,
  XmlSyntaxError,
  cloneElement,
  parseXml,
  serializeXml,
  xmlLimitsFromEnv,
} from "@hbx/cib";
import { HELP, type SimulateArgs, readSimulateArgs } from "./args.js";
import { CliError } from "../common/exit-codes.js";
import { versionOutput } from "../common/args.js";
import { applyInjections, hasInjections } from "./inject.js";
import { applyOpFailures } from "./inject-fail.js";
import {
  clusterStatusLines,
  schedule,
  unpackCluster,
  simulateTransition,
  transitionSummaryLines,
  failuresToMoveLines,
  writeTransitionGraph,
  transitionDot,
  type WorkingSet,
} from "@hbx/pengine";
import { readText } from "./read-text.js";

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /**
   * For -L: the current CIB, which main.ts reads before calling run (CIB_file when set, else
   * the live cluster through hbxd), or why it could not. Unset: -L is not available here.
   */
  live?: XmlElement | Error;
  /** The environment: HBX_XML_MAX_BYTES raises or lowers the input size limit. */
  env?: Record<string, string | undefined>;
}

/** Whether the arguments ask for the live CIB (-L), which must then be read before run. */
export function wantsLiveCib(argv: string[]): boolean {
  try {
    const args = readSimulateArgs(argv);
    return args.live && !args.help && !args.version;
  } catch {
    return false;
  }
}

/** Exit codes as Pacemaker's crm_exit_t. */
const EXIT_OK = 0;
const EXIT_USAGE = 64;
const EXIT_DATAERR = 65;
const EXIT_NOINPUT = 66;
const EXIT_UNAVAILABLE = 69;

/** Dates as crm_simulate -t takes them: ISO 8601, with a space or T, or year-dayofyear. */
export function parseDateTime(text: string): Date | undefined {
  const t = text.trim();
  const ord = /^(\d{4})-(\d{3})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z)?$/.exec(t);
  if (ord) {
    const d = new Date(
      Date.UTC(Number(ord[1]), 0, 1, Number(ord[3] ?? 0), Number(ord[4] ?? 0), Number(ord[5] ?? 0)),
    );
    d.setUTCDate(Number(ord[2]));
    return d;
  }
  const d = new Date(t.replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? "" : "Z"));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** crm_simulate as a function: arguments in, text out, Pacemaker's exit code back. */
export function run(argv: string[], io: Io): number {
  let args: SimulateArgs;
  try {
    args = readSimulateArgs(argv);
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    io.stderr(`${e.message}\n${e.exitCode === EXIT_USAGE ? HELP : ""}`);
    return e.exitCode;
  }
  if (args.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (args.version) {
    io.stdout(versionOutput("crm_simulate", args.outputAs));
    return EXIT_OK;
  }
  if (args.ext.inPlace) args.simulate = true;
  if (args.ext.pipe) args.xml ??= "/dev/stdin";
  if (args.xml === undefined && !args.live) {
    io.stderr("crm_simulate: no input: use -x FILE (or -L for the live cluster)\n");
    return EXIT_USAGE;
  }
  let now = new Date();
  if (args.datetime !== undefined) {
    const d = parseDateTime(args.datetime);
    if (!d) {
      io.stderr(
        `crm_simulate: invalid date/time '${args.datetime}': expected ISO 8601, e.g. 2024-05-07 00:28:00\n`,
      );
      return EXIT_USAGE;
    }
    now = d;
  }
  if (args.xml === undefined) return runLive(args, now, io);
  let text: string;
  try {
    // -p: fd 0 itself, since /dev/stdin cannot be opened when stdin is a socket.
    text = readText(args.ext.pipe && args.xml === "/dev/stdin" ? 0 : args.xml);
  } catch (e) {
    io.stderr(
      `crm_simulate: could not read ${args.xml}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`,
    );
    return EXIT_NOINPUT;
  }
  let cib: XmlElement;
  try {
    cib = parseXml(text, args.xml, xmlLimitsFromEnv(io.env ?? {}));
  } catch (e) {
    const msg = e instanceof XmlSyntaxError ? e.message : String(e);
    io.stderr(`crm_simulate: ${msg}\n`);
    return EXIT_DATAERR;
  }
  // A saved CIB is scheduled at the time recorded in it when no -t is given, and says so
  // (Pacemaker's set_effective_date): failure timeouts and date rules then read as they did.
  const recorded = args.datetime === undefined ? Number(cib.attrs["execution-date"] ?? NaN) : NaN;
  if (Number.isInteger(recorded) && recorded > 0) {
    now = new Date(recorded * 1000);
    const when = now
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, "Z");
    if (!args.quiet) io.stdout(`Using the original execution date of: ${when}\n`);
  }
  return simulateInput(cib, args.xml, args, now, io);
}

function simulateInput(cib: XmlElement, source: string, args: SimulateArgs, now: Date, io: Io): number {
  if (cib.name !== "cib") {
    io.stderr(`crm_simulate: ${source}: root element is <${cib.name}>, expected <cib>\n`);
    return EXIT_DATAERR;
  }
  try {
    return simulate(cib, args, now, io);
  } catch (e) {
    io.stderr(`crm_simulate: ${source}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_DATAERR;
  }
}

/** -L: the CIB main.ts read, as Pacemaker's crm_simulate queries the CIB manager. */
function runLive(args: SimulateArgs, now: Date, io: Io): number {
  if (io.live === undefined) {
    io.stderr("crm_simulate: error: -L needs the live CIB, which this caller did not read\n");
    return EXIT_UNAVAILABLE;
  }
  if (io.live instanceof Error) {
    io.stderr(`crm_simulate: CIB query failed: ${io.live.message}\n`);
    return EXIT_NOINPUT;
  }
  return simulateInput(io.live, "live CIB", args, now, io);
}

/** -G: streamed to the file, since a stopped 32x2000 cluster's graph is 40 MB. */
function saveGraph(path: string, ws: WorkingSet): void {
  const fd = openSync(path, "w");
  try {
    writeTransitionGraph(ws, (chunk) => writeSync(fd, chunk));
  } finally {
    closeSync(fd);
  }
}

/**
 * Append a section: its header, its lines, then `end` if given. Not push(...lines): a stopped
 * 64 x 10,000 cluster's transition has 661,600 lines, more arguments than a call can take.
 */
function section(out: string[], header: string, lines: readonly string[], end?: string): void {
  out.push(header);
  for (const l of lines) out.push(l);
  if (end !== undefined) out.push(end);
}

function simulate(input: XmlElement, args: SimulateArgs, now: Date, io: Io): number {
  const out: string[] = [];
  let cib = input;
  if (hasInjections(args.ext.inj)) {
    if (!args.quiet)
      section(out, "Current cluster status:", clusterStatusLines(unpackCluster(input, { now })), "");
    cib = cloneElement(input);
    const mods = applyInjections(cib, args.ext.inj, new Date());
    if (!args.quiet) out.push("Performing Requested Modifications:", ...mods, "");
  }
  if (args.ext.saveInput) writeFileSync(args.ext.saveInput, serializeXml(cib, { pretty: true }) + "\n");
  const t = schedule(cib, { now, scores: args.scores, explainScores: args.explainScores });
  const current = clusterStatusLines(t.ws);
  if (!args.quiet && cib === input) section(out, "Current cluster status:", current, "");
  if (args.scores) {
    section(out, "Allocation scores:", t.ws.scoreLines, "");
  }
  if (args.failuresToMove) {
    out.push("Failures to move:", ...failuresToMoveLines(t.ws).map((l) => `  * ${l}`), "");
  }
  if (!args.quiet)
    section(
      out,
      "Transition Summary:",
      transitionSummaryLines(t.ws).map((l) => `  * ${l}`),
    );
  if (args.graph) saveGraph(args.graph, t.ws);
  if (args.dot) writeFileSync(args.dot, transitionDot(t.ws));
  if (args.simulate) {
    const sim = simulateTransition(t.ws);
    applyOpFailures(sim, args.ext.opFail, t.ws);
    out.push("");
    section(out, "Executing Cluster Transition:", sim.lines);
    if (args.ext.saveOutput || (args.ext.inPlace && args.xml)) {
      const saved = serializeXml(sim.cib, { pretty: true }) + "\n";
      if (args.ext.saveOutput) writeFileSync(args.ext.saveOutput, saved);
      if (args.ext.inPlace && args.xml) writeFileSync(args.xml, saved);
    }
    // Nothing executed leaves the CIB as it was, so the revised status is the current one:
    // unpacking a running 2000-resource CIB a second time would cost as much as scheduling it.
    const revised = sim.lines.length === 0 ? current : clusterStatusLines(unpackCluster(sim.cib, { now }));
    out.push("");
    section(out, "Revised Cluster Status:", revised);
  }
  io.stdout(out.join("\n") + "\n");
  return EXIT_OK;
}
