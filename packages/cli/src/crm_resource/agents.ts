import { type XmlElement } from "@hbx/cib";
import { type Args } from "../common/args.js";
import { indexResources } from "../common/cib-model.js";
import { openCibSource } from "../common/cib-source.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { parseIntervalMs } from "../common/status.js";

/**
 * The crm_resource commands that run resource agents on this node rather than edit the CIB.
 * They are carried out by ./agent-actions.ts (runAgentAction); this file only turns the
 * command line into its request.
 */
export const AGENT_COMMANDS = [
  "force-start",
  "force-stop",
  "force-check",
  "validate",
  "list-standards",
  "list-ocf-providers",
  "list-agents",
  "show-metadata",
] as const;

export type AgentCommand = (typeof AGENT_COMMANDS)[number];

export interface AgentActionRequest {
  action: AgentCommand;
  /** -r RSC: the resource's id and its <primitive> from the CIB. */
  resource?: string;
  primitive?: XmlElement;
  /** --class/--provider/--agent with --option NAME=VALUE, for --validate without -r. */
  class?: string;
  provider?: string;
  agent?: string;
  options: Record<string, string>;
  /** --force-check/--validate LEVEL, --list-agents STD:PROV, --show-metadata SPEC. */
  argument?: string;
  timeoutMs?: number;
  force: boolean;
  verbose: number;
}

type AgentRunner = (req: AgentActionRequest, io: CliIo) => Promise<number>;

export async function runAgentCommand(action: AgentCommand, args: Args, io: CliIo): Promise<number> {
  const options: Record<string, string> = {};
  for (const o of args.all("option")) {
    const eq = o.indexOf("=");
    if (eq <= 0)
      throw new CliError(CrmExit.INVALID_PARAM, `crm_resource: --option '${o}' must be NAME=VALUE`);
    options[o.slice(0, eq)] = o.slice(eq + 1);
  }
  const req: AgentActionRequest = {
    action,
    class: args.get("class"),
    provider: args.get("provider"),
    agent: args.get("agent"),
    options,
    argument: args.get(action) || undefined,
    timeoutMs: args.get("timeout") !== undefined ? parseIntervalMs(args.get("timeout")!) : undefined,
    force: args.has("force"),
    verbose: args.count("verbose"),
  };
  const rsc = args.get("resource");
  if (rsc !== undefined) {
    const entry = indexResources(await openCibSource(io).read()).get(rsc.replace(/:\d+$/, ""));
    if (!entry)
      throw new CliError(
        CrmExit.NOSUCH,
        `crm_resource: Resource '${rsc}' not found\nError performing operation: No such object`,
      );
    if (entry.el.name !== "primitive") {
      throw new CliError(
        CrmExit.UNIMPLEMENT_FEATURE,
        `crm_resource: --${action} works on a primitive; '${rsc}' is a ${entry.el.name}`,
      );
    }
    req.resource = rsc;
    req.primitive = entry.el;
  }
  let runner: AgentRunner | undefined;
  try {
    // Resolved at run time: agent-actions.ts is written separately and may not be built yet.
    const specifier = "./agent-actions.js";
    const mod = (await import(specifier)) as { runAgentAction?: AgentRunner };
    runner = mod.runAgentAction;
  } catch {
    runner = undefined;
  }
  if (!runner) {
    throw new CliError(
      CrmExit.NOT_INSTALLED,
      `crm_resource: --${action} is not available in this build (agent actions are not installed)`,
    );
  }
  return runner(req, io);
}
