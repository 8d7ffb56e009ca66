import os from "node:os";
import { childElements } from "@hbx/cib";
import { type OptionSpec, outputFormat, socketOption } from "../common/args.js";
import { indexNodes, section } from "../common/cib-model.js";
import { openCibSource } from "../common/cib-source.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { runParsedTool } from "../common/tool.js";

const TOOL = "crm_node";

export const OPTIONS: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all"] },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "q", long: ["quiet"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  { key: "list", short: "l", long: ["list"] },
  { key: "partition", short: "p", long: ["partition"] },
  { key: "name", short: "n", long: ["name"] },
  { key: "name-for-id", short: "N", long: ["name-for-id"], arg: "required" },
  { key: "cluster-id", short: "i", long: ["cluster-id"] },
];

export const HELP = `Usage:
  crm_node [command] [options]

crm_node - list the cluster's nodes

Commands:
 -l, --list              List all nodes: ID NAME STATE (member or lost)
 -p, --partition         Print the names of the nodes in this partition (members)
 -n, --name              Print this node's name
 -N, --name-for-id=ID    Print the name of the node with ID

Options:
 --output-as=FORMAT      text (default) or xml
 -?, --help, -$, --version

Nodes come from the CIB's nodes section; a node is a member when its node_state says it is
in the membership (in_ccm="true"). With CIB_file=PATH the CIB in PATH is used.

Examples:
 crm_node -l
 crm_node -p
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP }, async (args) => {
    const format = outputFormat(args, TOOL);
    if (args.has("name")) {
      io.stdout(`${io.env.HBX_NODE_NAME ?? os.hostname().split(".")[0]}\n`);
      return CrmExit.OK;
    }
    const cib = await openCibSource(io).read();
    const nodes = indexNodes(cib).list;
    const member = new Map<string, boolean>();
    for (const s of childElements(section(cib, "status") ?? cib, "node_state")) {
      member.set(s.attrs.id, s.attrs.in_ccm === "true" || /^\d+$/.test(s.attrs.in_ccm ?? ""));
    }
    const idFor = args.get("name-for-id");
    if (idFor !== undefined) {
      const n = nodes.find((x) => x.id === idFor);
      if (!n) throw new CliError(CrmExit.NOSUCH, `${TOOL}: Could not map node id ${idFor} to a name`);
      io.stdout(`${n.uname}\n`);
      return CrmExit.OK;
    }
    if (args.has("partition")) {
      io.stdout(
        `${nodes
          .filter((n) => member.get(n.id))
          .map((n) => n.uname)
          .join(" ")}\n`,
      );
      return CrmExit.OK;
    }
    if (args.has("list")) {
      if (format === "xml") {
        const lines = [
          '<?xml version="1.0"?>',
          '<pacemaker-result api-version="2.25" request="crm_node -l">',
          "  <nodes>",
        ];
        for (const n of nodes) {
          lines.push(
            `    <node id="${n.id}" name="${n.uname}" state="${member.get(n.id) ? "member" : "lost"}"/>`,
          );
        }
        lines.push("  </nodes>", '  <status code="0" message="OK"/>', "</pacemaker-result>");
        io.stdout(lines.join("\n") + "\n");
      } else {
        for (const n of nodes) io.stdout(`${n.id} ${n.uname} ${member.get(n.id) ? "member" : "lost"}\n`);
      }
      return CrmExit.OK;
    }
    throw new CliError(CrmExit.USAGE, `${TOOL}: no command given (-l, -p, -n or -N ID); see --help`);
  });
}
