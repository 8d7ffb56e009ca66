import {
  type LrmOp,
  nvpairElements,
  operationDigest,
  parseParameterList,
  restartDigest,
  secureDigest,
} from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { sortOps } from "./history.js";
import { nodeAvailable } from "../assign/scores.js";
import { parseInterval } from "./rules.js";

/** Operations whose recorded parameters show whether the running instance is up to date. */
const DEFINING = new Set(["start", "promote", "migrate_from", "monitor"]);

/**
 * Where the active run of the resource begins in a node's history (the last start, else a
 * promote/demote, else a monitor that found it running), and the last successful stop.
 */
function activeRange(ops: readonly LrmOp[]): { start: number; stop: number } {
  let start = -1;
  let stop = -1;
  let impliedMonitor = -1;
  let impliedClone = -1;
  ops.forEach((op, i) => {
    if (op.operation === "stop" && op.opStatus === 0) stop = i;
    else if (op.operation === "start" || op.operation === "migrate_from") start = i;
    else if (impliedMonitor <= stop && op.operation === "monitor") {
      if (op.rc === 0 || op.rc === 8) impliedMonitor = i;
    } else if (op.operation === "promote" || op.operation === "demote") impliedClone = i;
  });
  if (start === -1) start = impliedClone !== -1 ? impliedClone : impliedMonitor;
  return { start, stop };
}

/**
 * The parameters an operation would get now: the resource's, then the operation's own; a
 * recurring operation's also its timeout (its own, else op_defaults', else 20 s), which its
 * digest covers.
 */
function currentParameters(rsc: Resource, op: LrmOp, ws?: WorkingSet): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(rsc.params);
  const def = rsc.operations.find(
    (o) => o.name === op.operation && parseInterval(o.interval) === op.interval,
  );
  if (def) {
    for (const nv of nvpairElements(def.element, "instance_attributes"))
      if (nv.attrs.name !== undefined && nv.attrs.value !== undefined) params[nv.attrs.name] = nv.attrs.value;
  }
  params.CRM_meta_interval = String(op.interval);
  if (op.interval > 0 && ws) {
    const timeout = def?.attrs.timeout ?? ws.opDefaults.get("timeout");
    params.CRM_meta_timeout = String(timeout !== undefined ? parseInterval(timeout) : 20000);
  }
  return params;
}

export type DigestVerdict = "match" | "restart" | "reload";

const EXEC_PENDING = -1;

/** Whether a start of the resource is in flight anywhere (Pacemaker's pe_rsc_start_pending). */
function startPending(rsc: Resource): boolean {
  for (const ops of rsc.history.values())
    if (ops.some((op) => op.operation === "start" && op.opStatus === EXEC_PENDING)) return true;
  return false;
}

/**
 * Compare a recorded one-shot operation with the definition now, as Pacemaker does: a changed
 * restart digest (over the agent's non-reloadable parameters) forces a restart; any other
 * change is reloaded when the agent recorded a restart digest (it supports reload), else
 * restarted.
 */
export function compareDigests(rsc: Resource, op: LrmOp, sanitized = false, ws?: WorkingSet): DigestVerdict {
  const params = currentParameters(rsc, op, ws);
  const restartList = op.forceRestart;
  const restartRecorded = op.restartDigest;
  if (restartList !== undefined && restartRecorded !== undefined) {
    if (restartDigest(params, parseParameterList(restartList)) !== restartRecorded) return "restart";
  }
  const recorded = op.digest;
  if (recorded === undefined || operationDigest(params) === recorded) return "match";
  if (onlySanitizedChanged(rsc, params, op, sanitized)) return "match";
  return restartRecorded !== undefined ? "reload" : "restart";
}

/**
 * A CIB whose secrets were masked (a report, a simulation) cannot reproduce op-digest: compare
 * the digest recorded without the sensitive parameters instead. Masking is known from the
 * caller, or evident when a sensitive parameter's value is all asterisks.
 */
