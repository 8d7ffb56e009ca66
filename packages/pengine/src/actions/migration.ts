import type { Action, ClusterNode, Resource, WorkingSet } from "../types.js";
import { isTrue } from "../unpack/attributes.js";
import { isRemoteConnection } from "../unpack/remote.js";
import { nodeAvailable } from "../assign/scores.js";
import { migrationRuledOut } from "../unpack/migration.js";

/**
 * Whether `rsc` is configured for live migration: allow-migrate, which remote connections do by
 * default. Clone instances never migrate (an instance elsewhere is another instance).
 */
export function allowsMigration(rsc: Resource): boolean {
  if (rsc.children.length > 0 || rsc.parent?.variant.kind === "clone") return false;
  const v = rsc.meta.get("allow-migrate");
  return v !== undefined ? isTrue(v) : isRemoteConnection(rsc);
}

/**
 * Whether a move of `rsc` from `from` to `to` may be done as a live migration (migrate_to then
 * migrate_from) rather than stop and start: the resource allows it, is a healthy primitive
 * active on one clean node, and its definition there is unchanged. Orderings may still take the
 * migration away (see {@link loseMigration}).
 */
export function canMigrate(rsc: Resource, from: ClusterNode, to: ClusterNode): boolean {
  if (!allowsMigration(rsc) || rsc.failed || !rsc.managed || migrationRuledOut(rsc)) return false;
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
