import type { Action, ClusterNode, WorkingSet } from "../types.js";
import { newAction } from "./action.js";
import { createUnfencing } from "./unfencing.js";
import { remoteNeedsFencing } from "../unpack/remote.js";

/** Fence every unclean node when fencing is enabled. */
export function createFencing(ws: WorkingSet): void {
  if (!ws.options.stonithEnabled) return;
  for (const node of ws.nodes) {
    if (!node.unclean || !remoteNeedsFencing(node)) continue;
    fenceNode(node, ws);
  }
  createUnfencing(ws);
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
