import { childElements, firstChild, walkElements, type XmlElement } from "@hbx/cib";
import {
  crmExitString,
  ExecStatus,
  execStatusString,
  executeAgent,
  getMetadataText,
  listAgents,
  listOcfProviders,
  listStandards,
  ocfExitCodeText,
  parseAgentSpec,
  parseDurationMs,
  STANDARDS,
  type AgentSpec,
  type OperationRequest,
  type Standard,
} from "@hbx/lrm";
import { nvpairsOf } from "../common/attributes.js";
import { RESOURCE_TAGS } from "../common/cib-model.js";

/** The crm_resource options that run or inspect resource agents directly on this node. */
export interface AgentActionRequest {
  action:
    | "force-start"
    | "force-stop"
    | "force-promote"
    | "force-demote"
    | "force-check"
    | "validate"
    | "list-standards"
    | "list-ocf-providers"
    | "list-ocf-alternatives"
    | "list-agents"
    | "show-metadata";
  /** The CIB (from CIB_file) the resource is looked up in. */
  cib?: XmlElement;
  resourceId?: string;
  /** --list-agents STD[:PROVIDER], --list-ocf-alternatives AGENT, --show-metadata CLASS:PROVIDER:TYPE, or the agent for --validate without -r. */
  spec?: string;
  verbose?: number;
  /** --timeout, in milliseconds; overrides the resource's configured op timeout. */
  timeoutMs?: number;
  /** Instance attributes: --option NAME=VALUE, or those of --validate without -r. */
  params?: Record<string, string>;
}

export interface AgentActionIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

const EXIT_USAGE = 64;
const EXIT_NOSUCH = 105;
const EXIT_ERROR = 1;
const EXIT_UNIMPLEMENTED = 3;
const DEFAULT_TIMEOUT_MS = 20_000;

/** The agent action each crm_resource option runs. */
const AGENT_ACTION: Record<string, string> = {
  "force-start": "start",
  "force-stop": "stop",
  "force-promote": "promote",
  "force-demote": "demote",
  "force-check": "monitor",
  validate: "validate-all",
};

interface ConfiguredResource {
  readonly spec: AgentSpec;
  readonly params: Record<string, string>;
  readonly meta: Record<string, string>;
  readonly ops: XmlElement[];
  readonly opDefaultTimeout?: string;
}

function nvpairs(el: XmlElement, setName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of childElements(el, setName)) {
    for (const { nvpair: nv } of nvpairsOf(set)) {
      const name = nv.attrs.name;
      if (name !== undefined && !(name in out) && nv.attrs.value !== undefined) out[name] = nv.attrs.value;
    }
  }
  return out;
}

/**
 * The primitive whose agent `-r ID` runs, as Pacemaker picks it: ID itself (a clone instance
 * "db:1" is its primitive), or the one a clone holds, since promotable resources are clones;
 * "group" when that is a group, which Pacemaker refuses.
 */
function agentPrimitive(resources: XmlElement, id: string): XmlElement | "group" | undefined {
  const bare = id.replace(/:\d+$/, "");
  for (const el of walkElements(resources)) {
    if (el.attrs.id !== bare || !(RESOURCE_TAGS as readonly string[]).includes(el.name)) continue;
    const target =
      el.name === "primitive" || el.name === "group" ? el : childElements(el, "primitive", "group")[0];
    if (target === undefined) return undefined;
    return target.name === "group" ? "group" : target;
  }
  return undefined;
}

function findResource(cib: XmlElement, id: string): ConfiguredResource | "group" | undefined {
  const config = firstChild(cib, "configuration");
  const resources = config && firstChild(config, "resources");
  if (!resources) return undefined;
  const prim = agentPrimitive(resources, id);
  if (prim === undefined || prim === "group") return prim;
  const standard = (prim.attrs.class ?? "") as Standard;
  const spec: AgentSpec = { standard, provider: prim.attrs.provider, type: prim.attrs.type ?? "" };
  const meta: Record<string, string> = { class: standard };
  if (spec.provider) meta.provider = spec.provider;
  meta.type = spec.type;
  meta.id = id;
  Object.assign(meta, nvpairs(prim, "meta_attributes"));
  const operations = firstChild(prim, "operations");
  const opDefaults = config && firstChild(config, "op_defaults");
  return {
    spec,
    params: nvpairs(prim, "instance_attributes"),
    meta,
    ops: operations ? childElements(operations, "op") : [],
    opDefaultTimeout: opDefaults ? nvpairs(opDefaults, "meta_attributes").timeout : undefined,
  };
}

function specText(spec: AgentSpec): string {
  return spec.provider ? `${spec.standard}:${spec.provider}:${spec.type}` : `${spec.standard}:${spec.type}`;
}

/** Timeout: --timeout, else the configured op of that name, else op_defaults, else 20 s. */
function timeoutFor(rsc: ConfiguredResource | undefined, agentAction: string, override?: number): number {
  if (override !== undefined && override > 0) return override;
  const op = rsc?.ops.find((o) => o.attrs.name === agentAction);
  return parseDurationMs(op?.attrs.timeout) ?? parseDurationMs(rsc?.opDefaultTimeout) ?? DEFAULT_TIMEOUT_MS;
}

