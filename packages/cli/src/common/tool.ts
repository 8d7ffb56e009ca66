import path from "node:path";
import { type XmlElement, XmlSyntaxError, parseXml, readXmlText, xmlLimitsFromEnv } from "@hbx/cib";
import { Args, type OptionSpec, parseArgs, versionOutput } from "./args.js";
import { CliError, CrmExit } from "./exit-codes.js";
import { type CliIo } from "./io.js";

/**
 * Run a tool body, turning CliError into its message lines on stderr and its exit code, so
 * every tool reports failures the same way and never leaves a stack trace for a user error.
 */
export async function runTool(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CliError) {
      if (e.message !== "") io.stderr(`${e.message}\n`);
      for (const d of e.detail) io.stderr(`${d}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** What every tool has: its name, its options and its --help text. */
export interface ToolSpec {
  tool: string;
  options: OptionSpec[];
  help: string;
  /** Appended (after a blank line) to the message of a command-line error, as some tools print usage. */
  usage?: string;
}

/**
 * Parse a tool's arguments and answer --help and --version the same way for every tool, then run
 * the body with the parsed arguments (inside runTool, so errors are reported uniformly).
 */
export async function runParsedTool(
  argv: string[],
  io: CliIo,
  spec: ToolSpec,
  body: (args: Args) => Promise<number>,
): Promise<number> {
  return runTool(io, async () => {
    let args: Args;
    try {
      args = new Args(parseArgs(argv, spec.options, spec.tool));
    } catch (e) {
      if (e instanceof CliError && spec.usage !== undefined) {
        throw new CliError(CrmExit.USAGE, e.message, ["", spec.usage]);
      }
      throw e;
    }
    if (args.has("help")) {
      io.stdout(spec.help);
      return CrmExit.OK;
    }
    if (args.has("version")) {
      io.stdout(versionOutput(spec.tool, args.get("output-as")));
      return CrmExit.OK;
    }
    // --socket wins over $HBX_SOCKET for this run (openCibSource reads it from io.env).
    const socket = args.get("socket");
    if (socket !== undefined) io.env = { ...io.env, HBX_SOCKET: socket };
    return body(args);
  });
}

/**
 * Read XML given as a file, a string or stdin through the one hardened reader (no DTD or
 * entities, nesting and size limits, the size limit from HBX_XML_MAX_BYTES; a file's size is
 * looked at before it is read). Anything refused is one line naming the place, exit 78.
 */
export async function readXmlInput(
  io: CliIo,
  input: { file?: string; text?: string; stdin?: boolean },
): Promise<{ el: XmlElement; source: string }> {
  const limits = xmlLimitsFromEnv(io.env);
  const refused = (source: string, e: XmlSyntaxError) =>
    new CliError(CrmExit.CONFIG, `Couldn't parse input from ${source}: ${e.message}; nothing was changed`);
  let text: string;
  let source: string;
  if (input.file !== undefined) {
    source = input.file;
    try {
      text = await readXmlText(path.resolve(io.cwd, input.file), source, limits);
    } catch (e) {
      if (e instanceof XmlSyntaxError) throw refused(source, e);
      throw new CliError(
        CrmExit.CONFIG,
        `Couldn't parse input from ${input.file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(e)}`,
      );
    }
  } else if (input.text !== undefined) {
    source = "<-X string>";
    text = input.text;
  } else if (input.stdin) {
    source = "<stdin>";
    text = await io.readStdin(limits.maxBytes);
  } else {
    throw new CliError(CrmExit.USAGE, "Please supply XML to process with -X, -x or -p");
  }
  try {
    return { el: parseXml(text, source, limits), source };
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw refused(source, e);
    throw e;
  }
}
