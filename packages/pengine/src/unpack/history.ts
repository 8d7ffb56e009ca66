import type { LrmOp } from "@hbx/cib";
import { type ClusterNode, type OnFail, type Resource, Role, type WorkingSet } from "../types.js";
import { isRemoteConnection, reconnectInterval } from "./remote.js";
import { parseInterval } from "./rules.js";
import { banCloneForHardError } from "./hard-error.js";
import { canFence } from "./can-fence.js";

/** Pacemaker's execution statuses as recorded in `op-status`. */
const EXEC_PENDING = -1;
const EXEC_DONE = 0;
const EXEC_CANCELLED = 1;
const EXEC_ERROR = 4;

const OCF_OK = 0;
const OCF_NOT_RUNNING = 7;
const OCF_RUNNING_PROMOTED = 8;
const OCF_FAILED_PROMOTED = 9;
const OCF_DEGRADED = 190;
const OCF_DEGRADED_PROMOTED = 191;
/** Results that mean the resource can never run on this node. */
const HARD_ERRORS = new Set([2, 3, 4, 5]);
const OCF_NOT_CONFIGURED = 6;
const OCF_NOT_INSTALLED = 5;

/** How bad each on-fail is; the worst failure seen wins. */
const ON_FAIL_RANK: Record<OnFail, number> = {
  ignore: 0,
  demote: 1,
  restart: 2,
  block: 4,
  stop: 5,
  standby: 6,
  fence: 7,
  reset_remote: 8,
};

export interface NodeHistoryResult {
  role: Role;
  onFail: OnFail;
  failed: boolean;
  pending: boolean;
  /** Node bans caused by history (hard errors, failed stops). */
  bans: string[];
  /** A stop failed with a hard error where the node cannot be fenced: nothing can recover it. */
  unrecoverable: boolean;
}

/**
 * A node's operations oldest first, as Pacemaker orders them (its sort_op_by_callid). Read
 * only: a history of one operation (most of them) comes back as it is, uncopied.
 */
/** Resources whose failure is recovered by demoting them (on-fail=demote), not by a restart. */
const recoveredByDemotion = new WeakSet<Resource>();

/** Whether a failed resource is recovered by demotion alone: it keeps running, unpromoted. */
export function recoversByDemotion(rsc: Resource): boolean {
  return rsc.failed && recoveredByDemotion.has(rsc);
}

export function sortOps(ops: readonly LrmOp[]): readonly LrmOp[] {
  return ops.length < 2 ? ops : [...ops].sort(compareOps);
}

/**
 * By call id; two records of one call by when the result changed. A pending operation (call id
 * -1) has no call id yet: it is placed by the transition that scheduled it, so a start left
 * pending by an older transition comes before the stop a newer one ran.
 */
function compareOps(a: LrmOp, b: LrmOp): number {
  if (a.callId === -1 && b.callId === -1) return 0;
  if (a.callId >= 0 && b.callId >= 0) {
    if (a.callId !== b.callId) return a.callId - b.callId;
    return (a.lastRcChange ?? -1) - (b.lastRcChange ?? -1);
  }
  const ma = transitionOf(a);
  const mb = transitionOf(b);
  if (ma && mb && ma.uuid === mb.uuid && ma.id !== mb.id) {
    // A transition id of -1 marks a shutdown's operation, which always comes last.
    if ((ma.id >= 0 && ma.id < mb.id) || mb.id === -1) return -1;
    return 1;
  }
  return a.callId === -1 ? 1 : -1;
}

/** The transition (graph id and DC uuid) recorded in an operation's transition-magic. */
function transitionOf(op: LrmOp): { id: number; uuid: string } | undefined {
  const magic = op.element.attrs["transition-magic"] ?? op.element.attrs["transition-key"];
  const key = magic?.includes(";") ? magic.slice(magic.indexOf(";") + 1) : magic;
  const parts = key?.split(":");
  if (!parts || parts.length < 4) return undefined;
  return { id: Number(parts[1]), uuid: parts.slice(3).join(":") };
}

/** The configured on-fail for an operation, with Pacemaker's defaults. */
export function onFailFor(rsc: Resource, task: string, interval: number, ws: WorkingSet): OnFail {
  let configured: string | undefined;
  for (const op of rsc.operations) {
    if (op.name === task && parseInterval(op.interval) === interval) {
      configured = op.attrs["on-fail"] ?? op.attrs.on_fail;
      if (op.attrs.enabled === "false") configured ??= undefined;
      break;
    }
  }
  configured ??= ws.opDefaults.get("on-fail");
  const v = (configured ?? "").toLowerCase();
  if (v === "ignore" || v === "block" || v === "stop" || v === "fence" || v === "standby" || v === "demote")
    return v;
  if (v === "restart") return "restart";
  // A remote connection that fails other than by starting or probing resets its node.
  if (v === "" && isRemoteConnection(rsc) && task !== "start" && !(task === "monitor" && interval === 0))
    return rsc.managed ? "reset_remote" : "stop";
  if (task === "stop") return ws.options.stonithEnabled ? "fence" : "block";
  return "restart";
}

/** Whether an operation of the resource is explicitly configured with on-fail=block. */
function configuredBlock(rsc: Resource): boolean {
  return rsc.operations.some((o) => (o.attrs["on-fail"] ?? o.attrs.on_fail) === "block");
}

/**
 * Replay one resource's operation history on one node, in call order, to find its role there
 * and the worst unresolved failure.
 */
