/**
 * Fencing for the DC: the part of Pacemaker's fencer a transition needs. Which configured
 * stonith devices can fence a node (pcmk_host_map, pcmk_host_list, pcmk_host_check), which
 * member executes the device, the request its LRM runs, and how the fenced node is recorded.
 */
import { MINUS_INFINITY, type XmlElement, childElements, firstChild } from "@hbx/cib";
import { type OperationRequest, parseDurationMs } from "@hbx/lrm";
import { type ClusterNode, type Resource, Role, type WorkingSet } from "@hbx/pengine";

/** A device that can fence the target, and the name it knows the target by (its plug). */
export interface FenceDevice {
  rsc: Resource;
  plug: string;
}

/** pcmk_host_map: `node:plug` (or `node=plug`) pairs separated by `;`, `,` or spaces. */
export function parseHostMap(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of (text ?? "").split(/[;,\s]+/)) {
    const m = /^([^:=]+)[:=](.+)$/.exec(pair);
    if (m) map.set(m[1], m[2]);
  }
  return map;
}

function hostList(text: string | undefined): string[] {
  return (text ?? "").split(/[;,\s]+/).filter((h) => h !== "");
}

/**
 * The configured devices that can fence `target`, highest `priority` first. A device with a host
 * map or list reaches the nodes it names; one with neither (or pcmk_host_check=none) is taken to
 * reach every node: hbx does not ask an agent for its dynamic list. A device that is disabled
 * (target-role Stopped) or banned from every other node is not used.
 */
export function devicesFor(target: ClusterNode, ws: WorkingSet): FenceDevice[] {
  const found: { dev: FenceDevice; priority: number; order: number }[] = [];
  let order = 0;
  for (const rsc of ws.resourceById.values()) {
    if (rsc.cls !== "stonith" || rsc.children.length > 0 || rsc.targetRole === Role.Stopped) continue;
    const p = rsc.params;
    const map = parseHostMap(p.get("pcmk_host_map"));
    const list = hostList(p.get("pcmk_host_list"));
    const check = p.get("pcmk_host_check") ?? (map.size > 0 || list.length > 0 ? "static-list" : "none");
    let plug: string | undefined;
    if (map.has(target.name)) plug = map.get(target.name);
    else if (list.includes(target.name) || check === "none" || check === "dynamic-list") plug = target.name;
    if (plug === undefined) continue;
    found.push({ dev: { rsc, plug }, priority: Number(p.get("priority") ?? 0) || 0, order: order++ });
  }
  found.sort((a, b) => b.priority - a.priority || a.order - b.order);
  return found.map((f) => f.dev);
}

/**
 * The members that may execute a device against `target`: online and clean, not the target, and
 * not banned from the device by a -INFINITY location. The DC itself first (no message needed),
 * then the others in node order.
 */
export function executorsFor(dev: FenceDevice, target: ClusterNode, ws: WorkingSet, dc?: string): string[] {
  const out: string[] = [];
  for (const n of ws.nodes) {
    if (n === target || !n.online || n.unclean || n.remote) continue;
    const score = dev.rsc.allowed.get(n.name)?.score ?? (ws.options.symmetric ? 0 : MINUS_INFINITY);
    if (score <= MINUS_INFINITY) continue;
    if (n.name === dc) out.unshift(n.name);
    else out.push(n.name);
  }
  return out;
}

/**
 * How long to wait before using a device, as Pacemaker's fencer does: pcmk_delay_base plus a
 * random part of pcmk_delay_max. In a two-node cluster whose link breaks, each side's DC fences
 * the other; a delay on one side's device lets the other win the race instead of both dying.
 * `random` is in [0, 1).
 */
export function fenceDelayMs(dev: FenceDevice, random: number = Math.random()): number {
  const base = parseDurationMs(dev.rsc.params.get("pcmk_delay_base")) ?? 0;
  const max = parseDurationMs(dev.rsc.params.get("pcmk_delay_max")) ?? 0;
  return base + (max > base ? Math.floor(random * (max - base)) : 0);
}

/**
 * The LRM request that fences: the device's agent with its parameters, the target's plug in
 * the argument pcmk_host_argument names (plug unless told; none for no argument) and the node
 * name, action reboot, off or on. No transition key: fencing is not resource history.
 */
export function fenceRequest(
  dev: FenceDevice,
  target: ClusterNode,
  action: string,
  ws: WorkingSet,
): OperationRequest {
  const p = dev.rsc.params;
  const params: Record<string, string> = Object.fromEntries(p);
  const argument = p.get("pcmk_host_argument") ?? "plug";
  if (argument !== "none") params[argument] = dev.plug;
  params.nodename = target.name;
  const timeoutMs = parseDurationMs(p.get(`pcmk_${action}_timeout`)) ?? ws.options.stonithTimeoutMs;
  return {
    rscId: dev.rsc.id,
    spec: { standard: "stonith", type: dev.rsc.type ?? "" },
    action,
    intervalMs: 0,
    timeoutMs,
    params,
  };
}

/**
 * Record in the status that `node` was fenced down, as Pacemaker's controller does: out of the
 * membership and expected down (so it is not fenced again), its resource history and transient
 * attributes erased (nothing it ran still runs).
 */
export function recordFenced(cib: XmlElement, node: string): void {
  const status = firstChild(cib, "status");
  const ns = status
    ? childElements(status, "node_state").find((s) => s.attrs.uname === node || s.attrs.id === node)
    : undefined;
  if (!ns) return;
  Object.assign(ns.attrs, {
    in_ccm: "false",
    crmd: "offline",
    join: "down",
    expected: "down",
    "crm-debug-origin": "hbx_fenced",
  });
  ns.children = ns.children.filter(
    (c) => !(c.kind === "element" && (c.name === "lrm" || c.name === "transient_attributes")),
  );
}
