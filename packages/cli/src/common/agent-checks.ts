import { join, isAbsolute } from "node:path";
import { type XmlElement, walkElements } from "@hbx/cib";
import {
  type AgentDirs,
  type AgentSpec,
  STANDARDS,
  type Standard,
  agentClasses,
  defaultAgentDirs,
} from "@hbx/lrm";
import { type CibProblem } from "./checks.js";
import { agentSpec, section } from "./cib-model.js";

/**
 * Agents the configuration names that this node does not have. Only ever a warning: another node
 * may have the agent (the cluster probes every node and runs a resource where its agent is), so
 * no write is refused for it; but a typo such as type="Dumy" shows at once, with where it was
 * looked for. A class outside Pacemaker's list is an error of the CIB itself (@hbx/cib's
 * checkCibValues), not of this node, and is left to that check.
 */
export function agentProblems(
  cib: XmlElement,
  opts: { since?: XmlElement; dirs?: AgentDirs } = {},
): CibProblem[] {
  const dirs = opts.dirs ?? defaultAgentDirs();
  const classes = agentClasses(dirs);
  const old = opts.since ? agentsById(opts.since) : undefined;
  const out: CibProblem[] = [];
  for (const [id, prim] of agentsById(cib)) {
    const cls = prim.attrs.class;
    if (cls === undefined || prim.attrs.type === undefined) continue;
    // A write is warned about what it adds or changes, not about agents it leaves as they were.
    const before = old?.get(id);
    if (before !== undefined && agentSpec(before) === agentSpec(prim)) continue;
    const spec = { standard: cls as Standard, provider: prim.attrs.provider, type: prim.attrs.type };
    const where = `<primitive id="${id}">`;
    if (!STANDARDS.includes(spec.standard)) {
      if (!KNOWN_ELSEWHERE.includes(cls)) continue;
      out.push({
        severity: "warning",
        elementId: id,
        message: `${where}: class '${cls}' agents cannot run on this node: hbx runs ${STANDARDS.join(", ")} agents`,
      });
      continue;
    }
    if (spec.standard === "ocf" && spec.provider === undefined) {
      out.push({
        severity: "warning",
        elementId: id,
        message: `${where}: ocf agent '${spec.type}' has no provider (e.g. provider="heartbeat"), so it cannot be found`,
      });
      continue;
    }
    if (classes.get(spec.standard)?.locate(spec) !== undefined) continue;
    out.push({
      severity: "warning",
      elementId: id,
      message: `${where}: agent ${agentSpec(prim)} is not installed on this node (looked for ${searchPaths(spec, dirs).join(", ")}); it can run only on nodes that have it`,
    });
  }
  return out;
}

/** Classes Pacemaker knows that hbx's LRM does not run (see @hbx/cib's list of agent classes). */
const KNOWN_ELSEWHERE = ["systemd", "upstart", "nagios"];

function agentsById(cib: XmlElement): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  const resources = section(cib, "resources");
  for (const el of resources ? walkElements(resources) : []) {
    if (el.name === "primitive" && el.attrs.id !== undefined) out.set(el.attrs.id, el);
  }
  return out;
}

/**
 * Where each agent class looks for `spec`, in the order its locate() tries: named in the warning
 * so an administrator sees which file is missing.
 */
function searchPaths(spec: AgentSpec, dirs: AgentDirs): string[] {
  switch (spec.standard) {
    case "ocf":
      return [join(dirs.ocfRoot, "resource.d", spec.provider ?? "", spec.type)];
    case "lsb":
    case "service":
      return [isAbsolute(spec.type) ? spec.type : join(dirs.initDir, spec.type)];
    case "heartbeat":
      return [...dirs.heartbeatDirs, dirs.initDir].map((d) => join(d, spec.type));
    case "stonith":
      return dirs.fenceDirs.map((d) => join(d, spec.type));
  }
}