export function replayHistory(
  rsc: Resource,
  node: ClusterNode,
  ops: LrmOp[],
  ws: WorkingSet,
  promotable: boolean,
): NodeHistoryResult {
  let role = Role.Unknown;
  let onFail: OnFail = "ignore";
  let failedSeen = false;
  // The operation key (task and interval) of the latest failure (Pacemaker's last_failure).
  let lastFailure: string | undefined;
  let pending = false;
  let unrecoverable = false;
  const bans: string[] = [];
  const now = ws.now.getTime() / 1000;
  const started = promotable ? Role.Unpromoted : Role.Started;
  for (const op of sortOps(ops)) {
    const task = op.operation;
    if (task === "notify" || op.opStatus === EXEC_CANCELLED) continue;
    if (op.opStatus === EXEC_PENDING || op.callId === -1) {
      if (task === "start" || task === "migrate_from") {
        role = started;
        pending = true;
      } else if (task === "promote") role = Role.Promoted;
      else if (task === "stop" || task === "demote" || task === "migrate_to") {
        if (role < started) role = started;
      } else if (task === "monitor" && op.interval === 0) {
        pending = true;
      }
      continue;
    }
    const isProbe = task === "monitor" && op.interval === 0;
    const target = op.targetRc ?? (isProbe ? OCF_NOT_RUNNING : OCF_OK);
    let rc = op.rc;
    if (rc === OCF_DEGRADED) rc = OCF_OK;
    if (rc === OCF_DEGRADED_PROMOTED) rc = OCF_RUNNING_PROMOTED;
    let failure = false;
    if (op.opStatus === EXEC_DONE || op.opStatus === EXEC_ERROR) {
      if (rc === OCF_OK) {
        // Success where "not running" was expected (a role=Stopped monitor) is a failure.
        failure = !isProbe && target !== OCF_OK;
      } else if (rc === OCF_NOT_RUNNING) {
        if (isProbe || target === OCF_NOT_RUNNING || !rsc.managed) {
          role = Role.Stopped;
          onFail = "ignore";
          continue;
        }
        failure = true;
      } else if (rc === OCF_RUNNING_PROMOTED) {
        if (isProbe || target === rc) {
          role = Role.Promoted;
          continue;
        }
        failure = target !== rc;
        if (failure) role = Role.Promoted;
      } else failure = true;
    } else failure = true;

    if (failure) {
      // An expired failure no longer counts.
      if (
        rsc.failureTimeout > 0 &&
        op.lastRcChange !== undefined &&
        op.lastRcChange + rsc.failureTimeout <= now &&
        // A failure of an operation configured on-fail=block waits for an administrator,
        // whatever the timeout.
        !configuredBlock(rsc)
      ) {
        continue;
      }
      if (rc === OCF_NOT_INSTALLED && isProbe) {
        role = Role.Stopped;
        bans.push("hard error");
        banCloneForHardError(rsc, node, ws);
        continue;
      }
      if (onFailFor(rsc, task, op.interval, ws) === "ignore") {
        // An ignored failure counts as the result that was expected: a failed stop still
        // leaves the resource stopped, a failed start or monitor leaves it running.
        rsc.failureIgnored = true;
        failure = false;
      }
    }
    if (failure) {
      const interval = op.interval;
      let fail = onFailFor(rsc, task, interval, ws);
      if ((HARD_ERRORS.has(rc) && (rc !== 3 || interval === 0)) || op.rc === OCF_NOT_CONFIGURED) {
        bans.push("hard error");
        banCloneForHardError(rsc, node, ws);
      }
      if (task === "stop") bans.push("__stop_fail__");
      // A stop that failed for good can only be recovered by fencing; where the node cannot be
      // fenced the resource is left alone, unmanaged and blocked (Pacemaker's check_recoverable,
      // for the hard errors remap_operation hands it).
      if (task === "stop" && HARD_ERRORS.has(rc) && (rc !== 3 || op.interval === 0) && !canFence(ws, node))
        unrecoverable = true;
      failedSeen = true;
      lastFailure = `${task}_${op.interval}`;
      if (ON_FAIL_RANK[fail] > ON_FAIL_RANK[onFail]) onFail = fail;
      if (rc === OCF_FAILED_PROMOTED || task === "promote") role = Role.Promoted;
      else if (task === "demote") role = fail === "block" ? Role.Promoted : Role.Unpromoted;
      else if (role < started) role = started;
      fail = onFail;
      continue;
    }
    // Success: the task sets the role, and a completed start or stop clears earlier failures.
    let clear = false;
    switch (task) {
      case "start":
        role = started;
        clear = true;
        break;
      case "stop":
        role = Role.Stopped;
        clear = true;
        break;
      case "promote":
        role = Role.Promoted;
        clear = true;
        break;
      case "demote":
        role = Role.Unpromoted;
        clear = true;
        break;
      case "migrate_from":
        role = started;
        clear = true;
        break;
      case "migrate_to":
        if (role < started) role = started;
        break;
      case "monitor":
        if (rc === OCF_RUNNING_PROMOTED) role = Role.Promoted;
        else if (role <= Role.Stopped) role = started;
        // The same monitor succeeding again after it failed clears that failure, as Pacemaker's
        // update_resource_state does: the resource recovered by itself.
        clear = lastFailure === `${task}_${op.interval}`;
        break;
      default:
        if (role < started && rc === OCF_OK && role !== Role.Stopped && task !== "reload") role = started;
    }
    // A reset connection may start again once its node is fenced, unless it waits out a
    // reconnect interval.
    const resetClears = onFail === "reset_remote" && reconnectInterval(rsc) === 0;
    if (clear && (["ignore", "block", "demote", "restart"].includes(onFail) || resetClears)) {
      onFail = "ignore";
      failedSeen = false;
    }
  }
  const active = role > Role.Stopped;
  const failed = failedSeen && active && onFail !== "ignore";
  if (failed && onFail === "demote") recoveredByDemotion.add(rsc);
  return { role, onFail, failed, pending, bans, unrecoverable };
}
