import { type OptionSpec, socketOption } from "../common/args.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { runParsedTool } from "../common/tool.js";
import { run as crmAttribute } from "../crm_attribute/run.js";

const TOOL = "crm_standby";

export const OPTIONS: OptionSpec[] = [
  { key: "help", short: "?", long: ["help"] },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "q", long: ["quiet"] },
  { key: "quiet", short: "Q" },
  { key: "node", short: "N", long: ["node"], arg: "required" },
  { key: "node", short: "U", long: ["uname"], arg: "required" },
  { key: "query", short: "G", long: ["query", "get-value"] },
  { key: "update", short: "v", long: ["update", "attr-value"], arg: "required" },
  { key: "delete", short: "D", long: ["delete", "delete-attr"] },
  { key: "lifetime", short: "l", long: ["lifetime"], arg: "required" },
  { key: "id", short: "i", long: ["id", "attr-id"], arg: "required" },
];

export const HELP = `crm_standby - query and change a node's standby state

Usage: crm_standby [-G | -v on|off | -D] -N NODE [options]

Commands:
 -G, --query            Query whether the node is in standby (the default)
 -v, --update=on|off    Put the node in standby (on) or take it out (off)
 -D, --delete           Remove the standby attribute (both lifetimes unless -l is given)

Options:
 -N, --node=NODE        Node to use (Heartbeat v2: -U, --uname)
 -l, --lifetime=LIFE    forever (default; survives reboots) or reboot (until the node restarts)
 -i, --id=ID            nvpair id to use
 -q, --quiet            Print only the value
 -V, --verbose          Print one line per changed element on stderr

Examples:
 crm_standby -v on -N alpha       move everything off alpha and keep it off
 crm_standby -G -N alpha          is alpha in standby?
 crm_standby -v off -N alpha      let resources run on alpha again
 crm_standby -D -N alpha          forget the setting
`;

/**
 * Pacemaker's crm_standby is a script over crm_attribute -n standby; hbx's does the same
 * calls in-process: a query tries the permanent attribute and falls back to the transient one
 * (default "off"), a delete removes both.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP }, async (args) => {
    const node = args.get("node") ?? io.env.HBX_NODE_NAME;
    if (node === undefined) throw new CliError(CrmExit.USAGE, `${TOOL}: Please specify a node with -N`);
    const base = ["-N", node, "-n", "standby"];
    for (let i = 0; i < args.count("verbose"); i++) base.push("-V");
    if (args.has("quiet")) base.push("-q");
    const id = args.get("id");
    if (id !== undefined) base.push("--id", id);
    const lifetime = args.get("lifetime");
    const value = args.get("update");
    if (value !== undefined)
      return crmAttribute([...base, "--update", value, "-l", lifetime ?? "forever"], io);
    if (args.has("delete")) {
      if (lifetime !== undefined) return crmAttribute([...base, "--delete", "-l", lifetime], io);
      await crmAttribute([...base, "--delete", "-l", "forever"], io);
      await crmAttribute([...base, "--delete", "-l", "reboot"], io);
      return CrmExit.OK;
    }
    if (lifetime !== undefined) return crmAttribute([...base, "--query", "-l", lifetime], io);
    const silent: CliIo = { ...io, stdout: () => undefined, stderr: () => undefined };
    if ((await crmAttribute([...base, "--query", "-l", "forever"], silent)) === CrmExit.OK) {
      return crmAttribute([...base, "--query", "-l", "forever"], io);
    }
    return crmAttribute([...base, "--query", "-l", "reboot", "-d", "off"], io);
  });
}
