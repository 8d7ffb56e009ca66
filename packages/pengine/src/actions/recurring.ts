import { type CibOperation, type LrmOp, nvpairElements, operationDigest } from "@hbx/cib";
import {
  type Action,
  type ClusterNode,
  OrderFlag,
  type Resource,
  Role,
  parseRole,
  type WorkingSet,
} from "../types.js";
import { findAction, newAction } from "./action.js";
import { orderActions } from "./ordering.js";
import { parseInterval } from "../unpack/rules.js";
import { sortOps } from "../unpack/history.js";

/** A configured recurring monitor: the op, its interval in ms and the role it watches. */
interface RecurringOp {
  op: CibOperation;
  interval: number;
  role?: Role;
}

/** The enabled `monitor` ops with an interval, first of each interval only (Pacemaker skips duplicates). */
export function recurringMonitors(rsc: Resource): RecurringOp[] {
  const out: RecurringOp[] = [];
  const seen = new Set<number>();
  for (const op of rsc.operations) {
    if (op.name !== "monitor") continue;
    const interval = parseInterval(op.interval);
    if (interval <= 0 || seen.has(interval)) continue;
    seen.add(interval);
    if ((op.attrs.enabled ?? "true").toLowerCase() === "false") continue;
    out.push({ op, interval, role: parseRole(op.role ?? op.attrs.role) });
  }
  return out;
}

/**
 * The recurring monitor of this interval that the node's history shows running since the
 * resource's last start there (Pacemaker's "active recurring operations"), if any.
 */
export function recordedMonitor(rsc: Resource, node: ClusterNode, interval: number): LrmOp | undefined {
  const op = activeRecurring(rsc, node).get(interval);
  return op?.operation === "monitor" ? op : undefined;
}

/** Shared by the histories with no recurring operation: most of them, 64,000 on 32x2000. */
const NONE: ReadonlyMap<number, LrmOp> = new Map();

/** The recurring operations a node's history shows running since the resource's last start. */
function activeRecurring(rsc: Resource, node: ClusterNode): ReadonlyMap<number, LrmOp> {
  const ops = rsc.history.get(node.name);
  // Most histories hold only a probe, start or stop: skip sorting them.
  if (!ops || !ops.some((op) => op.interval > 0)) return NONE;
  const found = new Map<number, LrmOp>();
  const sorted = sortOps(ops);
  let start = -1;
  let stop = -1;
  sorted.forEach((op, i) => {
    if (op.operation === "start" || op.operation === "migrate_from") start = i;
    else if (op.operation === "stop" && op.opStatus === 0) stop = i;
  });
  if (stop > start) return found;
  for (let i = Math.max(start, 0); i < sorted.length; i++) {
    const op = sorted[i];
    if (op.interval <= 0) continue;
    // A cancelled operation no longer runs; a pending one is not known to.
    if (op.operation === "cancel") found.delete(op.interval);
    else if (op.opStatus !== -1) found.set(op.interval, op);
  }
  return found;
}

/**
 * Cancel recorded recurring operations that must no longer run: everything of a resource or
 * node in maintenance, and (with stop-orphan-actions) operations no longer configured or
 * disabled. Pacemaker looks only at nodes that can run resources, or are in maintenance.
 */
function cancelStaleOperations(ws: WorkingSet, rsc: Resource): void {
  for (const name of rsc.history.keys()) {
    const node = ws.nodeByName.get(name);
    if (!node || !((node.online && !node.unclean) || node.maintenance)) continue;
    for (const [interval, op] of activeRecurring(rsc, node)) {
      const maintenance = rsc.maintenance || node.maintenance;
      const configured = rsc.operations.some(
        (o) =>
          o.name === op.operation &&
          parseInterval(o.interval) === interval &&
          (o.attrs.enabled ?? "true").toLowerCase() !== "false",
      );
      if (maintenance || (!configured && ws.options.stopOrphanActions))
        newAction(ws, rsc, "cancel", node, { interval });
    }
  }
}

