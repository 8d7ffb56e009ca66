/**
 * crm_simulate's option table and its reading, on the parser every tool shares: clustered flags
 * (`-sL`, `-Ss`), glued values (`-xcib.xml`, `--xml-file=cib.xml`), repeated `-V`, `--version`,
 * `--output-as` and `--socket` behave as in the other tools and as Pacemaker's crm_simulate.
 */
import {
  Args,
  type OptionSpec,
  checkOutputTo,
  outputFormat,
  outputOptions,
  parseArgs,
  socketOption,
} from "../common/args.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { INJECT_OPTIONS, INJECT_USAGE, type InjectArgs, injectArgsFrom } from "./inject-args.js";

export interface SimulateArgs {
  xml?: string;
  simulate: boolean;
  scores: boolean;
  /** --explain-scores (implies -s): each allocation score's terms under it. */
  explainScores: boolean;
  quiet: boolean;
  live: boolean;
  datetime?: string;
  dot?: string;
  graph?: string;
  failuresToMove: boolean;
  help: boolean;
  version: boolean;
  /** -V, counted; Pacemaker's crm_simulate logs more with each. */
  verbose: number;
  /** --socket: hbxd's socket for -L (else $HBX_SOCKET). */
  socket?: string;
  /** --output-as as given (text, or xml with --version). */
  outputAs?: string;
  ext: InjectArgs;
}

/** Everything crm_simulate accepts. -q is --quorum here, as in Pacemaker (-Q is --quiet). */
export const OPTIONS: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all"] },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "Q", long: ["quiet"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  ...outputOptions,
  socketOption,
  { key: "xml-file", short: "x", long: ["xml-file"], arg: "required" },
  { key: "live-check", short: "L", long: ["live-check"] },
  { key: "simulate", short: "S", long: ["simulate"] },
  { key: "show-scores", short: "s", long: ["show-scores"] },
  { key: "set-datetime", short: "t", long: ["set-datetime"], arg: "required" },
  { key: "save-dotfile", short: "D", long: ["save-dotfile"], arg: "required" },
  { key: "save-graph", short: "G", long: ["save-graph"], arg: "required" },
  { key: "failures-to-move", long: ["failures-to-move"] },
  { key: "explain-scores", long: ["explain-scores"] },
  ...INJECT_OPTIONS,
];

export const HELP = `Usage:
  crm_simulate [OPTION?]

crm_simulate - simulate a Pacemaker cluster's response to events

Help Options:
  -?, --help               Show help options
  -$, --version            Display software version and exit
  -V, --verbose            Increase debug output (may be specified multiple times)
  -Q, --quiet              Display only essential output
  --output-as=FORMAT       Specify output format as one of: text (default)
  --output-to=DEST         Specify file name for output (or "-" for stdout)

Options:
  -x, --xml-file=FILE      Retrieve XML from the named file
  -S, --simulate           Simulate transition's execution and display resulting cluster status
  -s, --show-scores        Show allocation scores
  -t, --set-datetime=DT    Set date/time (ISO 8601 format)
  -D, --save-dotfile=FILE  Save the transition graph in DOT format
  -G, --save-graph=FILE    Save the transition graph (XML) to the named file
  -L, --live-check         Connect to the CIB manager and use the current CIB contents
                           (CIB_file when set, else hbxd at --socket or HBX_SOCKET)
  --socket=PATH            hbxd's socket for --live-check (default $HBX_SOCKET or /run/hbx/hbxd.sock)
  --failures-to-move       For each resource, how many more failures it takes to move
  --explain-scores         Show allocation scores (as -s) and under each the terms it adds up to
${INJECT_USAGE}`;

/** Read crm_simulate's arguments; a usage error is a CliError naming the option. */
export function readSimulateArgs(argv: string[]): SimulateArgs {
  const args = new Args(parseArgs(argv, OPTIONS, "crm_simulate"));
  const help = args.has("help");
  const version = args.has("version");
  if (!help && !version) {
    // hbx's crm_simulate prints text only: XML output is refused rather than ignored.
    if (outputFormat(args, "crm_simulate") !== "text")
      throw new CliError(
        CrmExit.UNIMPLEMENT_FEATURE,
        "crm_simulate: --output-as=xml is not supported by hbx's crm_simulate (expected text)",
      );
    checkOutputTo(args, "crm_simulate");
  }
  for (const key of ["xml-file", "set-datetime", "save-dotfile", "save-graph", "socket"])
    if (args.get(key) === "")
      throw new CliError(CrmExit.USAGE, `crm_simulate: option '--${key}' needs a value`);
  return {
    xml: args.get("xml-file"),
    simulate: args.has("simulate"),
    scores: args.has("show-scores") || args.has("explain-scores"),
    explainScores: args.has("explain-scores"),
    quiet: args.has("quiet"),
    live: args.has("live-check"),
    datetime: args.get("set-datetime"),
    dot: args.get("save-dotfile"),
    graph: args.get("save-graph"),
    failuresToMove: args.has("failures-to-move"),
    help,
    version,
    verbose: args.count("verbose"),
    socket: args.get("socket"),
    outputAs: args.get("output-as"),
    ext: injectArgsFrom(args),
  };
}
