import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { launcherOf } from "../constraints/launcher.js";
import { fenceNode } from "../actions/fencing.js";

/** Guest nodes that are "fenced" by recovering their container. */
const reset = new WeakSet<ClusterNode>();

/** The container of a guest node, if `node` is one. */
export function guestContainer(node: ClusterNode): Resource | undefined {
  const conn = node.remoteRsc;
  return conn === undefined ? undefined : launcherOf(conn);
}

/**
 * Fence a guest node the only way there is (Pacemaker's pe_fence_node for a guest): recover its
 * container, which is marked failed. The node is not marked unclean, so it can run resources again
 * once its container and connection are back in this same transition. A guest whose container is
 * unmanaged is left alone. A guest whose host is lost is reset too, but its container is not
 * failed for that: it just moves with its host's fencing (`failContainer` false).
 */
export function resetGuest(node: ClusterNode, failContainer = true): void {
  const container = guestContainer(node);
  if (container === undefined || !container.managed) return;
  if (failContainer) container.failed = true;
  reset.add(node);
}

/** Whether a guest node is being reset (fenced through its container) in this transition. */
export function guestResets(node: ClusterNode): boolean {
  return reset.has(node);
}

/**
 * A pseudo fencing action for each guest node being reset (Pacemaker's pcmk__fence_guest): it
 * needs no fencing device, and what ran on the guest counts as stopped by it.
 */
export function fenceGuests(ws: WorkingSet): void {
  for (const node of ws.nodes) {
    if (!reset.has(node) || ws.fencing.some((f) => f.fenceTarget === node)) continue;
    // A container left unmanaged since (no fencing device, say) recovers nothing.
    if (!guestContainer(node)?.managed) continue;
    const fence = fenceNode(node, ws, undefined, "guest is unclean");
    fence.pseudo = true;
    fence.runnable = true;
  }
}
