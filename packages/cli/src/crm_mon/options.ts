import { parseDurationMs } from "@hbx/cib";
import { Args, type OptionSpec, outputOptions, parseArgs, socketOption } from "../common/args.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type Sections, resolveSections } from "./sections.js";

/** What crm_mon was asked to show, after its flags are read. */
export interface MonOptions {
  help: boolean;
  version: boolean;
  verbose: number;
  quiet: boolean;
  /**
   * Print once and exit: -1, -s, -X, XML or HTML to stdout (a document, not a screen), or
   * stdout not a terminal without -i. Otherwise crm_mon redraws every `intervalMs` until q or
   * Ctrl-C, or rewrites the --output-to file.
   */
  oneShot: boolean;
  /** -i: how often the refreshing mode (and --daemonize) redraws; 5s as in Pacemaker. */
  intervalMs: number;
  /** -d: run in the background, writing --output-to every interval. */
  daemonize: boolean;
  /** --output-to FILE (or -h FILE): the file written instead of stdout; undefined for stdout. */
  outputTo?: string;
  /** -p: where --daemonize writes the background process's pid. */
  pidFile?: string;
  simple: boolean;
  format: "text" | "xml" | "html";
  /** -X: Pacemaker's deprecated `<crm_mon version=…>` document rather than `<pacemaker-result>`. */
  legacyXml: boolean;
  inactive: boolean;
  operations: boolean;
  timing: boolean;
  groupByNode: boolean;
  /** -R: node ids, each clone instance, failed actions in full. */
  detail: boolean;
  hideHeaders: boolean;
  /** What -I/-U and the section flags leave in the text report. */
  sections: Sections;
  /** The command line as typed, for the XML `request` attribute. */
  request: string;
  /** --socket: hbxd's socket, over $HBX_SOCKET. */
  socket?: string;
}

export const specs: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all", "help-output", "help-display", "help-additional"] },
  // Pacemaker 2.1.5 spends -h on the deprecated --as-html=FILE; bare -h is taken as help.
  { key: "as-html", short: "h", long: ["as-html"], arg: "optional" },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "Q", long: ["quiet"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  ...outputOptions,
  { key: "one-shot", short: "1", long: ["one-shot"] },
  { key: "simple", short: "s", long: ["simple-status"] },
  { key: "xml", short: "X", long: ["as-xml"] },
  { key: "inactive", short: "r", long: ["inactive"] },
  { key: "failcounts", short: "f", long: ["failcounts"] },
  { key: "operations", short: "o", long: ["operations"] },
  { key: "timing", short: "t", long: ["timing-details"] },
  { key: "attrs", short: "A", long: ["show-node-attributes"] },
  { key: "by-node", short: "n", long: ["group-by-node"] },
  { key: "hide-headers", short: "D", long: ["hide-headers"] },
  { key: "tickets", short: "c", long: ["tickets"] },
  { key: "detail", short: "R", long: ["show-detail"] },
  { key: "brief", short: "b", long: ["brief"] },
  { key: "neg", short: "L", long: ["neg-locations"], arg: "optional" },
  { key: "fence", short: "m", long: ["fence-history"], arg: "optional" },
  { key: "interval", short: "i", long: ["interval"], arg: "required" },
  { key: "ncurses", short: "N", long: ["disable-ncurses"] },
  { key: "include", short: "I", long: ["include"], arg: "required" },
  { key: "exclude", short: "U", long: ["exclude"], arg: "required" },
  { key: "daemonize", short: "d", long: ["daemonize"] },
  { key: "pid-file", short: "p", long: ["pid-file"], arg: "required" },
];

/** -i's value: Pacemaker's time spec (5, 5s, 500ms, PT5S), at least a tenth of a second. */
function readInterval(text: string | undefined): number {
  if (text === undefined) return 5000;
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < 100)
    throw new CliError(
      CrmExit.USAGE,
      `crm_mon: Invalid --interval: ${text} (expected a duration of at least 100ms, e.g. 5, 2s, 500ms)`,
    );
  return ms;
}

