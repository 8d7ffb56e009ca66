import { cloneElement, escapeAttr } from "@hbx/cib";
import {
  Args,
  type OptionSpec,
  checkOutputTo,
  outputFormat,
  outputOptions,
  socketOption,
} from "../common/args.js";
import {
  type AttrScope,
  type AttrTarget,
  SCOPES,
  deleteAttr,
  listAttrs,
  queryAttr,
  resolveNode,
  setAttr,
} from "../common/attributes.js";
import { openCibSource } from "../common/cib-source.js";
import { commitCib } from "../common/commit.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { runParsedTool } from "../common/tool.js";
import { runInXmlEnvelope, wantsXml } from "../common/xml-result.js";

const TOOL = "crm_attribute";

export const OPTIONS: OptionSpec[] = [
  { key: "help", short: "?", long: ["help", "help-all"] },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "q", long: ["quiet"] },
  { key: "quiet", short: "Q" },
  { key: "output-as", long: ["output-as"], arg: "required" },
  ...outputOptions,
  { key: "pattern", short: "P", long: ["pattern"], arg: "required" },
  { key: "name", short: "n", long: ["name", "attr-name"], arg: "required" },
  { key: "update", short: "v", long: ["update", "attr-value"], arg: "required" },
  { key: "query", short: "G", long: ["query", "get-value"] },
  { key: "delete", short: "D", long: ["delete", "delete-attr"] },
  { key: "type", short: "t", long: ["type", "section"], arg: "required" },
  { key: "node", short: "N", long: ["node"], arg: "required" },
  // Heartbeat v2 named the node with -U/--uname.
  { key: "node", short: "U", long: ["uname"], arg: "required" },
  { key: "lifetime", short: "l", long: ["lifetime"], arg: "required" },
  { key: "default", short: "d", long: ["default"], arg: "required" },
  { key: "set-name", short: "s", long: ["set-name"], arg: "required" },
  { key: "id", short: "i", long: ["id", "attr-id"], arg: "required" },
  { key: "utilization", short: "z", long: ["utilization"] },
  { key: "promotion", short: "p", long: ["promotion"], arg: "optional" },
];

export const HELP = `Usage:
  crm_attribute -n NAME [-v VALUE | -G | -D] [options]

crm_attribute - query and update cluster, node and transient attributes

Commands:
 -G, --query              Query the current value of the attribute
 -v, --update=VALUE       Update the value of the attribute
 -D, --delete             Delete the attribute

Options:
 -n, --name=NAME          Name of the attribute (without -n, -G lists every attribute)
 -P, --pattern=REGEX      With -G, every attribute whose name matches REGEX
 -t, --type=SECTION       crm_config (default without -N), nodes (default with -N), status,
                          rsc_defaults, op_defaults
 -N, --node=NODE          Node the attribute belongs to (Heartbeat v2: -U, --uname)
 -l, --lifetime=LIFETIME  reboot (a transient status attribute) or forever (a node attribute)
 -z, --utilization        With -N, the node's utilization attribute (capacity for placement-strategy)
 -p, --promotion[=RSC]    The promotion score master-RSC of a promotable clone (transient by default)
 -d, --default=VALUE      With -G, print VALUE when the attribute is not set
 -s, --set-name=ID        Attribute set to use
 -i, --id=ID              nvpair id to use
 -q, --quiet              With -G, print only the value
 -V, --verbose            Print one line per changed element on stderr
 --output-as=FORMAT       text (default) or xml

Environment:
 CIB_file=PATH            Work on the CIB in PATH instead of the running cluster

Examples:
 crm_attribute -n no-quorum-policy -v ignore           set a cluster option
 crm_attribute -n stonith-enabled -G                    read one
 crm_attribute -N alpha -n rack -v r1                   set a node attribute
 crm_attribute -N alpha -n pingd -v 1 -l reboot         set a transient attribute
 crm_attribute -N alpha -n pingd -D -l reboot           delete it
`;

function scopeOf(args: Args): AttrScope {
  const type = args.get("type");
  const lifetime = args.get("lifetime");
  if (type !== undefined) {
    if (type === "reboot") return "status";
    if (type === "forever") return "nodes";
    if (!SCOPES.includes(type as AttrScope)) {
      throw new CliError(CrmExit.USAGE, `${TOOL}: Invalid --type '${type}' (expected ${SCOPES.join(", ")})`);
    }
    return type as AttrScope;
  }
  if (lifetime === "reboot") return "status";
  if (lifetime === "forever") return "nodes";
  if (lifetime !== undefined) {
    throw new CliError(
      CrmExit.USAGE,
      `${TOOL}: Invalid --lifetime '${lifetime}' (expected reboot or forever)`,
    );
  }
  // A promotion score lives until the node reboots unless -l forever says otherwise.
  if (args.has("promotion")) return "status";
  return args.has("node") ? "nodes" : "crm_config";
}