async function runOnAgent(req: AgentActionRequest, io: AgentActionIo): Promise<number> {
  const agentAction = AGENT_ACTION[req.action];
  let rsc: ConfiguredResource | undefined;
  let spec: AgentSpec | undefined;
  if (req.resourceId === undefined) {
    spec = req.action === "validate" && req.spec ? parseAgentSpec(req.spec) : undefined;
    if (!spec) {
      io.stderr("crm_resource: Must supply a resource id with -r\n");
      return EXIT_USAGE;
    }
  } else {
    const found = req.cib ? findResource(req.cib, req.resourceId) : undefined;
    if (found === "group") {
      io.stderr(
        `Sorry, the ${req.action} option doesn't support group resources\ncrm_resource: Error performing operation: Unimplemented\n`,
      );
      return EXIT_UNIMPLEMENTED;
    }
    rsc = found;
    if (!rsc) {
      io.stderr(
        `crm_resource: Resource '${req.resourceId}' not found\nError performing operation: No such object\n`,
      );
      return EXIT_NOSUCH;
    }
    spec = rsc.spec;
  }
  const env: Record<string, string> = {
    HA_logfacility: "none",
    PCMK_logfacility: "none",
    PCMK_service: "crm_resource",
  };
  if ((req.verbose ?? 0) > 1)
    Object.assign(env, { HA_debug: "1", OCF_TRACE_RA: "1", OCF_TRACE_FILE: "/dev/stderr" });
  // --timeout bounds the run; the agent still sees the configured timeout (as with Pacemaker).
  const configured = timeoutFor(rsc, agentAction);
  const opReq: OperationRequest = {
    rscId: req.resourceId ?? spec.type,
    spec,
    action: agentAction,
    intervalMs: 0,
    timeoutMs: timeoutFor(rsc, agentAction, req.timeoutMs),
    params: { ...(rsc?.params ?? {}), ...(req.params ?? {}) },
    meta: { ...(rsc?.meta ?? {}), timeout: String(configured) },
    env,
  };
  const r = await executeAgent(opReq).done;
  const what = `Operation ${req.action}${req.resourceId !== undefined ? ` for ${req.resourceId}` : ""} (${specText(spec)})`;
  const reason = r.exitReason ? `: ${r.exitReason}` : "";
  let exit: number;
  if (r.status === ExecStatus.DONE) {
    io.stdout(`${what} returned ${r.rc} (${ocfExitCodeText(r.rc)}${reason})\n`);
    if (r.stdout !== "") io.stdout(`${r.stdout}\n`);
    if (r.stderr !== "") io.stdout(`${r.stderr}\n`);
    exit = r.rc;
  } else {
    io.stderr(`${what} could not be executed (${execStatusString(r.status)}${reason})\n`);
    exit = r.rc === 0 ? EXIT_ERROR : r.rc;
  }
  if (exit !== 0) io.stderr(`crm_resource: Error performing operation: ${crmExitString(exit)}\n`);
  return exit;
}

function listAgentsOf(specArg: string, io: AgentActionIo): number {
  const [std, provider] = specArg.split(":", 2);
  const agents = STANDARDS.includes(std as Standard) ? listAgents(std, provider) : [];
  if (agents.length === 0) {
    const which =
      provider !== undefined ? `standard '${std}' and provider '${provider}'` : `standard '${std}'`;
    io.stderr(`crm_resource: No agents found for ${which}\nError performing operation: Error occurred\n`);
    return EXIT_ERROR;
  }
  io.stdout(agents.map((a) => `${a}\n`).join(""));
  return 0;
}

/** --list-ocf-alternatives AGENT: every OCF provider that ships an agent of that name. */
function listOcfAlternatives(agent: string, io: AgentActionIo): number {
  const providers = listOcfProviders().filter((p) => listAgents("ocf", p).includes(agent));
  if (providers.length === 0) {
    io.stderr(
      `crm_resource: No OCF providers found for ${agent}\nError performing operation: No such object\n`,
    );
    return EXIT_NOSUCH;
  }
  io.stdout(providers.map((p) => `${p}\n`).join(""));
  return 0;
}

async function showMetadata(specArg: string, io: AgentActionIo): Promise<number> {
  const spec = parseAgentSpec(specArg);
  if (!spec) {
    io.stderr(
      `crm_resource: '${specArg}' is not a valid agent specification\nError performing operation: No such object\n`,
    );
    return EXIT_NOSUCH;
  }
  try {
    io.stdout(await getMetadataText(spec));
    return 0;
  } catch {
    io.stderr(
      `crm_resource: Metadata query for ${specArg} failed: No such device or address\nError performing operation: No such object\n`,
    );
    return EXIT_NOSUCH;
  }
}

/**
 * crm_resource's agent options, with Pacemaker 2.1.5's output and exit codes:
 * --force-start/--force-stop/--force-promote/--force-demote/--force-check/--validate run the
 * agent of a CIB resource on this node; the list options and --show-metadata inspect the
 * installed agents.
 */
export async function runAgentAction(req: AgentActionRequest, io: AgentActionIo): Promise<number> {
  switch (req.action) {
    case "force-start":
    case "force-stop":
    case "force-promote":
    case "force-demote":
    case "force-check":
    case "validate":
      return runOnAgent(req, io);
    case "list-standards":
      io.stdout(
        listStandards()
          .map((s) => `${s}\n`)
          .join(""),
      );
      return 0;
    case "list-ocf-providers":
      io.stdout(
        listOcfProviders()
          .map((s) => `${s}\n`)
          .join(""),
      );
      return 0;
    case "list-ocf-alternatives":
      return listOcfAlternatives(req.spec ?? "", io);
    case "list-agents":
      return listAgentsOf(req.spec ?? "", io);
    case "show-metadata":
      return showMetadata(req.spec ?? "", io);
  }
}
