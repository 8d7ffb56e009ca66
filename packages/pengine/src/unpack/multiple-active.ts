import type { WorkingSet } from "../types.js";

/**
 * multiple-active=block set on a group blocks the whole group, not just the member found active
 * on several nodes: the members after it depend on it, so none of them may be touched either
 * (Pacemaker leaves them all unmanaged and shows each one "(blocked)").
 */
export function blockGroupsOfMultiplyActive(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    const group = rsc.parent;
    if (rsc.children.length > 0 || rsc.runningOn.length < 2 || !rsc.blocked) continue;
    if (group?.variant.kind !== "group" || group.multipleActive !== "block") continue;
    for (const member of group.children) {
      member.blocked = true;
      member.managed = false;
    }
  }
}
