import type { Action, ClusterNode, WorkingSet } from "../types.js";
import { newAction } from "./action.js";
import { createUnfencing } from "./unfencing.js";
import { remoteNeedsFencing } from "../unpack/remote.js";
import { haveFencingDevice, holdForLackOfDevice } from "../unpack/can-fence.js";

/**
 * Fence every unclean node that can be fenced, while there is something to protect (Pacemaker's
 * schedule_fencing_and_shutdowns and needs_fencing: no fencing until some resource is managed).
 */
export function createFencing(ws: WorkingSet): void {
  if (!ws.options.stonithEnabled) return;
  const haveManaged = ws.resources.some((r) => r.managed);
  for (const node of ws.nodes) {
    if (!node.unclean || !remoteNeedsFencing(node)) continue;
    if (!haveManaged || !haveFencingDevice(ws)) continue;
    fenceNode(node, ws);
  }
  createUnfencing(ws);
}

/**
 * With fencing enabled but no device to carry it out, nothing may be started or stopped:
 * every resource stays where it is, unmanaged, as Pacemaker's pcmk__primitive_assign does
 * ("Resource start-up disabled since no STONITH resources have been defined"). Done at
 * assignment, not unpacking, so the status still shows the resources as managed.
 */
export function unmanageWithoutFencingDevice(ws: WorkingSet): void {
  if (!ws.options.stonithEnabled || haveFencingDevice(ws)) return;
  for (const r of ws.resourceById.values()) holdForLackOfDevice(r);
}

/**
 * Schedule fencing of one unclean node. Without quorum a partition may not shoot the other side
 * (unless told to ignore quorum), but it may still fence the nodes in its own membership.
 */
export function fenceNode(node: ClusterNode, ws: WorkingSet, action?: string, reason?: string): Action {
  const quorate = ws.options.haveQuorum || ws.options.noQuorumPolicy === "ignore";
  const a = newAction(ws, undefined, "stonith", node, {
    reason: reason ?? node.fenceReason ?? "node is unclean",
    runnable: quorate || node.online,
  });
  a.fenceTarget = node;
  a.fenceAction = action ?? ws.options.stonithAction;
  ws.fencing.push(a);
  return a;
}
