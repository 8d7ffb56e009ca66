/**
 * What travels on the "lrm" channel: an OperationRequest from a pengine action (DC side) and the
 * OperationResult back (node side), as JSON.
 */
import type { PlannedAction } from "@hbx/pengine";
import type { OperationRequest, OperationResult, Standard } from "@hbx/lrm";

export const LRM_CHANNEL = "lrm";

/**
 * The LRM request for a resource action of a transition graph, with Pacemaker's transition key
 * (action, transition, expected rc, DC); the graph carries the timeout and expected rc.
 */
export function requestFromAction(
  action: PlannedAction,
  transitionId: number,
  dcUuid: string,
): OperationRequest {
  const { rsc, node } = action;
  if (action.kind !== "rsc_op" || !rsc || !node)
    throw new Error(`action ${action.uid} (${action.task}) is not a resource action on a node`);
  return {
    rscId: rsc.id,
    spec: { standard: (rsc.class ?? "ocf") as Standard, provider: rsc.provider, type: rsc.type ?? "" },
    // A cancel travels as "cancel" with the monitor's interval; the node ends that monitor.
    action: action.task,
    intervalMs: action.interval,
    timeoutMs: action.timeoutMs,
    params: { ...action.params },
    transitionKey: `${action.uid}:${transitionId}:${action.targetRc}:${dcUuid}`,
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
