import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { sortOps } from "../unpack/history.js";

/**
 * Where a live migration stopped half way is heading: the resource's last operation on the node
 * it runs on is a successful migrate_to, and the target has recorded no migrate_from (nor any
 * other operation that ran it) since. Pacemaker finishes such a migration rather than choosing
 * a node afresh.
 */
export function partialMigrationTarget(rsc: Resource, ws: WorkingSet): ClusterNode | undefined {
  if (rsc.runningOn.length !== 1) return undefined;
  const source = rsc.runningOn[0];
  const ops = rsc.history.get(source.name);
  if (!ops || ops.length === 0) return undefined;
  const last = sortOps(ops)[ops.length - 1];
  if (last.operation !== "migrate_to" || last.rc !== 0 || last.opStatus !== 0) return undefined;
  if (last.migrateTarget === undefined) return undefined;
  const target = ws.nodeByName.get(last.migrateTarget);
  if (target === undefined || target === source || !target.online) return undefined;
  const there = rsc.history.get(target.name) ?? [];
  if (there.some((o) => o.operation !== "monitor" || o.interval !== 0)) return undefined;
  return target;
}
