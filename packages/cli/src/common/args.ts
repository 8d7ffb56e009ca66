import { createRequire } from "node:module";
import { CliError, CrmExit } from "./exit-codes.js";

/**
 * A getopt-style parser with Pacemaker's conventions: clustered short flags (`-VVV`), glued
 * values (`-rvip`, `--node=alpha`), repeated flags counted, and — for Heartbeat v2's forms —
 * options whose value is optional and taken from the next word only when it is not an option.
 */
export interface OptionSpec {
  /** Key the value is stored under. */
  key: string;
  short?: string;
  long?: string[];
  /** "none": a flag; "required": takes a value; "optional": glued, or next word if not "-…". */
  arg?: "none" | "required" | "optional";
  /** One sentence for the man page when the tool's --help has no line for it. */
  doc?: string;
}

/**
 * The man page's sentence for the options most tools share, by key, when a tool's --help does
 * not describe them itself.
 */
export const STANDARD_OPTION_DOCS: Record<string, string> = {
  help: "Show help options and exit",
  version: "Display software version and exit",
  verbose: "Increase debug output (may be specified multiple times)",
  quiet: "Display only essential output",
  "output-as": "Specify output format as one of: text (default), xml",
  "output-to": 'Specify file name for output (hbx writes to stdout only: "-")',
  "text-fancy": "Accepted for compatibility: hbx's text output has one style",
  socket: "hbxd's IPC socket (default $HBX_SOCKET, else /run/hbx/hbxd.sock)",
};

export interface ParsedArgs {
  /** Values per key in order; a flag stores "" once per occurrence. */
  values: Map<string, string[]>;
  /** Words that are not options. */
  rest: string[];
}

export function parseArgs(argv: string[], specs: OptionSpec[], tool: string): ParsedArgs {
  const byShort = new Map<string, OptionSpec>();
  const byLong = new Map<string, OptionSpec>();
  for (const s of specs) {
    if (s.short) byShort.set(s.short, s);
    for (const l of s.long ?? []) byLong.set(l, s);
  }
  const values = new Map<string, string[]>();
  const rest: string[] = [];
  const put = (spec: OptionSpec, v: string) => {
    const list = values.get(spec.key) ?? [];
    list.push(v);
    values.set(spec.key, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq >= 0 ? word.slice(2, eq) : word.slice(2);
      const spec = byLong.get(name);
      if (!spec) throw new CliError(CrmExit.USAGE, `${tool}: unrecognized option '--${name}'`);
      const kind = spec.arg ?? "none";
      if (kind === "none") {
        if (eq >= 0)
          throw new CliError(CrmExit.USAGE, `${tool}: option '--${name}' doesn't allow an argument`);
        put(spec, "");
      } else if (eq >= 0) {
        put(spec, word.slice(eq + 1));
      } else if (kind === "required") {
        if (i + 1 >= argv.length)
          throw new CliError(CrmExit.USAGE, `${tool}: option '--${name}' requires an argument`);
        put(spec, argv[++i]);
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) {
        put(spec, argv[++i]);
      } else {
        put(spec, "");
      }
      continue;
    }
    if (word.startsWith("-") && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const ch = word[j];
        const spec = byShort.get(ch);
        if (!spec) throw new CliError(CrmExit.USAGE, `${tool}: Unknown option -${ch}`);
        const kind = spec.arg ?? "none";
        if (kind === "none") {
          put(spec, "");
          continue;
        }
        const glued = word.slice(j + 1);
        if (glued !== "") put(spec, glued);
        else if (kind === "required") {
          if (i + 1 >= argv.length)
            throw new CliError(CrmExit.USAGE, `${tool}: option requires an argument -- '${ch}'`);
          put(spec, argv[++i]);
        } else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) put(spec, argv[++i]);
        else put(spec, "");
        break;
      }
      continue;
    }
    rest.push(word);
  }
  return { values, rest };
}

/** Accessors over ParsedArgs. */
export class Args {
  constructor(readonly parsed: ParsedArgs) {}
  has(key: string): boolean {
    return this.parsed.values.has(key);
  }
  count(key: string): number {
    return this.parsed.values.get(key)?.length ?? 0;
  }
  /** The last value given (later options win, as with getopt). */
  get(key: string): string | undefined {
    const list = this.parsed.values.get(key);
    return list === undefined ? undefined : list[list.length - 1];
  }
  all(key: string): string[] {
    return this.parsed.values.get(key) ?? [];
  }
}

/**
 * hbxd's IPC socket (as hbxd takes it), for every tool that talks to the cluster; without it
 * $HBX_SOCKET, else /run/hbx/hbxd.sock.
 */
export const socketOption: OptionSpec = { key: "socket", long: ["socket"], arg: "required" };

/** Options every tool has: help, version, verbosity, quiet, output format, socket. */
export const commonOptions: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all"] },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "q", long: ["quiet"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  socketOption,
];

/** The release of @hbx/cli (src/common and dist/common are both two levels below its root). */
export const HBX_VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string })
  .version;

/**
 * Pacemaker's --version shape: the program and version on the first line, the authors on the
 * second; the first line also names the Pacemaker release whose tools hbx's answer like, which
 * scripts look for (`Pacemaker 2.1.5`).
 */
export function versionText(tool: string): string {
  return `${tool} (hbx ${HBX_VERSION}), compatible with Pacemaker 2.1.5\nWritten by the hbx project contributors\n`;
}

/**
 * --version as --output-as asks: text, Pacemaker's `<pacemaker-result>` with a `<version>`, or
 * only the `<version>` element when runInXmlEnvelope wraps the run ("xml-inner").
 */
export function versionOutput(tool: string, outputAs: string | undefined): string {
  const element = `  <version program="hbx" version="${HBX_VERSION}" author="the hbx project contributors" build="${tool}" features="pacemaker-2.1.5"/>\n`;
  if (outputAs === "xml-inner") return element;
  if (outputAs === "xml")
    return `<pacemaker-result api-version="2.25" request="${tool} --version --output-as=xml">\n${element}  <status code="0" message="OK"/>\n</pacemaker-result>\n`;
  return versionText(tool);
}

/** Check --output-as: only "text" and "xml" exist. */
export function outputFormat(args: Args, tool: string): "text" | "xml" {
  let f = args.get("output-as") ?? "text";
  // The xml envelope is written by the caller around an inner run that prints the body.
  if (f === "xml-inner") f = "xml";
  if (f !== "text" && f !== "xml") {
    throw new CliError(CrmExit.USAGE, `${tool}: Invalid --output-as: ${f} (expected text or xml)`);
  }
  return f;
}

/**
 * Pacemaker's --output-to and --text-fancy: hbx writes to stdout only ("-"), and its text has
 * one style, so --text-fancy is accepted and changes nothing.
 */
export const outputOptions: OptionSpec[] = [
  { key: "output-to", long: ["output-to"], arg: "required" },
  { key: "text-fancy", long: ["text-fancy"] },
];

export function checkOutputTo(args: Args, tool: string): void {
  const to = args.get("output-to");
  if (to !== undefined && to !== "-")
    throw new CliError(
      CrmExit.UNIMPLEMENT_FEATURE,
      `${tool}: --output-to a file is not supported by hbx; redirect stdout`,
    );
}