/**
 * -p/--promotion[=RSC]: the node attribute a promotable clone's agent sets to say how much it
 * wants to be promoted there, `master-RSC`. Without RSC, the agent's own instance
 * ($OCF_RESOURCE_INSTANCE), as when an OCF agent calls crm_attribute -p.
 */
function promotionName(args: Args, io: CliIo): string | undefined {
  if (!args.has("promotion")) return undefined;
  const rsc = args.get("promotion") || io.env.OCF_RESOURCE_INSTANCE;
  if (!rsc)
    throw new CliError(
      CrmExit.USAGE,
      `${TOOL}: -p/--promotion must be called from an OCF resource agent or with a resource ID specified`,
    );
  return `master-${rsc}`;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  if (wantsXml(argv)) return runInXmlEnvelope(TOOL, argv, io, run);
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP }, async (args) => {
    checkOutputTo(args, TOOL);
    const xml = outputFormat(args, TOOL) === "xml";
    const name = promotionName(args, io) ?? args.get("name");
    const pattern = compilePattern(args.get("pattern"));
    const querying = !args.has("delete") && args.get("update") === undefined;
    const tillReboot = args.get("lifetime") === "reboot" || args.get("type") === "status";
    if (pattern && !querying && !tillReboot)
      throw new CliError(
        CrmExit.USAGE,
        `${TOOL}: Error: pattern can only be used with query, or with till-reboot update or delete`,
      );
    if (name === undefined && args.get("id") === undefined && !querying && !pattern) {
      throw new CliError(
        CrmExit.USAGE,
        `${TOOL}: Error: must specify attribute name or pattern to operate on`,
      );
    }
    const attr = name ?? "";
    const scope = scopeOf(args);
    const source = openCibSource(io);
    const before = await source.read();
    const after = cloneElement(before);
    const utilization = args.has("utilization");
    if (utilization && (scope !== "nodes" || !args.has("node")))
      throw new CliError(
        CrmExit.USAGE,
        `${TOOL}: -z/--utilization needs a node (-N) and a permanent (nodes) attribute`,
      );
    const target: AttrTarget = { scope, setId: args.get("set-name"), nvpairId: args.get("id"), utilization };
    if (scope === "nodes" || scope === "status") {
      // An agent calling -p names no node: the one it runs on.
      const node =
        args.get("node") ?? (args.has("promotion") ? io.env.OCF_RESKEY_CRM_meta_on_node : undefined);
      if (node === undefined)
        throw new CliError(CrmExit.USAGE, `${TOOL}: Please specify a node with -N for ${scope} attributes`);
      target.node = resolveNode(after, node, TOOL);
    }
    const quiet = args.has("quiet");
    const value = args.get("update");
    if (pattern && !querying) {
      // Pacemaker hands this to the attribute daemon; on a file hbx edits each matching
      // transient attribute of the node itself (2.1.5 silently changes nothing).
      const names = listAttrs(after, target)
        .map((a) => a.name)
        .filter((n) => pattern.test(n));
      for (const n of names) {
        if (value !== undefined) setAttr(after, target, n, value);
        else deleteAttr(after, target, n);
      }
      if (names.length > 0) await commitCib(source, before, after, { io, verbose: args.count("verbose") });
      return CrmExit.OK;
    }
    if (args.has("delete")) {
      const id = deleteAttr(after, target, attr);
      if (id === undefined) return CrmExit.OK;
      await commitCib(source, before, after, { io, verbose: args.count("verbose") });
      if (!quiet && !xml) {
        const what = scope === "crm_config" ? "option" : "attribute";
        io.stdout(`Deleted ${scope} ${what}: id=${id} name=${attr}\n`);
      }
      return CrmExit.OK;
    }
    if (value !== undefined) {
      setAttr(after, target, attr, value);
      await commitCib(source, before, after, { io, verbose: args.count("verbose") });
      return CrmExit.OK;
    }
    const show = (n: string, v: string) =>
      io.stdout(
        xml
          ? `  <attribute name="${escapeAttr(n)}" value="${escapeAttr(v)}" scope="${scope}"/>\n`
          : quiet
            ? `${v}\n`
            : `scope=${scope}  name=${n} value=${v}\n`,
      );
    if (pattern || (name === undefined && args.get("id") === undefined)) {
      for (const a of listAttrs(before, target)) if (!pattern || pattern.test(a.name)) show(a.name, a.value);
      return CrmExit.OK;
    }
    const found = queryAttr(before, target, attr) ?? args.get("default");
    if (found === undefined) {
      throw new CliError(CrmExit.NOSUCH, `${TOOL}: Error performing operation: No such device or address`);
    }
    show(attr, found);
    return CrmExit.OK;
  });
}

/** -P: a regular expression matched anywhere in the name, as regexec does. */
function compilePattern(p: string | undefined): RegExp | undefined {
  if (p === undefined) return undefined;
  try {
    return new RegExp(p);
  } catch (e) {
    throw new CliError(CrmExit.USAGE, `${TOOL}: Invalid --pattern '${p}': ${(e as Error).message}`);
  }
}
