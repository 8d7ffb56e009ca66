import { type ClusterNode, type Resource, Role, roleText } from "@hbx/pengine";

// Pacemaker's "resource only" form of a primitive, shared by crm_mon -n (under its node) and
// crm_resource -O (before each operation).

function agentOf(r: Resource): string {
  return `${r.cls ?? ""}${r.provider ? `:${r.provider}` : ""}:${r.type ?? ""}`;
}

function promotable(r: Resource): boolean {
  for (let p = r.parent; p; p = p.parent) if (p.meta.get("promotable") === "true") return true;
  return false;
}

/** `id\t(agent):\t State (flags)` — a primitive without its node (or with `node`, crm_mon -R's form). */
export function resourceOnlyLine(name: string, r: Resource, node?: ClusterNode): string {
  let s = `${name}\t(${agentOf(r)}):\t`;
  if (r.orphan) s += " ORPHANED";
  if (r.failed) s += ` FAILED${r.role > Role.Unpromoted ? ` ${roleText(r.role)}` : ""}`;
  else s += ` ${r.role === Role.Unpromoted && !promotable(r) ? "Started" : roleText(r.role)}`;
  if (node !== undefined) s += ` ${node.name}`;
  const flags: string[] = [];
  // Running on a node that is gone and not yet fenced.
  if (node && !node.online && node.unclean) flags.push("UNCLEAN");
  if (r.targetRole === Role.Stopped && !r.orphan) flags.push("disabled");
  if (r.blocked) flags.push("blocked");
  else if (r.maintenance) flags.push("maintenance");
  else if (!r.managed) flags.push("unmanaged");
  if (r.failureIgnored) flags.push("failure ignored");
  return flags.length > 0 ? `${s} (${flags.join(", ")})` : s;
}
