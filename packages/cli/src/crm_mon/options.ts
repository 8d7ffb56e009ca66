import { Args, type OptionSpec, checkOutputTo, outputOptions, parseArgs } from "../common/args.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type Sections, resolveSections } from "./sections.js";

/** What crm_mon was asked to show, after its flags are read. */
export interface MonOptions {
  help: boolean;
  version: boolean;
  verbose: number;
  quiet: boolean;
  /** -1 is implied: hbx's crm_mon has no interactive (ncurses) mode yet. */
  oneShot: boolean;
  simple: boolean;
  format: "text" | "xml";
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
}

const specs: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all", "help-output", "help-display", "help-additional"] },
  // Pacemaker 2.1.5 spends -h on the deprecated --as-html=FILE; bare -h is taken as help.
  { key: "as-html", short: "h", long: ["as-html"], arg: "optional" },
  { key: "version", short: "$", long: ["version"] },
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
];

export function readOptions(argv: string[]): MonOptions {
  const args = new Args(parseArgs(argv, specs, "crm_mon"));
  const html = args.get("as-html");
  if (html !== undefined && html !== "")
    throw new CliError(
      CrmExit.UNIMPLEMENT_FEATURE,
      "crm_mon: HTML output is not supported by hbx; use --output-as=xml",
    );
  if (args.has("daemonize"))
    throw new CliError(CrmExit.UNIMPLEMENT_FEATURE, "crm_mon: --daemonize is not supported by hbx");
  const as = args.get("output-as") ?? "text";
  if (as === "html")
    throw new CliError(
      CrmExit.UNIMPLEMENT_FEATURE,
      "crm_mon: HTML output is not supported by hbx; use --output-as=xml",
    );
  if (as !== "text" && as !== "console" && as !== "xml")
    throw new CliError(CrmExit.USAGE, `crm_mon: Invalid --output-as: ${as} (expected console, text or xml)`);
  checkOutputTo(args, "crm_mon");
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
    oneShot: true,
    simple: args.has("simple"),
    format: as === "xml" || args.has("xml") ? "xml" : "text",
    legacyXml: args.has("xml") && as !== "xml",
    inactive: args.has("inactive"),
    operations: args.has("operations") || timing,
    timing,
    groupByNode: args.has("by-node"),
    detail: args.has("detail"),
    hideHeaders: args.has("hide-headers"),
    sections: resolveSections(argv, flags, negLocations),
    request: ["crm_mon", ...argv].join(" "),
  };
}

export const HELP = `Usage:
  crm_mon [OPTION?]

Provides a summary of cluster's current state.

Outputs varying levels of detail in a number of different formats.

Help Options:
  -?, --help                        Show help options

Output Options:
  --output-as=FORMAT                Specify output format as one of: console (default), text, xml

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
  -1, --one-shot                    Display the cluster status once on the console and exit
  -I, --include=SECTION(s)          A list of sections to include in the output
  -U, --exclude=SECTION(s)          A list of sections to exclude from the output

Deprecated Options:
  -X, --as-xml                      Write cluster status as XML to stdout. This will enable one-shot mode.
                                    Use --output-as=xml instead.
  -N, --disable-ncurses             Disable the use of ncurses.

Application Options:
  -$, --version                     Display software version and exit
  -V, --verbose                     Increase debug output (may be specified multiple times)
  -Q, --quiet                       Be less descriptive in output.

Without CIB_file=path in the environment crm_mon asks the local cluster daemon.
`;
