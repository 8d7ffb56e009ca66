import { OrderFlag, Role, type WorkingSet } from "../types.js";
import { fenceNode } from "./fencing.js";
import { orderActions } from "./ordering.js";
import { activeNode } from "../unpack/active.js";

/**
 * A remote node whose connection cannot run anywhere while the node that held it is being fenced
 * (Pacemaker's "failed" connection state) leaves the resources active there with no way to stop
 * them but fencing the remote node too. Their stops then happen by that fencing.
 */
export function fenceUnrecoverableRemotes(ws: WorkingSet): void {
  if (!ws.options.stonithEnabled) return;
  for (const node of ws.nodes) {
    const conn = node.remoteRsc;
    if (!node.remote || conn === undefined || node.unclean) continue;
    const nowhere = conn.assigned === null || conn.nextRole === Role.Stopped;
    const host = activeNode(conn, ws);
    if (!nowhere || host === undefined || !host.unclean) continue;
    const stops = ws.actions.filter((a) => a.node === node && a.rsc && a.task === "stop" && !a.pseudo);
    if (stops.length === 0) continue;
    node.unclean = true;
    node.fenceReason = "resources are active but connection is unrecoverable";
    const fence = fenceNode(node, ws);
    for (const stop of stops) {
      stop.pseudo = true;
      stop.optional = false;
      orderActions(ws, fence, stop, OrderFlag.ImpliesThen | OrderFlag.RunnableLeft);
    }
  }
}
