import { type ClusterNode, type Resource, Role, roleText, type WorkingSet } from "../types.js";
import { PROBE_FAILURES, primitiveLine } from "./status.js";
import { isUniqueClone } from "../assign/clone-assign.js";
import { isPromotableClone } from "../variants/promotable.js";
import { madeByOrphanedConnection } from "../unpack/remote.js";
import { shownUnmanaged } from "../unpack/can-fence.js";

function stripNumber(line: string): string {
  return line.replace(/^([^\t]*?):\d+\t/, "$1\t");
}

function displayRole(r: Resource, promotable: boolean): string {
  if (r.role === Role.Unpromoted && !promotable) return "Started";
  if (r.role === Role.Started && promotable) return "Unpromoted";
  return roleText(r.role);
}

/** Whether an instance prints on its own line(s) rather than in a role list. */
function printsInFull(inst: Resource): boolean {
  const leaves = inst.variant.leaves(inst);
  const nodes = new Set(leaves.flatMap((l) => l.runningOn));
  if (nodes.size !== 1) return true;
  // An instance on a node that is down and to be fenced is shown on its own, marked UNCLEAN.
  const [node] = nodes;
  if (!node.online && node.unclean) return true;
  const roles = new Set(leaves.map((l) => l.role));
  return (
    roles.size !== 1 ||
    leaves.some(
      (l) => l.runningOn.length !== 1 || l.failed || shownUnmanaged(l) || l.failureIgnored || l.orphan,
    )
  );
}

/** A clone as Pacemaker prints it: unique instances one by one, anonymous ones by role. */
export function printClone(r: Resource, ws: WorkingSet, indent: string, out: string[]): void {
  const child = r.children[0];
  const childId = child ? child.id.replace(/:\d+$/, "") : "";
  const unique = isUniqueClone(r);
  const promotable = isPromotableClone(r);
  const kinds: string[] = [];
  if (promotable) kinds.push("promotable");
  if (unique) kinds.push("unique");
  if (r.targetRole === Role.Stopped) kinds.push("disabled");
  if (r.maintenance) kinds.push("maintenance");
  else if (shownUnmanaged(r)) kinds.push("unmanaged");
  out.push(`${indent}* Clone Set: ${r.id} [${childId}]${kinds.length ? ` (${kinds.join(", ")})` : ""}:`);
  const inner = indent + "  ";
  const full = (inst: Resource, strip: boolean): void => {
    const fix = (l: string): string => (strip ? stripNumber(l) : l);
    if (inst.variant.kind === "group") {
      out.push(`${inner}* Resource Group: ${inst.id}:`);
      for (const m of inst.children) out.push(`${inner}  * ${fix(primitiveLine(m))}`);
    } else out.push(`${inner}* ${fix(primitiveLine(inst))}`);
  };
  if (unique) {
    for (const c of r.children) full(c, false);
    return;
  }
  const byRole = new Map<string, ClusterNode[]>();
  const active = new Set<string>();
  for (const c of r.children) {
    const leaves = c.variant.leaves(c);
    const nodes = leaves.flatMap((l) => l.runningOn);
    if (nodes.length === 0) continue;
    for (const n of nodes) active.add(n.name);
    if (printsInFull(c)) {
      full(c, true);
      continue;
    }
    const role = displayRole(leaves[0], promotable);
    const list = byRole.get(role) ?? [];
    list.push(nodes[0]);
    byRole.set(role, list);
  }
  let listed = 0;
  for (const role of ["Promoted", "Unpromoted", "Started"]) {
    const list = byRole.get(role);
    if (!list) continue;
    list.sort((a, b) => a.index - b.index);
    listed += list.length;
    out.push(`${inner}* ${role}: [ ${list.map((n) => n.name).join(" ")} ]`);
  }
  // Where it could run but does not, only while fewer instances run than clone-max allows.
  const cloneMax = r.children.filter((c) => !c.orphan).length;
  if (cloneMax <= listed) return;
  const stopped = ws.nodes.filter(
    (n) =>
      !active.has(n.name) &&
      !madeByOrphanedConnection(n) &&
      (ws.options.symmetric || r.allowed.has(n.name) || child?.allowed.has(n.name)),
  );
  const disabled = r.targetRole === Role.Stopped ? "Stopped (disabled)" : "Stopped";
  // Grouped by state, the states in text order as Pacemaker sorts them.
  const byState = new Map<string, string[]>();
  for (const n of stopped) {
    const probe = failedProbe(r, childId, n);
    const state = probe === undefined ? disabled : `Stopped (${probe})`;
    const list = byState.get(state) ?? [];
    list.push(n.name);
    byState.set(state, list);
  }
  for (const state of [...byState.keys()].sort())
    out.push(`${inner}* ${state}: [ ${byState.get(state)!.join(" ")} ]`);
}

/**
 * What a failed probe of the clone's resource found on a node ("Not installed"), if one did:
 * Pacemaker matches the probe recorded under the resource's own name, without an instance number.
 */
function failedProbe(clone: Resource, base: string, node: ClusterNode): string | undefined {
  for (const inst of clone.children)
    for (const leaf of inst.variant.leaves(inst))
      for (const op of leaf.history.get(node.name) ?? []) {
        if (op.operation !== "monitor" || op.interval !== 0) continue;
        const text = PROBE_FAILURES[op.rc];
        const key = op.element.attrs.operation_key ?? "";
        if (text !== undefined && key.replace(/_monitor_0$/, "") === base) return text;
      }
  return undefined;
}
