import { element, operationDigest, type XmlElement } from "@hbx/cib";
import { ExecStatus, OcfExitCode } from "../codes.js";
import { CRM_FEATURE_SET } from "../classes/ocf.js";
import { operationKey } from "../runner.js";
import { type NodeName, type OperationRequest, type OperationResult } from "../types.js";

export interface LrmRscOpOptions {
  readonly node: NodeName;
  /** Which record: the resource's last operation, its last failure, or a recurring operation's own. */
  readonly kind?: "auto" | "last" | "last_failure";
  /** crm-debug-origin (Pacemaker writes the controller function that recorded it). */
  readonly origin?: string;
}

/** The parameters the agent saw, as the digest takes them: instance attributes + CRM_meta_*. */
export function digestParameters(result: OperationResult): Record<string, string> {
  const req = result.request;
  const params: Record<string, string> = { ...req.params };
  for (const [k, v] of Object.entries(req.meta ?? {})) params[`CRM_meta_${k.replace(/-/g, "_")}`] = v;
  params.CRM_meta_timeout = String(req.timeoutMs);
  if (req.intervalMs > 0) params.CRM_meta_interval = String(req.intervalMs);
  return params;
}

/**
 * The rc the operation was expected to give: the transition key's target, else the request's
 * expectedRc, else 7 for a probe (monitor with interval 0) and 0 for everything else.
 */
export function expectedRc(req: OperationRequest): number {
  const fromKey = req.transitionKey?.split(":")[2];
  if (fromKey !== undefined && /^\d+$/.test(fromKey)) return Number(fromKey);
  if (req.expectedRc !== undefined) return req.expectedRc;
  return req.action === "monitor" && req.intervalMs === 0 ? OcfExitCode.NOT_RUNNING : OcfExitCode.OK;
}

/** A failure: not executed to completion, or an rc other than expected (a probe may find it running). */
export function isFailure(result: OperationResult): boolean {
  if (result.status === ExecStatus.CANCELLED) return false;
  if (result.status !== ExecStatus.DONE) return true;
  const req = result.request;
  if (
    req.transitionKey === undefined &&
    req.expectedRc === undefined &&
    req.action === "monitor" &&
    req.intervalMs === 0
  ) {
    return ![OcfExitCode.OK, OcfExitCode.NOT_RUNNING, OcfExitCode.RUNNING_PROMOTED].includes(
      result.rc as 0 | 7 | 8,
    );
  }
  return result.rc !== expectedRc(req);
}

/**
 * Pacemaker's controller marks operations no transition asked for (probes on refresh, runs
 * by hand) with this fake transition-engine id; its scheduler needs a transition key on every
 * record to know the expected rc, and treats a record without one as failed.
 */
export const NO_TRANSITION_UUID = "xxxxxxxx-xrsc-opxx-xcrm-resourcexxxx";

/** The transition key recorded: the transition's, or one saying "no transition" with the expected rc. */
export function recordedTransitionKey(result: OperationResult): string {
  const req = result.request;
  if (req.transitionKey !== undefined) return req.transitionKey;
  let target = expectedRc(req);
  // A probe that found the resource running or promoted is an answer, not a failure.
  if (
    req.action === "monitor" &&
    req.intervalMs === 0 &&
    req.expectedRc === undefined &&
    [0, 8].includes(result.rc)
  ) {
    target = result.rc;
  }
  return `0:${result.callId}:${target}:${NO_TRANSITION_UUID}`;
}

/** The id Pacemaker gives the record: rsc_last_0, rsc_last_failure_0, or rsc_monitor_10000. */
export function lrmRscOpId(result: OperationResult, kind: "auto" | "last" | "last_failure" = "auto"): string {
  const req = result.request;
  if (kind === "last_failure") return `${req.rscId}_last_failure_0`;
  if (kind === "last" || req.intervalMs === 0) return `${req.rscId}_last_0`;
  return operationKey(req.rscId, req.action, req.intervalMs);
}

/**
 * An operation result as the `lrm_rsc_op` element Pacemaker's controller writes, attributes in
 * its order; the transition-magic is "op-status:rc-code;transition-key".
 */
export function buildLrmRscOp(result: OperationResult, opts: LrmRscOpOptions): XmlElement {
  const req = result.request;
  const key = recordedTransitionKey(result);
  const lastRcChange = Math.floor(result.finishedAt / 1000);
  return element("lrm_rsc_op", {
    id: lrmRscOpId(result, opts.kind),
    operation_key: operationKey(req.rscId, req.action, req.intervalMs),
    operation: req.action,
    "crm-debug-origin": opts.origin ?? "do_update_resource",
    crm_feature_set: CRM_FEATURE_SET,
    "transition-key": key,
    "transition-magic": `${result.status}:${result.rc};${key}`,
    "exit-reason": result.exitReason,
    on_node: opts.node,
    "call-id": result.callId,
    "rc-code": result.rc,
    "op-status": result.status,
    interval: req.intervalMs,
    "last-rc-change": lastRcChange,
    "exec-time": result.execTimeMs,
    "queue-time": result.queueTimeMs,
    // The same function the policy engine uses to notice a changed definition.
    "op-digest": operationDigest(digestParameters(result)),
  });
}
