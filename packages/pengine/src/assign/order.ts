import { MINUS_INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { activeNode } from "../unpack/active.js";
import { compareFreeCapacity } from "./utilization.js";
import { strcmpNames } from "./compare-nodes.js";

/**
 * The order Pacemaker assigns top-level resources in: higher priority first, otherwise as
 * configured (a stable sort). The current Pacemaker no longer ranks resources by their score
 * where they run: a stopped resource configured before a running one takes its node first,
 * and the running one then stays put on the tie (see the balancing tie-break in choose.ts).
 * With a placement strategy it does (its cmp_resources), so the resources that use capacity
 * where they are keep it: see `byScores`.
 */
export function sortForAssignment(resources: Resource[], ws: WorkingSet): Resource[] {
  const keyed = resources.map((r, i) => ({ r, i }));
  if (ws.options.placementStrategy === "default") {
    keyed.sort((a, b) => b.r.priority - a.r.priority || a.i - b.i);
  } else {
    const nodes = nodesByScore(ws);
    keyed.sort((a, b) => b.r.priority - a.r.priority || byScores(a.r, b.r, nodes, ws) || a.i - b.i);
  }
  return keyed.map((k) => k.r);
}

/**
 * Nodes as Pacemaker lists them for that comparison (pcmk__sort_resources sorts them with
 * compare_nodes, see compare-nodes.ts): nodes that are up first, the freest first with the
 * balanced strategy, then by name in strcmp order.
 */
function nodesByScore(ws: WorkingSet): ClusterNode[] {
  const up = (n: ClusterNode): number => (n.online && !n.unclean ? 0 : 1);
  const free = (a: ClusterNode, b: ClusterNode): number =>
    ws.options.placementStrategy === "balanced" ? compareFreeCapacity(a, b, ws) : 0;
  return [...ws.nodes].sort((a, b) => up(a) - up(b) || free(a, b) || strcmpNames(a.name, b.name));
}

function scoreOn(rsc: Resource, node: ClusterNode | undefined): number {
  if (!node) return MINUS_INFINITY;
  return rsc.allowed.get(node.name)?.score ?? MINUS_INFINITY;
}

/**
 * The resource with the higher score where it runs goes first; otherwise the one with the higher
 * score on the first node where they differ.
 */
function byScores(a: Resource, b: Resource, nodes: ClusterNode[], ws: WorkingSet): number {
  const sa = scoreOn(a, activeNode(a, ws) ?? undefined);
  const sb = scoreOn(b, activeNode(b, ws) ?? undefined);
  if (sa !== sb) return sb > sa ? 1 : -1;
  for (const n of nodes) {
    const x = scoreOn(a, n);
    const y = scoreOn(b, n);
    if (x !== y) return y > x ? 1 : -1;
  }
  return 0;
}
