import type { ClusterNode, Resource } from "../types.js";
import { isTrue } from "../unpack/attributes.js";
import { isRemoteConnection } from "../unpack/remote.js";
import { nodeAvailable } from "../assign/scores.js";

/**
 * Whether a move of `rsc` from `from` to `to` is done as a live migration (migrate_to then
 * migrate_from) rather than stop and start: the resource allows it (allow-migrate, which remote
 * connections do by default), is a healthy top-level primitive active on one clean node, and
 * its definition there is unchanged.
 */
export function canMigrate(rsc: Resource, from: ClusterNode, to: ClusterNode): boolean {
  const v = rsc.meta.get("allow-migrate");
  const allowed = v !== undefined ? isTrue(v) : isRemoteConnection(rsc);
  if (!allowed || rsc.failed || rsc.parent !== undefined || rsc.children.length > 0) return false;
  if (rsc.runningOn.length !== 1 || rsc.runningOn[0] !== from) return false;
  if (!from.online || from.unclean || !nodeAvailable(to)) return false;
  return !rsc.definitionChanged.has(from.name);
}
