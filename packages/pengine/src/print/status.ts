import { printClone } from "./clone-status.js";
import { type Resource, Role, roleText, type WorkingSet } from "../types.js";
import { nodeHealthColour } from "../unpack/health.js";
import { shownUnmanaged } from "../unpack/can-fence.js";
import { isGuestNode } from "../unpack/remote.js";

function agentOf(r: Resource): string {
  return `${r.cls ?? ""}${r.provider ? `:${r.provider}` : ""}:${r.type ?? ""}`;
}

function displayRole(r: Resource): string {
  if (r.role === Role.Unpromoted && !isPromotable(r)) return "Started";
  return roleText(r.role);
}

function isPromotable(r: Resource): boolean {
  for (let p = r.parent; p; p = p.parent) if (p.meta.get("promotable") === "true") return true;
  return false;
}

/** Agent results that mean the resource cannot run where a probe returned them. */
export const PROBE_FAILURES: Record<number, string> = { 2: "Invalid parameter", 5: "Not installed" };

/** A stopped resource whose probe found it unusable somewhere says why: ` (Not installed) `. */
function failedProbeNote(r: Resource): string {
  for (const ops of r.history.values()) {
    for (const op of ops) {
      if (op.operation !== "monitor" || op.interval !== 0) continue;
      const text = PROBE_FAILURES[op.rc];
      if (text !== undefined) return ` (${text}) `;
    }
  }
  return "";
}

/** One primitive as Pacemaker prints it: `id\t(agent):\t State node (flags)`. */
export function primitiveLine(r: Resource, showNode = true): string {
  let s = `${r.id}\t(${agentOf(r)}):\t`;
  // A stopped resource locked to a node that shut down is shown with that node.
  const node = r.runningOn.length === 1 ? r.runningOn[0] : r.runningOn.length === 0 ? r.lockNode : undefined;
  if (r.orphan) s += " ORPHANED";
  if (r.failed) {
    s += " FAILED";
    if (r.role > Role.Unpromoted) s += ` ${roleText(r.role)}`;
  } else {
    s += ` ${r.runningOn.length > 0 ? displayRole(r) : "Stopped"}`;
  }
  if (node && showNode) s += ` ${node.name}`;
  if (!r.failed && r.runningOn.length === 0) s += failedProbeNote(r);
  const flags: string[] = [];
  if (node && !node.online && node.unclean) flags.push("UNCLEAN");
  if (node && r.lockNode === node) flags.push("LOCKED");
  if (r.targetRole === Role.Stopped && !r.orphan) flags.push("disabled");
  if (r.blocked) flags.push("blocked");
  else if (r.maintenance) flags.push("maintenance");
  else if (shownUnmanaged(r)) flags.push("unmanaged");
  if (r.failureIgnored) flags.push("failure ignored");
  if (flags.length > 0) s += ` (${flags.join(", ")})`;
  if (r.runningOn.length > 1 && showNode) s += ` [ ${r.runningOn.map((n) => n.name).join(" ")} ]`;
  return s;
}

function groupFlags(g: Resource): string {
  const flags: string[] = [];
  if (g.targetRole === Role.Stopped) flags.push("disabled");
  if (g.meta.get("is-managed") === "false" || g.maintenance)
    flags.push(g.maintenance ? "maintenance" : "unmanaged");
  return flags.length > 0 ? ` (${flags.join(", ")})` : "";
}

function printResource(r: Resource, ws: WorkingSet, indent: string, out: string[]): void {
  if (r.variant.kind === "primitive") {
    if (r.orphan && r.runningOn.length === 0) return;
    // A guest node's connection, which Pacemaker adds itself, is not listed.
    if (r.meta.get("internal") === "true") return;
    out.push(`${indent}* ${primitiveLine(r)}`);
    return;
  }
  if (r.variant.kind === "group") {
    out.push(`${indent}* Resource Group: ${r.id}${groupFlags(r)}:`);
    for (const c of r.children) printResource(c, ws, indent + "  ", out);
    return;
  }
  printClone(r, ws, indent, out);
}

function nodeLines(ws: WorkingSet): string[] {
  const out: string[] = [];
  const online: string[] = [];
  const offline: string[] = [];
  const remoteOnline: string[] = [];
  const remoteOffline: string[] = [];
  const guestOnline: string[] = [];
  for (const n of ws.nodes) {
    // A guest node is listed as such, and only while it is up (as Pacemaker's node list).
    const guest = isGuestNode(n);
    if (guest && !n.online && !n.unclean) continue;
    const kind = guest ? "GuestNode" : n.remote ? "RemoteNode" : "Node";
    const hasRsc = [...ws.resourceById.values()].some(
      (r) => r.children.length === 0 && r.runningOn.includes(n),
    );
    if (n.unclean) out.push(`    * ${kind} ${n.name}: UNCLEAN (${n.online ? "online" : "offline"})`);
    else if (n.pending) out.push(`    * ${kind} ${n.name}: pending`);
    else if (n.online && n.standby)
      out.push(`    * ${kind} ${n.name}: standby${hasRsc ? " (with active resources)" : ""}`);
    else if (n.maintenance)
      out.push(`    * ${kind} ${n.name}: ${n.online ? "maintenance" : "OFFLINE (maintenance)"}`);
    else if (n.online && nodeHealthColour(n, ws) < 1)
      out.push(
        `    * ${kind} ${n.name}: online (health is ${nodeHealthColour(n, ws) < 0 ? "RED" : "YELLOW"})`,
      );
    else if (n.online) (guest ? guestOnline : n.remote ? remoteOnline : online).push(n.name);
    else if (n.standby) out.push(`    * ${kind} ${n.name}: OFFLINE (standby)`);
    else (n.remote ? remoteOffline : offline).push(n.name);
  }
  if (online.length) out.push(`    * Online: [ ${online.join(" ")} ]`);
  // Pacemaker lists the offline cluster nodes before any remote node.
  if (offline.length) out.push(`    * OFFLINE: [ ${offline.join(" ")} ]`);
  if (remoteOnline.length) out.push(`    * RemoteOnline: [ ${remoteOnline.join(" ")} ]`);
  if (remoteOffline.length) out.push(`    * RemoteOFFLINE: [ ${remoteOffline.join(" ")} ]`);
  if (guestOnline.length) out.push(`    * GuestOnline: [ ${guestOnline.join(" ")} ]`);
  return out;
}

/** The cluster status block crm_simulate prints under "Current cluster status:". */
export function clusterStatusLines(ws: WorkingSet): string[] {
  const out = ["  * Node List:", ...nodeLines(ws), "", "  * Full List of Resources:"];
  const before = out.length;
  for (const r of ws.resources) printResource(r, ws, "    ", out);
  if (out.length === before) out.push("    * No resources");
  return out;
}

export function formatClusterStatus(ws: WorkingSet): string {
  return clusterStatusLines(ws).join("\n") + "\n";
}
