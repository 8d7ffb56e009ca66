import { MINUS_INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { isUniqueClone } from "../assign/clone-assign.js";

/**
 * A hard error (not installed, not configured…) of an anonymous clone's instance says the
 * resource cannot run on that node at all, whichever instance tries: the whole clone is banned
 * there, not only the instance the history was read into.
 */
export function banCloneForHardError(rsc: Resource, node: ClusterNode, ws: WorkingSet): void {
  let top = rsc;
  while (top.parent) top = top.parent;
  if (top === rsc || top.variant.kind !== "clone" || isUniqueClone(top)) return;
  top.variant.addScore(top, node, MINUS_INFINITY, `hard error of ${rsc.id}`, ws);
}
