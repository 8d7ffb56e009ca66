import type { LrmOp } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { sortOps } from "./history.js";

/**
 * What a live migration recorded half way means, read across the two nodes' histories (each
 * node's own replay cannot see the other side). Pacemaker's rules:
 * - migrate_to succeeded on the source and migrate_from on the target: the migration completed;
 *   the resource no longer runs on the source even if its stop there is missing.
 * - migrate_to succeeded but migrate_from failed: the resource may still run on the source, and
 *   counts as failed.
 * - migrate_to succeeded, no migrate_from, and the target is gone: the migration cannot be
 *   finished; the resource counts as failed where it is and may not migrate again.
 * - migrate_to failed: the target may have received part of it, so the resource counts as
 *   active there too (it must be stopped there before starting anew) unless the target has
 *   recorded something since.
 */
export function applyMigrationHistory(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    if (rsc.children.length > 0 || rsc.history.size === 0) continue;
    for (const [sourceName, ops] of rsc.history) {
      if (!ops.some((o) => o.operation === "migrate_to")) continue;
      const source = ws.nodeByName.get(sourceName);
      if (source) migrationFrom(rsc, source, sortOps(ops), ws);
    }
  }
}

/** Resources whose interrupted migration rules out migrating them in this transition. */
const noMigration = new WeakSet<Resource>();

export function migrationRuledOut(rsc: Resource): boolean {
  return noMigration.has(rsc);
}

/** Sources of completed migrations whose stop is missing: the remnant there is stopped. */
const dangling = new WeakMap<Resource, ClusterNode[]>();

export function danglingSources(rsc: Resource): readonly ClusterNode[] {
  return dangling.get(rsc) ?? [];
}

/** Whether `op` says something about the resource's state (not a monitor that found it running). */
function stateChanging(op: LrmOp): boolean {
  return op.operation !== "monitor" || op.rc === 7;
}

/** Whether `op`, recorded on another node than `ref`, happened after it. */
function laterThan(op: LrmOp, ref: LrmOp): boolean {
  if (op.lastRcChange !== undefined && ref.lastRcChange !== undefined && op.lastRcChange !== ref.lastRcChange)
    return op.lastRcChange > ref.lastRcChange;
  return op.callId > ref.callId;
}

function migrationFrom(rsc: Resource, source: ClusterNode, ops: readonly LrmOp[], ws: WorkingSet): void {
  let idx = -1;
  for (let i = ops.length - 1; i >= 0; i--)
    if (ops[i].operation === "migrate_to") {
      idx = i;
      break;
    }
  const m = ops[idx];
  const target = m.migrateTarget !== undefined ? ws.nodeByName.get(m.migrateTarget) : undefined;
  if (!target || target === source) return;
  const targetOps = sortOps(rsc.history.get(target.name) ?? []);
  const succeeded = m.rc === 0 && m.opStatus === 0;
  if (succeeded) {
    const sourceNewer = ops.slice(idx + 1).some((o) => o.operation !== "monitor");
    let from: LrmOp | undefined;
    let fromIdx = -1;
    for (let i = targetOps.length - 1; i >= 0; i--)
      if (targetOps[i].operation === "migrate_from" && targetOps[i].migrateSource === source.name) {
        from = targetOps[i];
        fromIdx = i;
        break;
      }
    const targetNewer =
      from !== undefined
        ? targetOps.slice(fromIdx + 1).some(stateChanging)
        : targetOps.some((o) => stateChanging(o) && laterThan(o, m));
    if (sourceNewer && targetNewer) return;
    if (from !== undefined && from.rc === 0 && from.opStatus === 0) {
      if (sourceNewer) return;
      // Completed: the source's missing stop does not make the resource active there.
      const i = rsc.runningOn.indexOf(source);
      if (i >= 0 && rsc.runningOn.includes(target)) rsc.runningOn.splice(i, 1);
      if (source.online && !source.unclean) dangling.set(rsc, [...danglingSources(rsc), source]);
      return;
    }
    if (!targetNewer && target.online && !target.unclean) {
      // Still running on the source too: a partial migration, finished where it was heading.
      if (!sourceNewer) return;
      // Stopped on the source since: the target took it over, though nothing there recorded it
      // running (Pacemaker keeps its role stopped, so it moves by stop and start).
      if (!rsc.runningOn.includes(target)) rsc.runningOn.push(target);
      noMigration.add(rsc);
    } else if (!sourceNewer) {
      rsc.failed = true;
      noMigration.add(rsc);
    }
    return;
  }
  // A failed migrate_to: the target may hold part of the resource.
  if (!target.online || target.unclean || targetOps.length === 0 || rsc.runningOn.includes(target)) return;
  if (targetOps.some((o) => stateChanging(o) && laterThan(o, m))) return;
  rsc.runningOn.push(target);
  rsc.stopUnexpected = true;
}
