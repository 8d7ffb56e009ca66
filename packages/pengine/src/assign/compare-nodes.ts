import type { ClusterNode, WorkingSet } from "../types.js";
import { nodeAvailable } from "./scores.js";
import { compareFreeCapacity } from "./utilization.js";
import { MINUS_INFINITY } from "@hbx/cib";

/**
 * C's strcmp on the names' UTF-8 bytes: "node10" < "node2". UTF-8 byte order is code point
 * order; JavaScript's `<` compares UTF-16 units, which differs only when a surrogate meets a
 * unit from U+E000 up, so surrogates are lifted above the BMP there.
 */
export function strcmpNames(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Pacemaker's order of candidate nodes (compare_nodes in lib/pacemaker/pcmk_sched_nodes.c, the
 * comparator of pcmk__sort_nodes), negative when `a` comes first:
 * 1. the higher score, a node that cannot run resources counting as -INFINITY;
 * 2. unless placement-strategy is "minimal": with "balanced" the node with more free capacity,
 *    then the node with fewer resources assigned so far, then the node `active` (where the
 *    resource runs now);
 * 3. the lowest name by strcmp, so `node10` before `node2`; "minimal" goes straight here.
 * The node list itself is kept in natural order (`index`) because that is how Pacemaker prints
 * it; only this tie-break is byte order.
 */
export function compareNodes(
  a: ClusterNode,
  scoreA: number,
  b: ClusterNode,
  scoreB: number,
  active: ClusterNode | undefined,
  ws: WorkingSet,
): number {
  const sa = nodeAvailable(a) ? scoreA : MINUS_INFINITY;
  const sb = nodeAvailable(b) ? scoreB : MINUS_INFINITY;
  if (sa !== sb) return sa > sb ? -1 : 1;
  const strategy = ws.options.placementStrategy;
  if (strategy !== "minimal") {
    if (strategy === "balanced") {
      const c = compareFreeCapacity(a, b, ws);
      if (c !== 0) return c;
    }
    if (a.assignedCount !== b.assignedCount) return a.assignedCount - b.assignedCount;
    if (active !== undefined) {
      if (a === active) return -1;
      if (b === active) return 1;
    }
  }
  return strcmpNames(a.name, b.name);
}