/** Whether crm_mon was run with stdout on a terminal; the refreshing mode is then the default. */
export function readOptions(argv: string[], stdoutIsTty = false): MonOptions {
  const args = new Args(parseArgs(argv, specs, "crm_mon"));
  // The deprecated -h FILE is --output-as=html --output-to=FILE.
  const html = args.get("as-html");
  const asHtmlFile = html !== undefined && html !== "" ? html : undefined;
  const as = asHtmlFile ? "html" : (args.get("output-as") ?? "text");
  if (as !== "text" && as !== "console" && as !== "xml" && as !== "html")
    throw new CliError(
      CrmExit.USAGE,
      `crm_mon: Invalid --output-as: ${as} (expected console, text, xml or html)`,
    );
  const to = asHtmlFile ?? args.get("output-to");
  const outputTo = to === undefined || to === "-" ? undefined : to;
  const daemonize = args.has("daemonize");
  if (daemonize && outputTo === undefined)
    throw new CliError(CrmExit.USAGE, "crm_mon: --daemonize requires --output-to=FILE (or -h FILE)");
  const intervalMs = readInterval(args.get("interval"));
  const timing = args.has("timing");
  const flags = [
    ...(args.has("attrs") ? ["attributes"] : []),
    ...(args.has("failcounts") ? ["failcounts"] : []),
    ...(args.has("operations") || timing ? ["operations"] : []),
    ...(args.has("neg") ? ["bans"] : []),
    ...(args.has("tickets") ? ["tickets"] : []),
  ];
  const negLocations = args.has("neg") ? (args.get("neg") ?? "") : undefined;
  return {
    help: args.has("help") || html === "",
    version: args.has("version"),
    verbose: args.count("verbose"),
    quiet: args.has("quiet"),
    oneShot:
      args.has("one-shot") ||
      args.has("simple") ||
      args.has("xml") ||
      (outputTo === undefined && (as === "xml" || as === "html")) ||
      (!daemonize && !args.has("interval") && (!stdoutIsTty || outputTo !== undefined)),
    intervalMs,
    daemonize,
    outputTo,
    pidFile: args.get("pid-file"),
    simple: args.has("simple"),
    format: as === "xml" || args.has("xml") ? "xml" : as === "html" ? "html" : "text",
    legacyXml: args.has("xml") && as !== "xml",
    inactive: args.has("inactive"),
    operations: args.has("operations") || timing,
    timing,
    groupByNode: args.has("by-node"),
    detail: args.has("detail"),
    hideHeaders: args.has("hide-headers"),
    sections: resolveSections(argv, flags, negLocations),
    request: ["crm_mon", ...argv].join(" "),
    socket: args.get("socket"),
  };
}

export const HELP = `Usage:
  crm_mon [OPTION?]

Provides a summary of cluster's current state.

Outputs varying levels of detail in a number of different formats.

Help Options:
  -?, --help                        Show help options

Output Options:
  --output-as=FORMAT                Specify output format as one of: console (default), text, html, xml
  --output-to=DEST                  Specify file name for output (or "-" for stdout)

Display Options:
  -n, --group-by-node               Group resources by node
  -r, --inactive                    Display inactive resources
  -f, --failcounts                  Display resource fail counts
  -o, --operations                  Display resource operation history
  -t, --timing-details              Display resource operation history with timing details
  -A, --show-node-attributes        Display node attributes
  -L, --neg-locations               Display negative location constraints [optionally filtered by id prefix]
  -R, --show-detail                 Show more details (node IDs, individual clone instances)
  -D, --hide-headers                Hide all headers
  -s, --simple-status               Display the cluster status once as a simple one line output (suitable for nagios)

Additional Options:
  -i, --interval=TIMESPEC           Update frequency (default is 5 seconds)
  -1, --one-shot                    Display the cluster status once on the console and exit
  -d, --daemonize                   Run in the background as a daemon.
                                    Requires --output-to.
  -p, --pid-file=FILE               (Advanced) Daemon pid file location
  -I, --include=SECTION(s)          A list of sections to include in the output
  -U, --exclude=SECTION(s)          A list of sections to exclude from the output

Deprecated Options:
  -h, --as-html=FILE                Write cluster status to the named HTML file.
                                    Use --output-as=html --output-to=FILE instead.
  -X, --as-xml                      Write cluster status as XML to stdout. This will enable one-shot mode.
                                    Use --output-as=xml instead.
  -N, --disable-ncurses             Disable the use of ncurses.

Application Options:
  -$, --version                     Display software version and exit
  -V, --verbose                     Increase debug output (may be specified multiple times)
  -Q, --quiet                       Be less descriptive in output.

Without CIB_file=path in the environment crm_mon asks the local cluster daemon.
On a terminal crm_mon redraws every interval until q or Ctrl-C; -1 prints once.
`;
