import { type Resource, Role, OrderFlag, type WorkingSet } from "../types.js";
import { newAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { nodeAvailable } from "../assign/scores.js";
import { activeNode, multiplyActive, needsFencing } from "../unpack/active.js";
import { isPromotableClone } from "../variants/promotable.js";
import { frozenByTicket } from "../constraints/tickets.js";
import { recoversByDemotion } from "../unpack/history.js";
import { launcherRestartsOn } from "../constraints/launcher.js";
import { guestResets } from "../unpack/guest-reset.js";

/**
 * A primitive's stops (one per node it runs on) and its start on the assigned node, marked
 * optional where nothing needs doing, so orderings can still make them required.
 */
export function createPrimitiveActions(rsc: Resource, ws: WorkingSet): void {
  const next = rsc.assigned;
  const multiple = multiplyActive(rsc, ws);
  rsc.nextRole = next
    ? rsc.targetRole === Role.Stopped
      ? Role.Stopped
      : rsc.nextRole > Role.Stopped
        ? rsc.nextRole
        : Role.Started
    : Role.Stopped;
  if (next && rsc.role === Role.Stopped && rsc.nextRole === Role.Stopped) rsc.nextRole = Role.Started;
  if (!rsc.managed || frozenByTicket(rsc)) {
    createUnmanagedActions(rsc, ws);
    return;
  }
  // requires=nothing: the resource may start even in a partition without quorum.
  const quorumOk =
    ws.options.haveQuorum ||
    ws.options.noQuorumPolicy === "ignore" ||
    (rsc.meta.get("requires") ?? "").toLowerCase() === "nothing";
  const current = activeNode(rsc, ws);
  const stops = [];
  for (const node of rsc.runningOn) {
    const needed =
      next === null ||
      // Moving stops every copy; staying stops only what multiple-active or a failure asks for.
      next !== current ||
      (rsc.failed && !recoversByDemotion(rsc)) ||
      multiple ||
      rsc.definitionChanged.has(node.name) ||
      launcherRestartsOn(rsc, node) ||
      // A copy on a node being fenced goes down with it; one that needs no fencing and stays where
      // it also runs cleanly needs no stop of its own.
      (node.unclean && needsFencing(rsc, ws)) ||
      rsc.stopUnexpected === true;
    let reason: string | undefined;
    // Placed nowhere: whatever the cause, Pacemaker names the node availability.
    if (next === null) reason = "node availability";
    else if (multiple && node === next && rsc.multipleActive === "stop_unexpected")
      reason = "being multiply active";
    else if (rsc.definitionChanged.has(node.name) && !rsc.failed && restartNamesChange(rsc, node.name))
      reason = "resource definition change";
    // A guest node being reset through its container counts as fenced.
    const fenced = node.unclean || guestResets(node);
    const fence = fenced ? ws.fencing.find((a) => a.fenceTarget === node) : undefined;
    const stop = newAction(ws, rsc, "stop", node, {
      optional: !needed,
      pseudo: fenced,
      // Nothing runs on a node that is offline or still joining (Pacemaker's
      // update_resource_action_runnable), so what must leave it is blocked there, and so is its
      // start elsewhere. A remote node's state is its connection's business.
      runnable: fenced
        ? fence !== undefined && fence.runnable
        : !node.pending && (node.online || node.remote),
      reason: fenced && !(fence?.runnable ?? false) && next !== null ? undefined : reason,
    });
    if (fenced && (ws.options.stonithEnabled || guestResets(node))) {
      const f = ws.fencing.find((a) => a.fenceTarget === node);
      // Only what needs fencing waits for it; the fencing does not make another copy's stop needed.
      if (f && needsFencing(rsc, ws))
        orderActions(ws, f, stop, OrderFlag.ImpliesThen | OrderFlag.RunnableLeft);
    }
    stops.push(stop);
  }
  if (next) {
    const runningThere = rsc.runningOn.includes(next);
    const needed =
      !runningThere ||
      stops.some((s) => !s.optional && s.node === next) ||
      multiple ||
      rsc.role <= Role.Stopped;
    let runnable = nodeAvailable(next);
    let reason: string | undefined;
    if (!quorumOk && ws.options.noQuorumPolicy === "freeze" && rsc.runningOn.length === 0) {
      runnable = false;
      reason = "quorum freeze";
    }
    // no-quorum-policy=demote stops what is not promotable (a promotable one just demotes).
    const policy = ws.options.noQuorumPolicy;
    if (!quorumOk && (policy === "stop" || (policy === "demote" && !inPromotableClone(rsc)))) {
      runnable = false;
      reason = "no quorum";
    }
    const start = newAction(ws, rsc, "start", next, { optional: !needed, runnable, reason });
    if (rsc.definitionChanged.has(next.name) && runningThere && restartNamesChange(rsc, next.name))
      start.reason ??= "resource definition change";
    for (const stop of stops) {
      const flags =
        OrderFlag.ImpliesThen | OrderFlag.Restart | (stop.node !== next ? OrderFlag.RunnableLeft : 0);
      orderActions(ws, stop, start, flags);
    }
  } else {
    // Nowhere to run: an unrunnable start still blocks whatever must start after it. A stop
    // still implies it (Pacemaker orders stop before start whatever happens): a resource that
    // stops requires what must start after it to restart, or stop too.
    const start = newAction(ws, rsc, "start", undefined, { optional: true, runnable: false });
    for (const stop of stops) orderActions(ws, stop, start, OrderFlag.ImpliesThen | OrderFlag.Restart);
  }
}

/**
 * Whether a restart for a changed definition says so: not when another agent ran it, nor when a
 * pending start kept it from being reloaded (Pacemaker then schedules a bare stop).
 */
function restartNamesChange(rsc: Resource, node: string): boolean {
  return !rsc.agentChanged?.has(node) && !rsc.reloadPrevented?.has(node);
}

function inPromotableClone(rsc: Resource): boolean {
  for (let p = rsc.parent; p; p = p.parent) if (isPromotableClone(p)) return true;
  return false;
}

/**
 * An unmanaged resource's actions exist only to be ordered against: its stops can never run
 * (Pacemaker clears runnable on an unmanaged stop), so whatever must stop or start after them
 * is blocked. A stop is required where the resource failed (a blocked failure); its start then
 * cannot happen either, and blocks what is ordered after it.
 */
function createUnmanagedActions(rsc: Resource, ws: WorkingSet): void {
  const stops = rsc.runningOn.map((node) =>
    newAction(ws, rsc, "stop", node, { optional: !rsc.failed, runnable: false }),
  );
  const next = rsc.assigned ?? undefined;
  const blocked = stops.some((s) => !s.optional);
  const start = newAction(ws, rsc, "start", next, {
    optional: true,
    runnable: next !== undefined && !blocked,
  });
  for (const stop of stops) orderActions(ws, stop, start, OrderFlag.ImpliesThen | OrderFlag.Restart);
}
