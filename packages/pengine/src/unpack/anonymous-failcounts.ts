import { INFINITY, MINUS_INFINITY } from "@hbx/cib";
import type { Resource, WorkingSet } from "../types.js";
import { isUniqueClone } from "../assign/clone-assign.js";

/**
 * An anonymous clone's instances are interchangeable, so its failures on a node count together
 * whatever instance number they were recorded under (fail-count-db:0 and fail-count-db:1, even
 * a number beyond clone-max), and reaching migration-threshold forces the whole clone away from
 * that node, as Pacemaker's failure check does. Single records are read with the status; this
 * adds the sum. One pass over each node's attributes, resources found by name.
 */
export function banAnonymousClonesAtThreshold(ws: WorkingSet): void {
  const byBase = new Map<string, { clone: Resource; leaf: Resource }>();
  for (const clone of ws.resourceById.values()) {
    if (clone.variant.kind !== "clone" || clone.parent || isUniqueClone(clone)) continue;
    const sample = clone.children[0];
    if (!sample) continue;
    for (const leaf of sample.variant.leaves(sample))
      byBase.set(leaf.id.replace(/:\d+$/, ""), { clone, leaf });
  }
  if (byBase.size === 0) return;
  const now = ws.now.getTime() / 1000;
  for (const node of ws.nodes) {
    const counts = new Map<string, number>();
    const last = new Map<string, number>();
    for (const [k, v] of node.attrs) {
      const m = /^(fail-count|last-failure)-(.+?)(?::\d+)?(?:#.*)?$/.exec(k);
      if (!m || !byBase.has(m[2])) continue;
      if (m[1] === "last-failure") last.set(m[2], Math.max(last.get(m[2]) ?? 0, Number(v) || 0));
      else {
        const n = v.toUpperCase().includes("INFINITY") ? INFINITY : Number(v) || 0;
        counts.set(m[2], Math.min(INFINITY, (counts.get(m[2]) ?? 0) + n));
      }
    }
    for (const [base, count] of counts) {
      const { clone, leaf } = byBase.get(base)!;
      const lf = last.get(base);
      if (leaf.failureTimeout > 0 && lf !== undefined && lf + leaf.failureTimeout <= now) continue;
      if (count < leaf.migrationThreshold || leaf.failureIgnored) continue;
      const source = `migration-threshold ${leaf.migrationThreshold} reached by ${base} (failcount ${count})`;
      clone.variant.addScore(clone, node, MINUS_INFINITY, source, ws);
    }
  }
}
