/**
 * What travels on the "lrm" channel: an OperationRequest from a pengine action (DC side) and the
 * OperationResult back (node side), as JSON.
 */
import type { Action } from "@hbx/pengine";
import { type OperationRequest, type OperationResult, type Standard, parseDurationMs } from "@hbx/lrm";

export const LRM_CHANNEL = "lrm";
export const DEFAULT_OP_TIMEOUT_MS = 20_000;

/**
 * The expected rc, as the pengine's graph carries it in the transition key: a probe (monitor,
 * interval 0) expects "not running" (7), a recurring monitor of the Promoted role "running
 * promoted" (8), everything else OK (0).
 */
export function targetRc(action: Action): number {
  if (action.task !== "monitor") return 0;
  if (action.interval === 0) return 7;
  const def = opDefinition(action);
  const role = def?.role ?? def?.attrs.role;
  return role === "Promoted" || role === "Master" ? 8 : 0;
}

/** The configured op an action comes from (a cancel names the monitor it ends). */
function opDefinition(action: Action) {
  const task = action.task === "cancel" ? "monitor" : action.task;
  return action.rsc?.operations.find(
    (o) => o.name === task && (parseDurationMs(o.interval) ?? 0) === action.interval,
  );
}

/** The LRM request for a resource action of a transition, with Pacemaker's transition key. */
export function requestFromAction(action: Action, transitionId: number, dcUuid: string): OperationRequest {
  const rsc = action.rsc;
  if (!rsc || !action.node)
    throw new Error(`action ${action.uid} (${action.task}) is not a resource action on a node`);
  const def = opDefinition(action);
  const timeoutMs = parseDurationMs(def?.attrs.timeout) ?? DEFAULT_OP_TIMEOUT_MS;
  return {
    rscId: rsc.id,
    spec: { standard: (rsc.cls ?? "ocf") as Standard, provider: rsc.provider, type: rsc.type ?? "" },
    // A cancel travels as "cancel" with the monitor's interval; the node ends that monitor.
    action: action.task,
    intervalMs: action.interval,
    timeoutMs,
    params: Object.fromEntries(rsc.params),
    transitionKey: `${action.uid}:${transitionId}:${targetRc(action)}:${dcUuid}`,
  };
}

export function encodeRequest(req: OperationRequest): string {
  return JSON.stringify(req);
}

export function decodeRequest(text: string): OperationRequest {
  const r = JSON.parse(text) as OperationRequest;
  if (typeof r?.rscId !== "string" || typeof r.action !== "string" || typeof r.spec?.type !== "string")
    throw new Error("lrm request: expected {rscId, spec, action, ...}");
  return r;
}

export function encodeResult(res: OperationResult): string {
  return JSON.stringify(res);
}

export function decodeResult(text: string): OperationResult {
  const r = JSON.parse(text) as OperationResult;
  if (typeof r?.rc !== "number" || typeof r.request?.rscId !== "string")
    throw new Error("lrm result: expected {rc, request, ...}");
  return r;
}
