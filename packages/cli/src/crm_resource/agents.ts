import { type Args } from "../common/args.js";
import { openCibSource } from "../common/cib-source.js";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { type CliIo } from "../common/io.js";
import { parseIntervalMs } from "../common/status.js";
import { type AgentActionRequest, runAgentAction } from "./agent-actions.js";

/**
 * The crm_resource commands that run resource agents on this node rather than edit the CIB.
 * agent-actions.ts carries them out; this file only turns the command line into its request.
 */
export const AGENT_COMMANDS = [
  "force-start",
  "force-stop",
  "force-promote",
  "force-demote",
  "force-check",
  "validate",
  "list-standards",
  "list-ocf-providers",
  "list-ocf-alternatives",
  "list-agents",
  "show-metadata",
] as const;

export type AgentCommand = (typeof AGENT_COMMANDS)[number];

export async function runAgentCommand(action: AgentCommand, args: Args, io: CliIo): Promise<number> {
  const params: Record<string, string> = {};
  for (const o of args.all("option")) {
    const eq = o.indexOf("=");
    if (eq <= 0)
      throw new CliError(CrmExit.INVALID_PARAM, `crm_resource: --option '${o}' must be NAME=VALUE`);
    params[o.slice(0, eq)] = o.slice(eq + 1);
  }
  const timeout = args.get("timeout");
  const req: AgentActionRequest = {
    action,
    verbose: args.count("verbose"),
    timeoutMs: timeout !== undefined ? parseIntervalMs(timeout) : undefined,
    params,
  };
  if (action === "list-agents" || action === "show-metadata" || action === "list-ocf-alternatives")
    req.spec = args.get(action);
  const cls = args.get("class");
  if (cls !== undefined) {
    const provider = args.get("provider");
    req.spec = [cls, ...(provider !== undefined ? [provider] : []), args.get("agent") ?? ""].join(":");
  }
  const rsc = args.get("resource");
  if (rsc !== undefined) {
    req.resourceId = rsc;
    req.cib = await openCibSource(io).read();
  }
  return runAgentAction(req, io);
}
