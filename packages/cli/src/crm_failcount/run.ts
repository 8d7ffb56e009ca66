import { type XmlElement, cloneElement, walkElements } from "@hbx/cib";
import { type OptionSpec, socketOption } from "../common/args.js";
import { resolveNode, setAttr } from "../common/attributes.js";
import { indexResources, primitivesOf } from "../common/cib-model.js";
import { openCibSource } from "../common/cib-source.js";
import { commitCib } from "../common/commit.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { cleanupResource, failCountName, parseIntervalMs, queryFailCount } from "../common/status.js";
import { runParsedTool } from "../common/tool.js";
import { notFound } from "../crm_resource/resource-args.js";

const TOOL = "crm_failcount";

export const OPTIONS: OptionSpec[] = [
  { key: "help", long: ["help"] },
  { key: "help", short: "?" },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "q", long: ["quiet"] },
  { key: "quiet", short: "Q" },
  { key: "query", short: "G", long: ["query", "get-value"] },
  { key: "delete", short: "D", long: ["delete", "delete-attr"] },
  { key: "value", short: "v", long: ["update", "attr-value"], arg: "required" },
  { key: "resource", short: "r", long: ["resource", "resource-id"], arg: "required" },
  { key: "node", short: "N", long: ["node"], arg: "required" },
  // Heartbeat v2: -U uname.
  { key: "node", short: "U", long: ["uname"], arg: "required" },
  { key: "operation", short: "n", long: ["operation"], arg: "required" },
  { key: "interval", short: "I", long: ["interval"], arg: "required" },
  { key: "lifetime", short: "l", long: ["lifetime"], arg: "required" },
  { key: "attr-id", short: "i", long: ["attr-id"], arg: "required" },
];

const USAGE = `Usage: crm_failcount <command> [<options>]
Common options:
 --help                 Display this text, then exit
 --version              Display version information, then exit
 -V, --verbose          Specify multiple times to increase debug output
 -q, --quiet            Print only the value (if querying)

Commands:
 -G, --query            Query the current value of the resource's fail count
 -D, --delete           Delete resource's recorded failures
 -v, --update=COUNT     Set the fail count (Heartbeat v2; 0 deletes it)

Additional Options:
 -r, --resource=value   Name of the resource to use (required)
 -n, --operation=value  Name of operation to use (instead of all operations)
 -I, --interval=value   If operation is specified, its interval
 -N, --node=value       Use failcount on named node (instead of local node; Heartbeat v2: -U)`;

export const HELP = `crm_failcount - Query or delete resource fail counts

${USAGE}

Examples:
 crm_failcount -G -r db -N alpha              how often has db failed on alpha?
 crm_failcount -G -r db -N alpha -n monitor -I 10s   only its 10s monitor
 crm_failcount -D -r db -N alpha              forget db's failures on alpha
 crm_failcount -v 3 -r db -U alpha            Heartbeat v2: set the count
`;

function usage(message: string): CliError {
  return new CliError(CrmExit.USAGE, `error: ${message}`, ["", USAGE]);
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP, usage: USAGE }, async (args) => {
    const value = args.get("value");
    const command =
      args.has("delete") || value === "0"
        ? "delete"
        : value !== undefined
          ? "update"
          : args.has("query")
            ? "query"
            : undefined;
    if (command === undefined) throw usage("must specify a command");
    const rsc = args.get("resource");
    if (rsc === undefined) throw usage("resource required");
    const nodeName = args.get("node") ?? io.env.HBX_NODE_NAME;
    if (nodeName === undefined) throw usage("node name required");
    const op = args.get("operation");
    const interval = args.get("interval") ?? "0";
    const intervalMs = parseIntervalMs(interval);
    if (intervalMs === undefined) {
      io.stderr("warning: Unrecognized interval, using 0\n");
    }
    const source = openCibSource(io);
    const before = await source.read();
    if (command === "query") {
      const r = queryFailCount(before, nodeName, rsc, op, intervalMs ?? 0);
      io.stdout(args.has("quiet") ? `${r.value}\n` : `scope=status  name=${r.name} value=${r.value}\n`);
      return CrmExit.OK;
    }
    // Pacemaker's crm_failcount hands -D to crm_resource, which refuses an unknown resource
    // (105); setting a count for one would only record a failure nothing can have had.
    if (!knownResource(before, rsc)) throw notFound(rsc);
    const after = cloneElement(before);
    const node = resolveNode(after, nodeName, TOOL);
    if (command === "update") {
      // Heartbeat v2 let an administrator set the count; Pacemaker 2.1 only deletes. hbx keeps
      // the old form, writing the operation's attribute (or the pre-2.0 total without -n).
      if (!/^(\d+|INFINITY)$/.test(value!))
        throw usage(`invalid fail count '${value}' (expected a number or INFINITY)`);
      setAttr(
        after,
        { scope: "status", node },
        failCountName(rsc, op, op ? (intervalMs ?? 0) : undefined),
        value!,
      );
    } else {
      const entry = indexResources(after).get(rsc.replace(/:\d+$/, ""));
      const prims = entry
        ? primitivesOf(entry.parent && entry.parent.name === "group" ? entry.parent : entry.el).map(
            (p) => p.attrs.id,
          )
        : [rsc];
      const cleaned = cleanupResource(after, prims, {
        node: node.uname,
        op,
        intervalMs: intervalMs ?? 0,
        history: op === undefined,
        onlyFailed: true,
      });
      if (!args.has("quiet")) for (const n of cleaned) io.stdout(`Cleaned up ${rsc} on ${n}\n`);
    }
    await commitCib(source, before, after, { io, verbose: args.count("verbose") });
    return CrmExit.OK;
  });
}

/** Configured, or still in some node's operation history (an orphan whose failures can be cleared). */
function knownResource(cib: XmlElement, rsc: string): boolean {
  const id = rsc.replace(/:\d+$/, "");
  if (indexResources(cib).has(id)) return true;
  for (const el of walkElements(cib)) {
    if (el.name === "lrm_resource" && (el.attrs.id ?? "").replace(/:\d+$/, "") === id) return true;
  }
  return false;
}
