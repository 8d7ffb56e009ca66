import { type XmlElement, cloneElement, escapeAttr, escapeText, serializeXml } from "@hbx/cib";
import {
  Args,
  type OptionSpec,
  checkOutputTo,
  outputFormat,
  outputOptions,
  socketOption,
} from "../common/args.js";
import { removeChild } from "../common/cib-model.js";
import { openCibSource } from "../common/cib-source.js";
import { commitCib } from "../common/commit.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { runInXmlEnvelope, wantsXml } from "../common/xml-result.js";
import { runParsedTool } from "../common/tool.js";
import { HELP } from "./help.js";
import { cleanup, moveOrBan } from "./actions.js";
import { TOOL, lookup, needResource, setType } from "./resource-args.js";
import { clearLocations } from "./location.js";
import { deleteParameter, getParameter, setParameter } from "./params.js";
import {
  activeNodes,
  constraintsOf,
  constraintsXml,
  listRaw,
  listResources,
  locate,
  queryXml,
} from "./show.js";
import { whyReport, whyXml } from "./why.js";
import { resourcesXml } from "../crm_mon/xml.js";
import { unpackCluster } from "@hbx/pengine";
import { AGENT_COMMANDS, runAgentCommand } from "./agents.js";
import { type OperationQuery, operationsText, operationsXml } from "./operations.js";

export const OPTIONS: OptionSpec[] = [
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
  socketOption,
  { key: "verbose", short: "V", long: ["verbose"] },
  { key: "quiet", short: "Q", long: ["quiet"] },
  { key: "output-as", long: ["output-as"], arg: "required" },
  ...outputOptions,
  { key: "list", short: "L", long: ["list"] },
  { key: "list-raw", short: "l", long: ["list-raw"] },
  { key: "list-operations", short: "O", long: ["list-operations"] },
  { key: "list-all-operations", short: "o", long: ["list-all-operations"] },
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
  { key: "force-promote", long: ["force-promote"] },
  { key: "force-demote", long: ["force-demote"] },
  { key: "force-check", long: ["force-check"], arg: "optional" },
  { key: "validate", long: ["validate"], arg: "optional" },
  { key: "list-standards", long: ["list-standards"] },
  { key: "list-ocf-providers", long: ["list-ocf-providers"] },
  { key: "list-ocf-alternatives", long: ["list-ocf-alternatives"], arg: "required" },
  { key: "list-agents", long: ["list-agents"], arg: "required" },
  { key: "show-metadata", long: ["show-metadata"], arg: "required" },
];

export async function run(argv: string[], io: CliIo): Promise<number> {
  // Pacemaker's <pacemaker-result> envelope around --locate, --get-parameter, -O/-o and errors;
  // other commands refuse xml rather than print text under an xml request.
  if (wantsXml(argv)) return runInXmlEnvelope(TOOL, argv, io, run);
  return runParsedTool(argv, io, { tool: TOOL, options: OPTIONS, help: HELP }, async (args) => {
    checkOutputTo(args, TOOL);
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
    const commit = () => commitCib(source, before, after, { io, verbose, force: args.has("force") });

    if (args.has("list")) {
      io.stdout(listResources(before));
      return CrmExit.OK;
    }
    if (args.has("list-raw")) {
      io.stdout(listRaw(before));
      return CrmExit.OK;
    }
    if (args.has("list-operations") || args.has("list-all-operations")) {
      io.stdout(operationsText(before, operationQuery(args, io)));
      return CrmExit.OK;
    }
    if (args.has("cleanup") || args.has("refresh")) {
      return cleanup(args, after, io, commit);
    }

    if (args.has("why")) {
      io.stdout(whyReport(before, io.now(), args.get("resource"), args.get("node")));
      return CrmExit.OK;
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

async function runXmlQuery(args: Args, io: CliIo): Promise<number> {
  if (args.has("why")) {
    const cib = await openCibSource(io).read();
    io.stdout(whyXml(cib, io.now(), args.get("resource"), args.get("node")));
    return CrmExit.OK;
  }
  if (args.has("list")) {
    const ws = unpackCluster(await openCibSource(io).read(), { now: io.now() });
    io.stdout(indent(serializeXml(resourcesXml(ws), { pretty: true })));
    return CrmExit.OK;
  }
  if (args.has("constraints")) {
    const cib = await openCibSource(io).read();
    io.stdout(constraintsXml(cib, lookup(cib, needResource(args)).el.attrs.id));
    return CrmExit.OK;
  }
  if (args.has("list-raw")) {
    const ids = listRaw(await openCibSource(io).read())
      .split("\n")
      .filter((l) => l !== "");
    const items = ids.map((id) => `    <item name="resource">${escapeText(id)}</item>\n`).join("");
    io.stdout(`  <list name="resource names" count="${ids.length}">\n${items}  </list>\n`);
    return CrmExit.OK;
  }
  if (args.has("list-operations") || args.has("list-all-operations")) {
    io.stdout(operationsXml(await openCibSource(io).read(), operationQuery(args, io)));
    return CrmExit.OK;
  }
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
    `${TOOL}: --output-as xml is supported with --list, --list-raw, --locate, --get-parameter, --constraints, --why and --list-operations only`,
  );
}

function indent(xml: string): string {
  return xml
    .split("\n")
    .map((l) => (l === "" ? l : `  ${l}`))
    .join("\n");
}

function operationQuery(args: Args, io: CliIo): OperationQuery {
  return {
    rsc: args.get("resource"),
    node: args.get("node"),
    activeOnly: args.has("list-operations"),
    now: io.now(),
  };
}

function resourcesSection(cib: XmlElement): XmlElement {
  for (const c of cib.children) {
    if (c.kind === "element" && c.name === "configuration") {
      for (const s of c.children) if (s.kind === "element" && s.name === "resources") return s;
    }
  }
  throw new CliError(CrmExit.CONFIG, "The CIB has no resources section");
}
