import { type XmlElement, firstChild, nvpairElements, readConfiguration, readStatus } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { INFINITY } from "@hbx/cib";

/** What is left of each node's capacities (utilization name → amount), per working set. */
const remaining = new WeakMap<WorkingSet, Map<ClusterNode, Map<string, number>>>();
const demands = new WeakMap<Resource, Map<string, number>>();

/** Whether placement looks at utilization at all (placement-strategy other than default). */
export function usesUtilization(ws: WorkingSet): boolean {
  return ws.options.placementStrategy !== "default";
}

function amount(text: string | undefined): number {
  const n = Number.parseInt(text ?? "", 10);
  return Number.isFinite(n) ? n : 0;
}

/** The first amount of each name in `owner`'s utilization sets, in either form. */
function readSets(owner: XmlElement, into: Map<string, number>): void {
  for (const nv of nvpairElements(owner, "utilization"))
    if (nv.attrs.name !== undefined && !into.has(nv.attrs.name))
      into.set(nv.attrs.name, amount(nv.attrs.value));
}

/** Each node's capacities: its configured utilization, then transient utilization in its state. */
function capacities(ws: WorkingSet): Map<ClusterNode, Map<string, number>> {
  let caps = remaining.get(ws);
  if (caps) return caps;
  caps = new Map();
  for (const n of readConfiguration(ws.cib).nodes) {
    const node = ws.nodeByName.get(n.uname);
    if (!node) continue;
    const m = new Map<string, number>();
    for (const set of n.utilization)
      for (const { name, value } of set.pairs) if (!m.has(name)) m.set(name, amount(value));
    caps.set(node, m);
  }
  for (const st of readStatus(ws.cib)) {
    const node = ws.nodeById.get(st.id) ?? (st.uname ? ws.nodeByName.get(st.uname) : undefined);
    const transient = firstChild(st.element, "transient_attributes");
    if (!node || !transient) continue;
    const m = caps.get(node) ?? new Map<string, number>();
    readSets(transient, m);
    caps.set(node, m);
  }
  for (const node of ws.nodes) if (!caps.has(node)) caps.set(node, new Map());
  remaining.set(ws, caps);
  return caps;
}

/** What a primitive needs from the node it runs on (its `<utilization>`). */
export function demandOf(rsc: Resource): Map<string, number> {
  let d = demands.get(rsc);
  if (d) return d;
  d = new Map();
  if (rsc.element && rsc.children.length === 0) readSets(rsc.element, d);
  demands.set(rsc, d);
  return d;
}

function fits(ws: WorkingSet, node: ClusterNode, need: Map<string, number>): boolean {
  const have = capacities(ws).get(node);
  for (const [k, v] of need) if (v > (have?.get(k) ?? 0)) return false;
  return true;
}

/**
 * The unassigned resources that must share `rsc`'s node: it, the rest of its group, and what is
 * mandatorily colocated with it either way, transitively (Pacemaker's colocated resources).
 */
function colocatedUnassigned(rsc: Resource): Resource[] {
  const seen = new Set<Resource>([rsc]);
  const queue = [rsc];
  for (let i = 0; i < queue.length; i++) {
    const r = queue[i];
    const next: Resource[] = [];
    if (r.parent?.variant.kind === "group") next.push(...r.parent.children);
    for (const c of r.colocationsAsDependent)
      if (c.score >= INFINITY) next.push(...c.primary.variant.leaves(c.primary));
    for (const c of r.colocationsAsPrimary)
      if (c.score >= INFINITY) next.push(...c.dependent.variant.leaves(c.dependent));
    for (const n of next)
      if (!seen.has(n) && n.children.length === 0 && n.assignState !== "done") {
        seen.add(n);
        queue.push(n);
      }
  }
  return queue;
}

function sum(rscs: Resource[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rscs) for (const [k, v] of demandOf(r)) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

/**
 * The nodes `rsc` may not be placed on for lack of capacity (Pacemaker's
 * pcmk__ban_insufficient_capacity): where the resource and everything that must go with it do
 * not fit, if such a node exists at all; otherwise where the resource alone does not fit.
 */
export function nodesWithoutCapacity(
  rsc: Resource,
  candidates: ClusterNode[],
  ws: WorkingSet,
): Set<ClusterNode> {
  const out = new Set<ClusterNode>();
  if (!usesUtilization(ws)) return out;
  const together = sum(colocatedUnassigned(rsc));
  const anyFits = candidates.some((n) => fits(ws, n, together));
  const need = anyFits ? together : demandOf(rsc);
  for (const n of candidates) if (!fits(ws, n, need)) out.add(n);
  return out;
}

/** Take what a placed resource needs from its node's remaining capacity. */
export function consumeCapacity(rsc: Resource, node: ClusterNode, ws: WorkingSet): void {
  if (!usesUtilization(ws)) return;
  const have = capacities(ws).get(node);
  if (!have) return;
  for (const [k, v] of demandOf(rsc)) have.set(k, (have.get(k) ?? 0) - v);
}

/** Give back what `consumeCapacity` took, when a tentative assignment is undone. */
export function releaseCapacity(rsc: Resource, node: ClusterNode, ws: WorkingSet): void {
  if (!usesUtilization(ws)) return;
  const have = capacities(ws).get(node);
  if (!have) return;
  for (const [k, v] of demandOf(rsc)) have.set(k, (have.get(k) ?? 0) + v);
}

/**
 * Compare two nodes' free capacity for the balanced strategy: negative when `a` has more room
 * (more utilization names with a larger remainder), as Pacemaker's node capacity comparison.
 */
export function compareFreeCapacity(a: ClusterNode, b: ClusterNode, ws: WorkingSet): number {
  const caps = capacities(ws);
  const ca = caps.get(a) ?? new Map<string, number>();
  const cb = caps.get(b) ?? new Map<string, number>();
  let result = 0;
  for (const [k, va] of ca) {
    const vb = cb.get(k) ?? 0;
    if (va > vb) result--;
    else if (va < vb) result++;
  }
  for (const [k, vb] of cb) {
    if (ca.has(k)) continue;
    if (vb > 0) result++;
    else if (vb < 0) result--;
  }
  return result;
}
