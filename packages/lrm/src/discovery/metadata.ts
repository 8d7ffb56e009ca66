import { childElements, firstChild, parseXml, textOf, type XmlElement } from "@hbx/cib";
import { ExecStatus } from "../codes.js";
import { agentClasses } from "../classes/index.js";
import { type AgentClass } from "../classes/types.js";
import { executeAgent } from "../execute.js";
import { type AgentSpec, type Standard } from "../types.js";
import { lsbMetadata } from "./lsb-metadata.js";

export interface AgentParameter {
  readonly name: string;
  readonly type: string;
  readonly default?: string;
  readonly required: boolean;
  readonly unique: boolean;
  readonly shortdesc?: string;
}

export interface AgentActionInfo {
  readonly name: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly depth?: number;
  readonly role?: string;
}

export interface AgentMetadata {
  readonly name: string;
  readonly version?: string;
  readonly shortdesc?: string;
  readonly longdesc?: string;
  readonly parameters: AgentParameter[];
  readonly actions: AgentActionInfo[];
}

export class MetadataError extends Error {
  constructor(
    readonly spec: string,
    message: string,
  ) {
    super(`${spec}: ${message}`);
    this.name = "MetadataError";
  }
}

/**
 * A duration as agents write them in meta-data: "20s", "20", "2m", "100ms", "1h". A bare
 * number is seconds. Undefined when unreadable.
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const factor = unit.startsWith("ms")
    ? 1
    : unit.startsWith("m")
      ? 60_000
      : unit.startsWith("h")
        ? 3_600_000
        : 1000;
  return n * factor;
}

function truthy(v: string | undefined): boolean {
  return v === "1" || v === "true" || v === "yes";
}

function descText(el: XmlElement | undefined): string | undefined {
  return el ? textOf(el).trim() : undefined;
}

/** Parse resource-agent meta-data XML (OCF RA API, LSB-made, fence-agent). */
export function parseMetadata(xml: string, source = "meta-data"): AgentMetadata {
  const root = parseXml(xml, source);
  if (root.name !== "resource-agent") {
    throw new MetadataError(source, `expected <resource-agent> as the root element, found <${root.name}>`);
  }
  const params = firstChild(root, "parameters");
  const actions = firstChild(root, "actions");
  return {
    name: root.attrs.name ?? "",
    version: root.attrs.version,
    shortdesc: root.attrs.shortdesc ?? descText(firstChild(root, "shortdesc")),
    longdesc: descText(firstChild(root, "longdesc")),
    parameters: (params ? childElements(params, "parameter") : []).map((p) => {
      const content = firstChild(p, "content");
      return {
        name: p.attrs.name ?? "",
        type: content?.attrs.type ?? "string",
        default: content?.attrs.default,
        required: truthy(p.attrs.required),
        unique: truthy(p.attrs.unique),
        shortdesc: descText(firstChild(p, "shortdesc")),
      };
    }),
    actions: (actions ? childElements(actions, "action") : []).map((a) => ({
      name: a.attrs.name ?? "",
      timeoutMs: parseDurationMs(a.attrs.timeout),
      intervalMs: parseDurationMs(a.attrs.interval),
      depth: a.attrs.depth !== undefined ? Number(a.attrs.depth) : undefined,
      role: a.attrs.role,
    })),
  };
}

/** Parse "class:provider:type" or "class:type" (crm_resource's agent specification). */
export function parseAgentSpec(text: string): AgentSpec | undefined {
  const parts = text.split(":");
  const std = parts[0] as Standard;
  if (parts.length === 3 && std === "ocf" && parts[1] && parts[2])
    return { standard: std, provider: parts[1], type: parts[2] };
  if (parts.length === 2 && std !== "ocf" && parts[0] && parts[1]) return { standard: std, type: parts[1] };
  return undefined;
}

/**
 * The agent's meta-data text as the agent gives it (lsb: made from the init-info header;
 * heartbeat: made from the script name, since Heartbeat scripts have none).
 */
export async function getMetadataText(
  spec: AgentSpec,
  classes: ReadonlyMap<Standard, AgentClass> = agentClasses(),
): Promise<string> {
  const cls = classes.get(spec.standard);
  const name = spec.provider
    ? `${spec.standard}:${spec.provider}:${spec.type}`
    : `${spec.standard}:${spec.type}`;
  if (!cls) throw new MetadataError(name, `unknown resource standard '${spec.standard}'`);
  const path = cls.locate(spec);
  if (path === undefined) throw new MetadataError(name, "agent not installed");
  if (spec.standard === "lsb" || spec.standard === "service") return lsbMetadata(spec.type, path);
  if (spec.standard === "heartbeat") return heartbeatMetadata(spec.type);
  const ex = executeAgent(
    { rscId: spec.type, spec, action: "meta-data", intervalMs: 0, timeoutMs: 30_000, params: {} },
    { classes },
  );
  const out = await ex.done;
  if (out.status !== ExecStatus.DONE || out.rc !== 0 || out.stdout.trim() === "") {
    throw new MetadataError(
      name,
      `meta-data action failed (rc ${out.rc}, status ${out.status}) ${out.exitReason}`.trim(),
    );
  }
  return out.stdout;
}

/** Parsed meta-data of an installed agent. */
export async function getMetadata(
  spec: AgentSpec,
  classes?: ReadonlyMap<Standard, AgentClass>,
): Promise<AgentMetadata> {
  return parseMetadata(await getMetadataText(spec, classes), `${spec.standard}:${spec.type} meta-data`);
}

function heartbeatMetadata(type: string): string {
  return (
    `<?xml version="1.0"?>\n<resource-agent name="${type}" version="1.0">\n  <version>1.0</version>\n` +
    `  <longdesc lang="en">Heartbeat v1 resource script ${type}, called "${type} [args] start|stop|status".</longdesc>\n` +
    `  <shortdesc lang="en">${type} (heartbeat class)</shortdesc>\n  <parameters/>\n  <actions>\n` +
    `    <action name="start" timeout="20s"/>\n    <action name="stop" timeout="20s"/>\n` +
    `    <action name="status" timeout="20s"/>\n    <action name="monitor" timeout="20s" interval="10s"/>\n` +
    `  </actions>\n</resource-agent>\n`
  );
}
