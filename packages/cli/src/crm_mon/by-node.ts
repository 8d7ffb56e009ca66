import { type LrmResourceHistory, type XmlElement, readStatus } from "@hbx/cib";
import { type ClusterNode, type Resource, type WorkingSet } from "@hbx/pengine";
import { resourceOnlyLine } from "../common/resource-line.js";
import { printableId } from "./format.js";
import { topLevelBlocks } from "./resources.js";

/**
 * `crm_mon -n` (--group-by-node): each node with the primitives running on it, then with -r the
 * top-level resources that are not fully active. The per-node lines are Pacemaker's "resource
 * only" form of a primitive: no node name, since the node heads the block.
 */
export function byNodeLines(ws: WorkingSet, showInactive: boolean): string[] {
  const out = ["Node List:"];
  const history = new Map<string, LrmResourceHistory[]>();
  for (const ns of readStatus(ws.cib)) {
    const node = ws.nodeById.get(ns.id) ?? (ns.uname ? ws.nodeByName.get(ns.uname) : undefined);
    if (node) history.set(node.name, ns.resources);
  }
  const running = runningByNode(ws);
  for (const node of ws.nodes) {
    out.push(`  * ${node.remote ? "RemoteNode" : "Node"} ${node.name}: ${nodeState(node, running)}:`);
    out.push("    * Resources:");
    for (const { name, rsc } of onNode(ws, node, history.get(node.name) ?? [], running))
      out.push(`      * ${resourceOnlyLine(name, rsc)}`);
  }
  if (!showInactive) return out;
  out.push("", "Inactive Resources:");
  const inactive = topLevelBlocks(ws).filter((b) => !fullyActive(b.rsc));
  if (inactive.length === 0) out.push("  * No inactive resources");
  for (const b of inactive) out.push(...b.lines);
  return out;
}

function leaves(r: Resource): Resource[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves);
}

function fullyActive(r: Resource): boolean {
  return leaves(r).every((l) => l.runningOn.length > 0);
}

/** The primitives running on `node`, in the order Pacemaker lists them (crm_resource -Y -N too). */
export function resourcesRunningOn(ws: WorkingSet, node: ClusterNode): Resource[] {
  const ns = readStatus(ws.cib).find((n) => n.id === node.id || n.uname === node.name);
  return onNode(ws, node, ns?.resources ?? [], runningByNode(ws)).map((x) => x.rsc);
}

/** Leaf resources by the node they run on, built once so each node's lookup is by name. */
export function runningByNode(ws: WorkingSet): Map<string, Set<Resource>> {
  const out = new Map<string, Set<Resource>>();
  for (const r of ws.resourceById.values()) {
    if (r.children.length > 0) continue;
    for (const n of r.runningOn) {
      let set = out.get(n.name);
      if (!set) out.set(n.name, (set = new Set()));
      set.add(r);
    }
  }
  return out;
}

export function nodeState(n: ClusterNode, running: Map<string, Set<Resource>>): string {
  if (n.unclean) return `UNCLEAN (${n.online ? "online" : "offline"})`;
  if (n.pending) return "pending";
  if (n.online && n.standbyOnFail) return "standby (on-fail)";
  if (n.online && n.standby)
    return (running.get(n.name)?.size ?? 0) > 0 ? "standby (with active resources)" : "standby";
  if (n.standby) return "OFFLINE (standby)";
  if (n.maintenance) return n.online ? "maintenance" : "OFFLINE (maintenance)";
  return n.online ? "online" : "OFFLINE";
}

/**
 * The primitives running on `node`, each at the place of the history entry the scheduler read
 * its state from (for an anonymous clone instance, the last entry mapped to it), as Pacemaker
 * appends to a node's running list while it reads the history in order.
 */
function onNode(
  ws: WorkingSet,
  node: ClusterNode,
  history: LrmResourceHistory[],
  running: Map<string, Set<Resource>>,
): Array<{ name: string; rsc: Resource }> {
  const byOp = new Map<XmlElement, Resource>();
  for (const r of running.get(node.name) ?? []) {
    for (const op of r.history.get(node.name) ?? []) byOp.set(op.element, r);
  }
  const shown = new Set<Resource>();
  const out: Array<{ name: string; rsc: Resource }> = [];
  for (const h of history) {
    const rsc = h.ops.length > 0 ? byOp.get(h.ops[0].element) : undefined;
    if (!rsc || shown.has(rsc)) continue;
    shown.add(rsc);
    out.push({ name: printableId(rsc), rsc });
  }
  return out;
}
