/**
 * The DC's fail-count bookkeeping, as Pacemaker's controller asks its attribute manager for it
 * after a failed operation: `fail-count-RSC#OP_INTERVAL` and `last-failure-RSC#OP_INTERVAL` (epoch
 * seconds) in the node's transient attributes, which the policy engine reads for
 * migration-threshold, failure-stickiness and start-failure-is-fatal. Pure functions on a CIB.
 */
import { type XmlElement, clusterOption, findNodeState, setTransientAttribute } from "@hbx/cib";
import { type OperationResult, isFailure, recordOperation } from "@hbx/lrm";
import type { Logger } from "pino";

const INFINITY = "INFINITY";

/** start-failure-is-fatal from crm_config (default true, as in Pacemaker). */
export function startFailureIsFatal(cib: XmlElement): boolean {
  const value = clusterOption(cib, "start-failure-is-fatal");
  return value === undefined || !["false", "no", "off", "0", "n"].includes(value.toLowerCase());
}

/**
 * How a failed result changes the fail-count, as Pacemaker's controller decides it: a recurring
 * operation, promote or demote adds one; a start sets INFINITY under start-failure-is-fatal
 * (else adds one); a stop sets INFINITY; anything else (a probe, whose unexpected answer is a
 * state, not a failure of the resource) leaves it alone. undefined: no update.
 */
export function failCountUpdate(
  cib: XmlElement,
  result: OperationResult,
): ((old: string | undefined) => string) | undefined {
  if (!isFailure(result)) return undefined;
  const { action, intervalMs } = result.request;
  const plusOne = (old: string | undefined): string => {
    if (old === INFINITY) return INFINITY;
    const n = (Number(old) || 0) + 1;
    return n >= 1_000_000 ? INFINITY : String(n);
  };
  if (intervalMs > 0 || action === "promote" || action === "demote") return plusOne;
  if (action === "start") return startFailureIsFatal(cib) ? () => INFINITY : plusOne;
  if (action === "stop") return () => INFINITY;
  return undefined;
}

export interface FailCountChange {
  node: string;
  name: string;
  value: string;
  lastFailure: string;
}

/**
 * Record a result as the DC does: the operation history (recordOperation), then, for a failure
 * that counts, the fail-count and last-failure of that node. Returns the fail-count written.
 */
export function recordResult(
  cib: XmlElement,
  node: string,
  result: OperationResult,
  now: Date,
): FailCountChange | undefined {
  recordOperation(cib, node, result);
  const update = failCountUpdate(cib, result);
  if (!update) return undefined;
  const state = findNodeState(cib, node);
  if (!state) return undefined;
  const { rscId, action, intervalMs } = result.request;
  const suffix = `${rscId}#${action}_${intervalMs}`;
  const value = setTransientAttribute(state, `fail-count-${suffix}`, update);
  const lastFailure = setTransientAttribute(
    state,
    `last-failure-${suffix}`,
    String(Math.floor(now.getTime() / 1000)),
  );
  return { node, name: `fail-count-${suffix}`, value, lastFailure };
}

/** recordResult, logging the fail-count it set: how the DC records every result it gets. */
export function recordResultLogged(
  cib: XmlElement,
  node: string,
  result: OperationResult,
  log: Pick<Logger, "warn">,
): void {
  const fc = recordResult(cib, node, result, new Date());
  if (fc) log.warn(fc, `${fc.name}=${fc.value} on ${node}`);
}
