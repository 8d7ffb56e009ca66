import { type XmlElement, cloneElement, escapeAttr, escapeText } from "@hbx/cib";
import { Args, type OptionSpec, outputFormat, parseArgs, versionText } from "../common/args.js";
import {
  type ResourceEntry,
  RESOURCE_TAGS,
  indexNodes,
  indexResources,
  primitivesOf,
  removeChild,
} from "../common/cib-model.js";
import { openCibSource } from "../common/cib-source.js";
import { commitCib } from "../common/commit.js";
import { CliError, CrmExit, crmExitText } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { cleanupResource, parseIntervalMs } from "../common/status.js";
import { runTool } from "../common/tool.js";
import { HELP } from "./help.js";
import { addBan, addPrefer, banId, clearLocations, lifetimeEnd } from "./location.js";
import { type SetType, deleteParameter, getParameter, setParameter } from "./params.js";
import { activeNodes, constraintsOf, listRaw, listResources, locate, queryXml, why } from "./show.js";
import { AGENT_COMMANDS, runAgentCommand } from "./agents.js";

const TOOL = "crm_resource";

const OPTIONS: OptionSpec[] = [
  {
    key: "help",
    short: "?",
    long: [
      "help",
      "help-all",
      "help-queries",
      "help-commands",
      "help-locations",
      "help-advanced",
      "help-additional",
      "help-output",
    ],
  },
  { key: "help", short: "h" },
  { key: "version", short: "$", long: ["version"] },
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "Q", long: ["quiet"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  { key: "list", short: "L", long: ["list"] },
  { key: "list-raw", short: "l", long: ["list-raw"] },
  { key: "query-xml", short: "q", long: ["query-xml", "query-xml-raw"] },
  { key: "query-xml", short: "w" },
  // Heartbeat v2's -x meant "query XML"; Pacemaker 2.1 turned -x into --xml-file FILE.
  { key: "heartbeat-x", short: "x", arg: "optional" },
  { key: "get-parameter", short: "g", long: ["get-parameter"], arg: "required" },
  { key: "locate", short: "W", long: ["locate"] },
  { key: "constraints", short: "a", long: ["constraints"] },
  { key: "constraints", short: "A", long: ["stack"] },
  { key: "why", short: "Y", long: ["why"] },
  { key: "cleanup", short: "C", long: ["cleanup"] },
  { key: "refresh", short: "R", long: ["refresh"] },
  // Heartbeat v2's -P: re-probe every resource (Pacemaker 2.1's --refresh).
  { key: "refresh", short: "P", long: ["reprobe"] },
  { key: "set-parameter", short: "p", long: ["set-parameter"], arg: "required" },
  { key: "delete-parameter", short: "d", long: ["delete-parameter"], arg: "required" },
  { key: "value", short: "v", long: ["parameter-value"], arg: "required" },
  { key: "meta", short: "m", long: ["meta"] },
  { key: "utilization", short: "z", long: ["utilization"] },
  { key: "set-name", short: "s", long: ["set-name"], arg: "required" },
  { key: "nvpair", short: "i", long: ["nvpair"], arg: "required" },
  { key: "move", short: "M", long: ["move"] },
  { key: "ban", short: "B", long: ["ban"] },
  { key: "clear", short: "U", long: ["clear", "un-move", "un-migrate"] },
  { key: "expired", short: "e", long: ["expired"] },
  { key: "lifetime", short: "u", long: ["lifetime"], arg: "required" },
  { key: "promoted", long: ["promoted", "master"] },
  { key: "delete", short: "D", long: ["delete"] },
  { key: "fail", short: "F", long: ["fail"] },
  { key: "resource", short: "r", long: ["resource"], arg: "required" },
  { key: "node", short: "N", long: ["node"], arg: "required" },
  { key: "node", short: "H", long: ["host-uname"], arg: "required" },
  { key: "type", short: "t", long: ["resource-type"], arg: "required" },
  { key: "operation", short: "n", long: ["operation"], arg: "required" },
  { key: "interval", short: "I", long: ["interval"], arg: "required" },
  { key: "force", short: "f", long: ["force"] },
  { key: "recursive", long: ["recursive"] },
  { key: "timeout", short: "T", long: ["timeout"], arg: "required" },
  { key: "class", long: ["class"], arg: "required" },
  { key: "agent", long: ["agent"], arg: "required" },
  { key: "provider", long: ["provider"], arg: "required" },
  { key: "option", long: ["option"], arg: "required" },
  { key: "force-start", long: ["force-start"] },
  { key: "force-stop", long: ["force-stop"] },
  { key: "force-check", long: ["force-check"], arg: "optional" },
  { key: "validate", long: ["validate"], arg: "optional" },
  { key: "list-standards", long: ["list-standards"] },
  { key: "list-ocf-providers", long: ["list-ocf-providers"] },
  { key: "list-agents", long: ["list-agents"], arg: "required" },
  { key: "show-metadata", long: ["show-metadata"], arg: "required" },
];

function notFound(id: string): CliError {
  return new CliError(
    CrmExit.NOSUCH,
    `${TOOL}: Resource '${id}' not found\nError performing operation: No such object`,
  );
}

function needResource(args: Args): string {
  const id = args.get("resource");
  if (id === undefined || id === "") {
    throw new CliError(CrmExit.USAGE, `${TOOL}: Must supply a resource id with -r`);
  }
  return id;
}

function lookup(cib: XmlElement, id: string): ResourceEntry {
  const entry = indexResources(cib).get(id.replace(/:\d+$/, ""));
  if (!entry) throw notFound(id);
  return entry;
}

function setType(args: Args): SetType {
  if (args.has("meta")) return "meta_attributes";
  if (args.has("utilization")) return "utilization";
  return "instance_attributes";
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const xml = argv.some((a, i) => a === "--output-as=xml" || (a === "--output-as" && argv[i + 1] === "xml"));
  if (xml) return runXml(argv, io);
  return runTool(io, async () => {
    const args = new Args(parseArgs(argv, OPTIONS, TOOL));
    if (args.has("help")) {
      io.stdout(HELP);
      return CrmExit.OK;
    }
    if (args.has("version")) {
      io.stdout(versionText(TOOL));
      return CrmExit.OK;
    }
    if (outputFormat(args, TOOL) === "xml") return runXmlQuery(args, io);
    if (args.has("heartbeat-x") && args.get("heartbeat-x") !== "") {
      throw new CliError(
        CrmExit.UNIMPLEMENT_FEATURE,
        `${TOOL}: --xml-file is not supported by hbx; use -r with a resource in the CIB`,
      );
    }
    for (const key of AGENT_COMMANDS) if (args.has(key)) return runAgentCommand(key, args, io);

    const verbose = args.count("verbose");
    const quiet = args.has("quiet");
    const source = openCibSource(io);
    const before = await source.read();
    const after = cloneElement(before);
    const commit = () => commitCib(source, before, after, { io, verbose });

    if (args.has("list")) {
      io.stdout(listResources(before));
      return CrmExit.OK;
    }
    if (args.has("list-raw")) {
      io.stdout(listRaw(before));
      return CrmExit.OK;
    }
    if (args.has("cleanup") || args.has("refresh")) {
      return cleanup(args, after, io, commit);
    }

    const rscId = needResource(args);
    const entry = lookup(after, rscId);
    const rsc = entry.el;

    if (args.has("query-xml") || args.has("heartbeat-x")) {
      io.stdout(queryXml(before, lookup(before, rscId)));
      return CrmExit.OK;
    }
    if (args.has("locate")) {
      const r = locate(before, lookup(before, rscId));
      io.stdout(r.out);
      if (!quiet) io.stderr(r.err);
      return CrmExit.OK;
    }
    if (args.has("constraints")) {
      io.stdout(constraintsOf(before, rsc.attrs.id));
      return CrmExit.OK;
    }
    if (args.has("why")) {
      io.stdout(why(before, lookup(before, rscId)));
      return CrmExit.OK;
    }
    const getName = args.get("get-parameter");
    if (getName !== undefined) {
      const value = getParameter(rsc, setType(args), getName);
      if (value === undefined) io.stderr(`Attribute '${getName}' not found for '${rscId}'\n`);
      else io.stdout(`${value}\n`);
      return CrmExit.OK;
    }
    const setName = args.get("set-parameter");
    if (setName !== undefined) {
      const value = args.get("value");
      if (value === undefined)
        throw new CliError(CrmExit.USAGE, `${TOOL}: You need to supply a value with the -v option`);
      const line = setParameter(rsc, setType(args), setName, value);
      await commit();
      if (!quiet) io.stdout(`${line}\n`);
      return CrmExit.OK;
    }
    const delName = args.get("delete-parameter");
    if (delName !== undefined) {
      const line = deleteParameter(rsc, setType(args), delName);
      if (line === undefined) {
        io.stderr(`Attribute '${delName}' not found for '${rscId}'; nothing deleted\n`);
        return CrmExit.OK;
      }
      await commit();
      if (!quiet) io.stdout(`${line}\n`);
      return CrmExit.OK;
    }
    if (args.has("move") || args.has("ban")) return moveOrBan(args, before, after, entry, io, commit);
    if (args.has("clear")) {
      const node = args.get("node");
      const removed = clearLocations(after, rsc.attrs.id, {
        node,
        force: args.has("force"),
        expiredOnly: args.has("expired"),
        now: io.now(),
      });
      if (removed.length > 0) await commit();
      if (!quiet) for (const id of removed) io.stdout(`Removing constraint: ${id}\n`);
      return CrmExit.OK;
    }
    if (args.has("delete")) {
      const type = args.get("type");
      if (type === undefined)
        throw new CliError(CrmExit.USAGE, `${TOOL}: You need to specify a resource type with -t`);
      // Pacemaker deletes <TYPE id=RSC/>; a type that does not match deletes nothing.
      if (rsc.name !== type) return CrmExit.OK;
      const parent = entry.parent ?? resourcesSection(after);
      removeChild(parent, rsc);
      await commit();
      return CrmExit.OK;
    }
    if (args.has("fail")) {
      throw new CliError(CrmExit.UNIMPLEMENT_FEATURE, `${TOOL}: --fail needs a running cluster`);
    }
    throw new CliError(CrmExit.USAGE, `${TOOL}: No command given with -r ${rscId}; see --help`);
  });
}

/**
 * --output-as xml: Pacemaker's <pacemaker-result> envelope around --locate and --get-parameter,
 * and around any error. Other commands refuse xml rather than print text under an xml request.
 */
async function runXml(argv: string[], io: CliIo): Promise<number> {
  let out = "";
  let err = "";
  const inner: CliIo = { ...io, stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
  const code = await run(
    [
      "--output-as=xml-inner",
      ...argv.filter(
        (a, i) => a !== "--output-as=xml" && !(a === "--output-as" || argv[i - 1] === "--output-as"),
      ),
    ],
    inner,
  );
  const head = `<pacemaker-result api-version="2.25" request="${escapeAttr([TOOL, ...argv].join(" "))}">\n`;
  if (code === CrmExit.OK) {
    io.stdout(`${head}${out}  <status code="0" message="OK"/>\n</pacemaker-result>\n`);
  } else {
    io.stdout(
      `${head}  <status code="${code}" message="${escapeText(crmExitText[code] ?? "Error occurred")}">\n    <errors>\n      <error>${escapeText(err.trimEnd())}</error>\n    </errors>\n  </status>\n</pacemaker-result>\n`,
    );
  }
  return code;
}

async function runXmlQuery(args: Args, io: CliIo): Promise<number> {
  const rscId = needResource(args);
  const cib = await openCibSource(io).read();
  const entry = lookup(cib, rscId);
  if (args.has("locate")) {
    const nodes = activeNodes(cib, entry);
    const items = nodes.map((n) => `    <node>${escapeText(n)}</node>\n`).join("");
    io.stdout(`  <nodes resource="${escapeAttr(rscId)}">\n${items}  </nodes>\n`);
    return CrmExit.OK;
  }
  const name = args.get("get-parameter");
  if (name !== undefined) {
    const value = getParameter(entry.el, setType(args), name);
    const item =
      value === undefined ? "" : `    <item name="${escapeAttr(name)}">${escapeText(value)}</item>\n`;
    io.stdout(`  <list name="attributes" count="${value === undefined ? 0 : 1}">\n${item}  </list>\n`);
    return CrmExit.OK;
  }
  throw new CliError(
    CrmExit.UNIMPLEMENT_FEATURE,
    `${TOOL}: --output-as xml is supported with --locate and --get-parameter only`,
  );
}

function resourcesSection(cib: XmlElement): XmlElement {
  for (const c of cib.children) {
    if (c.kind === "element" && c.name === "configuration") {
      for (const s of c.children) if (s.kind === "element" && s.name === "resources") return s;
    }
  }
  throw new CliError(CrmExit.CONFIG, "The CIB has no resources section");
}

async function moveOrBan(
  args: Args,
  before: XmlElement,
  after: XmlElement,
  entry: ResourceEntry,
  io: CliIo,
  commit: () => Promise<boolean>,
): Promise<number> {
  const id = entry.el.attrs.id;
  const node = args.get("node");
  const quiet = args.has("quiet");
  if (node !== undefined && !indexNodes(before).byName.has(node)) {
    throw new CliError(
      CrmExit.NOSUCH,
      `${TOOL}: Node '${node}' not found\nError performing operation: No such object`,
    );
  }
  let until: string | undefined;
  const lifetime = args.get("lifetime");
  if (lifetime !== undefined) {
    const ms = parseIntervalMs(lifetime);
    if (ms === undefined)
      throw new CliError(
        CrmExit.INVALID_PARAM,
        `${TOOL}: Invalid lifetime '${lifetime}' (expected an ISO 8601 duration such as PT1H)`,
      );
    until = lifetimeEnd(io.now(), ms);
  }
  const promoted = args.has("promoted");
  const current = activeNodes(before, entry);
  const lines: string[] = [];
  if (until !== undefined) lines.push(`Migration will take effect until: ${until}`);
  const ban = (target: string) => {
    addBan(after, { rsc: id, node: target, promoted, until });
    lines.push(
      `WARNING: Creating rsc_location constraint '${banId(id, target)}' with a score of -INFINITY for resource ${id} on ${target}.`,
      `\tThis will prevent ${id} from running on ${target} until the constraint is removed using the clear option or by editing the CIB with an appropriate tool`,
      `\tThis will be the case even if ${target} is the last node in the cluster`,
    );
  };
  const single = current.length === 1 ? current[0] : undefined;
  if (args.has("ban") || node === undefined) {
    const target = node ?? single;
    if (target === undefined) {
      throw new CliError(
        CrmExit.USAGE,
        `Resource '${id}' not moved: active in ${current.length} locations.\nTo prevent '${id}' from running on a specific location, specify a node.`,
      );
    }
    ban(target);
  } else {
    if (single === node && !args.has("force")) {
      throw new CliError(
        CrmExit.EXISTS,
        `${TOOL}: Error performing operation: Requested item already exists`,
      );
    }
    clearLocations(after, id, { node, force: false, expiredOnly: false, now: io.now() });
    addPrefer(after, { rsc: id, node, promoted, until });
    if (args.has("force") && single !== undefined && single !== node) ban(single);
  }
  await commit();
  if (!quiet) for (const l of lines) io.stdout(`${l}\n`);
  return CrmExit.OK;
}

/**
 * --cleanup / --refresh (and Heartbeat's -C -H node -r rsc, -P): on a CIB file hbx does what
 * the cluster would, forgetting fail counts and operation history so the state is re-probed.
 * A clean-up touches only resources with failures; a refresh all history.
 */
async function cleanup(
  args: Args,
  after: XmlElement,
  io: CliIo,
  commit: () => Promise<boolean>,
): Promise<number> {
  const refresh = args.has("refresh");
  const rscId = args.get("resource");
  const node = args.get("node");
  if (node !== undefined && !indexNodes(after).byName.has(node)) {
    throw new CliError(
      CrmExit.NOSUCH,
      `${TOOL}: Node '${node}' not found\nError performing operation: No such object`,
    );
  }
  const resources = indexResources(after);
  let targets: ResourceEntry[];
  if (rscId !== undefined) targets = [lookup(after, rscId)];
  else targets = [...resources.values()].filter((e) => e.el.name === "primitive");
  const op = args.get("operation");
  const interval = args.get("interval");
  const intervalMs = interval === undefined ? 0 : parseIntervalMs(interval);
  if (intervalMs === undefined)
    throw new CliError(CrmExit.INVALID_PARAM, `${TOOL}: Invalid interval '${interval}'`);
  for (const t of targets) {
    // A group member or clone instance is cleaned with its whole collective unless forced.
    const whole =
      !args.has("force") && t.parent && RESOURCE_TAGS.includes(t.parent.name as never) ? t.parent : t.el;
    const prims = primitivesOf(whole).map((p) => p.attrs.id);
    const cleaned = cleanupResource(after, prims, {
      node,
      op,
      intervalMs,
      history: refresh || op === undefined,
      onlyFailed: !refresh,
    });
    if (!args.has("quiet")) for (const n of cleaned) io.stdout(`Cleaned up ${whole.attrs.id} on ${n}\n`);
  }
  await commit();
  return CrmExit.OK;
}
