import { type Action, OrderFlag, type Resource, type WorkingSet } from "../types.js";
import { findAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { isGuestNode } from "../unpack/remote.js";
import { launcherOf } from "../constraints/launcher.js";

/**
 * Actions on a guest node happen while it is up (Pacemaker's apply_launcher_ordering, from
 * pcmk__order_remote_connection_actions): a start or promote there waits for the guest's
 * container, which forces it again when the container restarts, and for the connection; a stop
 * or demote comes before the connection stops, unless the container failed, whose stop implies
 * it; anything else waits for the connection.
 */
export function orderGuestNodeActions(ws: WorkingSet): void {
  for (const action of [...ws.actions]) {
    const node = action.node;
    if (action.rsc === undefined || action.pseudo || node === undefined || !isGuestNode(node)) continue;
    const connection = node.remoteRsc!;
    if (action.rsc === connection) continue;
    const launcher = launcherOf(connection);
    if (launcher === undefined) continue;
    const task = action.task === "migrate_to" || action.task === "migrate_from" ? "stop" : action.task;
    switch (task) {
      case "start":
      case "promote":
        startThen(launcher, action, OrderFlag.ImpliesThen, ws);
        startThen(connection, action, 0, ws);
        break;
      case "stop":
      case "demote":
        if (!launcher.failed) thenStop(action, connection, ws);
        break;
      default:
        startThen(connection, action, action.interval > 0 ? OrderFlag.ImpliesThen : 0, ws);
    }
  }
}

/** order_start_then_action: `rsc`'s start first; an unrunnable start blocks the action. */
function startThen(rsc: Resource, then: Action, extra: number, ws: WorkingSet): void {
  const start = findAction(rsc, "start");
  if (start) orderActions(ws, start, then, OrderFlag.RunnableLeft | extra, "#guest-node");
}

/** order_action_then_stop: the action before `rsc` stops (wherever it runs). */
function thenStop(first: Action, rsc: Resource, ws: WorkingSet): void {
  for (const stop of rsc.actions)
    if (stop.task === "stop" && stop.interval === 0) orderActions(ws, first, stop, 0, "#guest-node");
}
