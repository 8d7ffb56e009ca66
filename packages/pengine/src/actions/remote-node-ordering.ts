import { type Action, OrderFlag, type Resource, type WorkingSet } from "../types.js";
import { findAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { isGuestNode } from "../unpack/remote.js";
import { launcherOf } from "../constraints/launcher.js";

/**
 * Actions on a remote or guest node happen while its connection is up (Pacemaker's
 * pcmk__order_remote_connection_actions): each real action of a resource there (those made from
 * `from` on) is ordered against the connection, or, on a guest node, against its container too.
 */
export function orderRemoteNodeActions(ws: WorkingSet, from = 0): void {
  for (const action of ws.actions.slice(from)) {
    const node = action.node;
    if (action.rsc === undefined || action.pseudo || node === undefined || !node.remote) continue;
    const connection = node.remoteRsc;
    if (connection === undefined || action.rsc === connection) continue;
    const task = action.task === "migrate_to" || action.task === "migrate_from" ? "stop" : action.task;
    if (isGuestNode(node)) orderOnGuest(action, task, connection, ws);
    else orderOnRemote(action, task, connection, ws);
  }
}

/**
 * Pacemaker's apply_launcher_ordering: a start or promote on a guest waits for the guest's
 * container, which forces it again when the container restarts, and for the connection; a stop
 * or demote comes before the connection stops, unless the container failed, whose stop implies
 * it; anything else waits for the connection.
 */
function orderOnGuest(action: Action, task: string, connection: Resource, ws: WorkingSet): void {
  const launcher = launcherOf(connection);
  if (launcher === undefined) return;
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

/**
 * Pacemaker's apply_remote_ordering, for a remote node whose connection is not lost with its
 * host: a start or promote waits for the connection; a stop comes before the connection stops
 * while it stays up or goes for good, and after it starts again elsewhere when it moves; a demote
 * and anything else wait for the connection.
 */
function orderOnRemote(action: Action, task: string, connection: Resource, ws: WorkingSet): void {
  const host = connection.runningOn.length === 1 ? connection.runningOn[0] : undefined;
  // A connection on a host that is lost, or being fenced, is left to fencing and recovery.
  if (host !== undefined && (host.unclean || !host.online)) return;
  const failedNow = connection.failed && connection.assigned !== null;
  switch (task) {
    case "start":
    case "promote":
      startThen(connection, action, failedNow ? OrderFlag.ImpliesThen : 0, ws);
      break;
    case "stop":
      if (connection.assigned === null || connection.assigned === host)
        thenStop(action, connection, ws, OrderFlag.ImpliesFirst);
      else startThen(connection, action, 0, ws);
      break;
    case "demote":
      if (host === undefined) startThen(connection, action, 0, ws);
      break;
    default:
      startThen(connection, action, action.interval > 0 ? OrderFlag.ImpliesThen : 0, ws);
  }
}

/** order_start_then_action: `rsc`'s start first; an unrunnable start blocks the action. */
function startThen(rsc: Resource, then: Action, extra: number, ws: WorkingSet): void {
  const start = findAction(rsc, "start");
  if (start) orderActions(ws, start, then, OrderFlag.RunnableLeft | extra, "#remote-node");
}

/**
 * order_action_then_stop: the action before `rsc` stops (wherever it runs); on a remote node a
 * needed stop of the connection makes the action needed too (`extra` ImpliesFirst).
 */
function thenStop(first: Action, rsc: Resource, ws: WorkingSet, extra = 0): void {
  for (const stop of rsc.actions)
    if (stop.task === "stop" && stop.interval === 0) orderActions(ws, first, stop, extra, "#remote-node");
}
