import { type XmlElement, escapeAttr, serializeXml } from "@hbx/cib";
import { type OptionSpec, outputFormat, socketOption } from "../common/args.js";
import { agentProblems } from "../common/agent-checks.js";
import {
  type CibProblem,
  checkCib,
  schedulerProblems,
  schemaProblems,
  valueProblems,
} from "../common/checks.js";
import { openCibSource } from "../common/cib-source.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { readXmlInput, runParsedTool } from "../common/tool.js";

const TOOL = "crm_verify";

export const OPTIONS: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all"] },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  { key: "live", short: "L", long: ["live-check"] },
  { key: "xml-file", short: "x", long: ["xml-file"], arg: "required" },
  { key: "xml-text", short: "X", long: ["xml-text"], arg: "required" },
  { key: "xml-pipe", short: "p", long: ["xml-pipe"] },
  { key: "save-xml", short: "S", long: ["save-xml"], arg: "required" },
];

export const HELP = `Usage:
  crm_verify [options]

crm_verify - check a cluster configuration for errors

Data sources:
 -L, --live-check        Check the running cluster's CIB (or CIB_file)
 -x, --xml-file=FILE     Check the configuration in FILE
 -X, --xml-text=XML      Check the configuration in the argument
 -p, --xml-pipe          Check the configuration on standard input

Options:
 -V, --verbose           Show every warning and error in detail
 --output-as=FORMAT      text (default) or xml
 -?, --help, -$, --version

What is checked: well-formed XML (file:line:column), the schema, duplicate ids, references
from constraints and resource sets to ids that do not exist, agent classes no node could have,
malformed scores, intervals, timeouts, booleans and counts (errors); resources colocated or
ordered with themselves, ordering loops, mandatory colocations with resources banned from
every node, locations on unknown nodes, and agents not installed on this node (warnings).
Every message names the element id.

Exit status: 0 when valid (warnings allowed), 78 when errors were found.

Examples:
 crm_verify -L -V                  check the live configuration, verbosely
 crm_verify -x /var/lib/heartbeat/crm/cib.xml
 cibadmin -Q | crm_verify -p
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP }, async (args) => {
    const format = outputFormat(args, TOOL);
    const verbose = args.count("verbose");
    let cib: XmlElement;
    let source: string;
    const file = args.get("xml-file");
    if (file !== undefined || args.has("xml-text") || args.has("xml-pipe")) {
      try {
        ({ el: cib, source } = await readXmlInput(io, {
          file,
          text: args.get("xml-text"),
          stdin: args.has("xml-pipe"),
        }));
      } catch (e) {
        if (e instanceof CliError)
          throw new CliError(
            CrmExit.ERROR,
            `${TOOL}: ${e.message.replace(/^Couldn't parse input from/, "Couldn't parse input file")}`,
          );
        throw e;
      }
    } else {
      const src = openCibSource(io);
      cib = await src.read();
      source = src.description;
    }
    const problems: CibProblem[] = [
      ...(await schemaProblems(serializeXml(cib, { pretty: true }), source)),
      ...checkCib(cib),
      ...valueProblems(cib),
      ...schedulerProblems(cib),
      ...agentProblems(cib),
    ];
    const errors = problems.filter((p) => p.severity === "error");
    const warnings = problems.filter((p) => p.severity === "warning");
    const code = errors.length > 0 ? CrmExit.CONFIG : CrmExit.OK;
    if (format === "xml") {
      io.stdout(xmlResult(argv, code, problems));
      return code;
    }
    for (const p of errors) io.stderr(`error: ${p.message}\n`);
    for (const p of warnings) io.stderr(`warning: ${p.message}\n`);
    if (errors.length > 0) {
      io.stderr(`${TOOL}: Errors found during check: config not valid\n`);
      if (verbose === 0) io.stderr("  -V may provide more details\n");
    } else if (warnings.length > 0) {
      io.stderr(`${TOOL}: Warnings found during check: config may not be valid\n`);
      if (verbose === 0) io.stderr("  -V may provide more details\n");
    }
    return code;
  });
}

function xmlResult(argv: string[], code: number, problems: CibProblem[]): string {
  const lines = [
    '<?xml version="1.0"?>',
    `<pacemaker-result api-version="2.25" request="${escapeAttr([TOOL, ...argv].join(" "))}">`,
  ];
  if (code === 0 && problems.length === 0) {
    lines.push('  <status code="0" message="OK"/>');
  } else {
    lines.push(`  <status code="${code}" message="${code === 0 ? "OK" : "Invalid configuration"}">`);
    lines.push("    <errors>");
    for (const p of problems) lines.push(`      <error>${escapeAttr(`${p.severity}: ${p.message}`)}</error>`);
    lines.push("    </errors>");
    lines.push("  </status>");
  }
  lines.push("</pacemaker-result>");
  return lines.join("\n") + "\n";
}
