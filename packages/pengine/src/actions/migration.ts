import { type Action, type ClusterNode, OrderFlag, type Resource, type WorkingSet } from "../types.js";
import { newAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { partialMigrationTarget } from "../assign/partial-migration.js";
import { isTrue } from "../unpack/attributes.js";
import { isRemoteConnection } from "../unpack/remote.js";
import { nodeAvailable } from "../assign/scores.js";
import { danglingSources, migrationRuledOut } from "../unpack/migration.js";

/**
 * Whether `rsc` is configured for live migration: allow-migrate, which remote connections do by
 * default, but not a guest node's, which goes with its container (Pacemaker's
 * pe__unpack_resource). Clone instances never migrate (an instance elsewhere is another instance).
 */
export function allowsMigration(rsc: Resource): boolean {
  if (rsc.children.length > 0 || rsc.parent?.variant.kind === "clone") return false;
  const v = rsc.meta.get("allow-migrate");
  return v !== undefined ? isTrue(v) : isRemoteConnection(rsc) && !rsc.meta.has("container");
}

/**
 * Whether a move of `rsc` from `from` to `to` may be done as a live migration (migrate_to then
 * migrate_from) rather than stop and start: the resource allows it, is a healthy primitive
 * active on one clean node with no start pending, its definition there is unchanged, and no
 * earlier migration left a remnant to stop. Orderings may still take the
 * migration away (see {@link loseMigration}).
 */
export function canMigrate(rsc: Resource, from: ClusterNode, to: ClusterNode): boolean {
  if (!allowsMigration(rsc) || rsc.failed || !rsc.managed || migrationRuledOut(rsc)) return false;
  // A start still in progress, or the remnant of an earlier migration to clean up first.
  if (rsc.pendingNode !== undefined || danglingSources(rsc).length > 0) return false;
  if (rsc.runningOn.length !== 1 || rsc.runningOn[0] !== from) return false;
  if (!from.online || from.unclean || !nodeAvailable(to) || to.unclean) return false;
  return !rsc.definitionChanged.has(from.name);
}

/**
 * The stop and start of a resource moving by live migration (Pacemaker's migrate_runnable
 * flag). Kept beside the actions rather than on them so the Action type stays the scheduler's
 * common shape.
 */
const migrating = new WeakSet<Action>();

export function isMigrating(a: Action): boolean {
  return migrating.has(a);
}

/** Whether `rsc`'s move to where it is assigned is still a live migration. */
export function migrates(rsc: Resource): boolean {
  const next = rsc.assigned;
  if (!next) return false;
  return rsc.actions.some((a) => a.task === "start" && a.node === next && a.runnable && migrating.has(a));
}

/**
 * Mark the stop and start of every primitive that moves and may migrate, before orderings are
 * spread: a migrating start implies nothing for what is ordered after it (the resource never
 * stops being available), which is why "A then B" leaves B alone when A migrates.
 */
export function markMigrations(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    const next = rsc.assigned;
    const current = rsc.runningOn[0];
    if (!next || current === undefined || current === next || !canMigrate(rsc, current, next)) continue;
    for (const a of rsc.actions) {
      if (a.interval !== 0) continue;
      if ((a.task === "start" && a.node === next) || (a.task === "stop" && a.node === current))
        migrating.add(a);
    }
  }
}

/**
 * A required action that cannot be part of a migration, ordered after a migrating one, takes the
 * migration away from that action's resource (Pacemaker's implies-first on migrate_runnable):
 * the resource then moves by stop and start, and its stop names the cause. Returns the
 * resource's actions that changed, for the propagation to revisit.
 */
export function loseMigration(first: Action, then: Action): Action[] {
  const rsc = first.rsc;
  if (!rsc || !migrating.has(first) || migrating.has(then) || then.optional || then.pseudo) return [];
  if (!then.rsc || then.rsc === rsc) return [];
  const changed: Action[] = [];
  for (const a of rsc.actions) {
    if (!migrating.delete(a)) continue;
    changed.push(a);
  }
  first.reason = `unmigrateable ${then.rsc ? then.rsc.id : (then.node?.name ?? "")} ${then.task}`;
  return changed;
}

/** The source and target of each migrate_to/migrate_from, for the graph and the simulation. */
const ends = new WeakMap<Action, { source: ClusterNode; target: ClusterNode }>();

export function migrationEnds(a: Action): { source: ClusterNode; target: ClusterNode } | undefined {
  return ends.get(a);
}

/**
 * Turn each move that is still a live migration into Pacemaker's actions once the orderings
 * have settled: migrate_to on the source (none when a partial migration already did it),
 * migrate_from on the target, then the stop on the source; the start becomes a pseudo action
 * after migrate_from. What had to happen before the resource's start or stop (another
 * resource's start, promote, stop or demote) must happen before its migrate_to too.
 */
export function addMigrationActions(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    stopDangling(rsc, ws);
    if (!migrates(rsc)) continue;
    const target = rsc.assigned!;
    const source = rsc.runningOn[0];
    const start = rsc.actions.find((a) => a.task === "start" && a.node === target && a.interval === 0)!;
    const stop = rsc.actions.find((a) => a.task === "stop" && a.node === source && a.interval === 0);
    if (!stop) continue;
    const partial = partialMigrationTarget(rsc, ws) === target;
    const from = newAction(ws, rsc, "migrate_from", target, { runnable: start.runnable && stop.runnable });
    ends.set(from, { source, target });
    if (!partial) {
      const to = newAction(ws, rsc, "migrate_to", source, { runnable: from.runnable });
      ends.set(to, { source, target });
      orderActions(ws, to, from, OrderFlag.Optional);
      for (const o of [...start.after, ...stop.after]) {
        const f = o.first;
        if (f.rsc === rsc || f.rsc === undefined) continue;
        if (
          ["start", "promote", "stop", "demote", "running", "promoted", "stopped", "demoted"].includes(f.task)
        )
          orderActions(ws, f, to, OrderFlag.Optional);
      }
    }
    orderActions(ws, from, stop, OrderFlag.Optional);
    orderActions(ws, from, start, OrderFlag.Optional);
    start.pseudo = true;
  }
}

/**
 * A completed migration whose stop on the source is missing leaves a remnant there: stop it
 * (Pacemaker's dangling migration), before the resource starts anywhere again.
 */
function stopDangling(rsc: Resource, ws: WorkingSet): void {
  if (!rsc.managed) return;
  for (const node of danglingSources(rsc)) {
    if (rsc.actions.some((a) => a.task === "stop" && a.node === node && a.interval === 0)) continue;
    const stop = newAction(ws, rsc, "stop", node, {});
    for (const start of rsc.actions)
      if (start.task === "start" && start.interval === 0) orderActions(ws, stop, start, OrderFlag.Optional);
  }
}