function onlySanitizedChanged(
  rsc: Resource,
  params: Record<string, string>,
  op: LrmOp,
  sanitized: boolean,
): boolean {
  const list = op.secureParams;
  const recorded = op.secureDigest;
  if (list === undefined || recorded === undefined) return false;
  const secure = parseParameterList(list);
  const masked = sanitized || secure.some((n) => /^\*+$/.test(params[n] ?? ""));
  if (!masked) return false;
  return secureDigest(params, secure, { fenceDevice: rsc.cls === "stonith" }) === recorded;
}

/**
 * Mark the nodes where a managed resource runs with a definition older than its configuration
 * (`definitionChanged`: restart there) or changed only in reloadable parameters (`reload`).
 */
export function checkDefinitions(ws: WorkingSet, sanitized = false): void {
  for (const rsc of ws.resourceById.values()) {
    if (rsc.children.length > 0 || rsc.orphan || !rsc.managed) continue;
    for (const node of rsc.runningOn) {
      // Pacemaker checks definitions only on nodes that can run resources now.
      if (!nodeAvailable(node)) continue;
      const ops = rsc.history.get(node.name);
      if (!ops) continue;
      // Another agent ran it: Pacemaker restarts it without comparing digests (or naming why).
      if (rsc.agentChanged?.has(node.name)) {
        rsc.definitionChanged.add(node.name);
        continue;
      }
      const sorted = sortOps(ops);
      const { start, stop } = activeRange(sorted);
      if (start < 0 || start < stop) continue;
      for (let i = start; i < sorted.length; i++) {
        const op = sorted[i];
        // Recurring operations whose definition changed are only rescheduled. A pending start
        // records its digest too, and is compared like a completed one.
        if (op.interval !== 0 || !DEFINING.has(op.operation)) continue;
        if (op.opStatus !== 0 && !(op.opStatus === EXEC_PENDING && op.operation === "start")) continue;
        const verdict = compareDigests(rsc, op, sanitized);
        if (verdict === "restart") rsc.definitionChanged.add(node.name);
        else if (verdict === "reload" && startPending(rsc)) {
          // The agent might not have the old parameters yet: restart rather than reload.
          rsc.definitionChanged.add(node.name);
          (rsc.reloadPrevented ??= new Set()).add(node.name);
        } else if (verdict === "reload") (rsc.reloadOn ??= new Set()).add(node.name);
      }
    }
  }
}

/**
 * Whether Pacemaker clears the resource's fail count on the node in this transition, so that its
 * migration-threshold does not push it away (check_failure_threshold skips a resource with a
 * clear_failcount scheduled there): the operation that failed last was defined differently
 * (check_operation_expiry's should_clear_for_param_change), or an operation of the resource
 * active there changed definition or left the configuration (process_rsc_history).
 */
export function failCountCleared(rsc: Resource, node: ClusterNode, ws: WorkingSet): boolean {
  const ops = rsc.history.get(node.name);
  if (!ops) return false;
  for (const op of ops) {
    if (!(op.element.attrs.id ?? "").endsWith("_last_failure_0")) continue;
    if (op.operation !== "start" && op.operation !== "monitor") continue;
    if (op.digest !== undefined && compareDigests(rsc, op, false, ws) !== "match") return true;
  }
  if (rsc.orphan || !rsc.runningOn.includes(node)) return false;
  const sorted = sortOps(ops);
  const { start, stop } = activeRange(sorted);
  if (start < 0 || start < stop) return false;
  for (let i = start; i < sorted.length; i++) {
    const op = sorted[i];
    if (op.interval === 0 && !DEFINING.has(op.operation)) continue;
    if (op.interval > 0) {
      // Maintenance cancels recurring operations instead of checking them.
      if (rsc.maintenance || node.maintenance) continue;
      const configured = rsc.operations.some(
        (o) => o.name === op.operation && parseInterval(o.interval) === op.interval,
      );
      if (!configured) return true;
    }
    if (op.digest !== undefined && compareDigests(rsc, op, false, ws) !== "match") return true;
  }
  return false;
}