/**
 * Recurring monitors for every primitive, as Pacemaker schedules them once the transition's
 * starts, promotes and stops are known: a monitor of the role the resource will have on the
 * node it will run on, required unless that monitor already runs there on an unchanged
 * definition; a running monitor configured for another role is cancelled. Stops need no
 * cancel: the executor ends a resource's monitors before stopping it.
 *
 * Runs after propagation, so it changes no decision; it only adds actions and their orderings.
 */
export function createRecurringActions(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    if (rsc.children.length > 0) continue;
    cancelStaleOperations(ws, rsc);
    if (rsc.maintenance) continue;
    const node = rsc.assigned;
    if (!node || node.maintenance || rsc.nextRole <= Role.Stopped) continue;
    const monitors = recurringMonitors(rsc);
    if (monitors.length === 0) continue;
    const start = findAction(rsc, "start", node);
    if (!start) continue;
    for (const m of monitors) monitorForActive(ws, rsc, node, start, m);
  }
}

function monitorForActive(
  ws: WorkingSet,
  rsc: Resource,
  node: ClusterNode,
  start: Action,
  m: RecurringOp,
): void {
  if (m.role === Role.Stopped) return;
  const recorded = start.optional ? recordedMonitor(rsc, node, m.interval) : undefined;
  // A monitor whose parameters changed is rescheduled, i.e. required again.
  const current = recorded !== undefined && sameDefinition(rsc, recorded, m, ws);
  const next = rsc.nextRole;
  const otherRole =
    (m.role !== undefined && m.role !== next) || (m.role === undefined && next === Role.Promoted);
  if (otherRole) {
    if (recorded !== undefined) cancelMonitor(ws, rsc, node, m.interval);
    return;
  }
  const runnable = start.runnable && node.online && !node.unclean;
  const mon = newAction(ws, rsc, "monitor", node, {
    interval: m.interval,
    optional: current,
    runnable,
  });
  orderActions(ws, start, mon, OrderFlag.ImpliesThen | OrderFlag.RunnableLeft);
  const promote = findAction(rsc, "promote", node);
  if (next === Role.Promoted && promote) orderActions(ws, promote, mon, OrderFlag.RunnableLeft);
  const demote = rsc.role === Role.Promoted ? findAction(rsc, "demote", node) : undefined;
  if (next !== Role.Promoted && demote) orderActions(ws, demote, mon, OrderFlag.RunnableLeft);
}

/** Cancel a running monitor, after the role change that makes it wrong has happened. */
function cancelMonitor(ws: WorkingSet, rsc: Resource, node: ClusterNode, interval: number): void {
  const cancel = newAction(ws, rsc, "cancel", node, { interval });
  let after: Action | undefined;
  if (rsc.role === Role.Promoted) after = findAction(rsc, "demote", node);
  else if (rsc.nextRole === Role.Promoted) after = findAction(rsc, "promote", node);
  if (after) orderActions(ws, cancel, after, OrderFlag.RunnableLeft);
}

/**
 * Whether a recorded monitor ran with the parameters it would get now. A recurring operation's
 * digest also covers its timeout (so a changed timeout reschedules it): the op's own, else
 * op_defaults', else Pacemaker's 20 s.
 */
function sameDefinition(rsc: Resource, recorded: LrmOp, m: RecurringOp, ws: WorkingSet): boolean {
  const digest = recorded.digest;
  if (digest === undefined) return true;
  const params: Record<string, string> = Object.fromEntries(rsc.params);
  for (const nv of nvpairElements(m.op.element, "instance_attributes"))
    if (nv.attrs.name !== undefined && nv.attrs.value !== undefined) params[nv.attrs.name] = nv.attrs.value;
  params.CRM_meta_interval = String(m.interval);
  const timeout = m.op.attrs.timeout ?? ws.opDefaults.get("timeout");
  params.CRM_meta_timeout = String(timeout !== undefined ? parseInterval(timeout) : 20000);
  return operationDigest(params) === digest;
}
