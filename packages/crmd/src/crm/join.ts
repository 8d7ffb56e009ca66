/**
 * What a node answers when the DC asks it to join: its LRM instance (the heartbeat generation;
 * a new one means it restarted) and the latest result of each recurring operation it runs, so
 * the DC can record a change that was reported while no DC, or a dying one, was listening.
 */
import { type XmlElement, childElements, findNodeState, firstChild } from "@hbx/cib";
import { type OperationResult } from "@hbx/lrm";
import { decodeResult, encodeResult } from "./lrm-wire.js";

export interface JoinReply {
  generation: string;
  monitors: OperationResult[];
}

export function encodeJoinReply(reply: JoinReply): string {
  return JSON.stringify({ generation: reply.generation, monitors: reply.monitors.map(encodeResult) });
}

/** A reply as this version writes it, or a bare generation (what a node answered before). */
export function decodeJoinReply(text: string): JoinReply {
  if (!text.startsWith("{")) return { generation: text, monitors: [] };
  const r = JSON.parse(text) as { generation?: unknown; monitors?: unknown };
  if (typeof r.generation !== "string" || !Array.isArray(r.monitors))
    throw new Error("join reply: expected {generation, monitors}");
  return { generation: r.generation, monitors: r.monitors.map((m) => decodeResult(String(m))) };
}

/**
 * The recurring results whose rc the node's recorded history does not show: recorded under
 * `<rsc>_monitor_<interval>` (Pacemaker's recurring-op record id) with another rc, or not at
 * all. Those are the changes the DC never heard of.
 */
export function unrecordedResults(
  cib: XmlElement,
  node: string,
  results: readonly OperationResult[],
): OperationResult[] {
  const state = findNodeState(cib, node);
  const lrm = state ? firstChild(state, "lrm") : undefined;
  const resources = lrm ? firstChild(lrm, "lrm_resources") : undefined;
  const byId = new Map<string, XmlElement>();
  for (const r of resources ? childElements(resources, "lrm_resource") : []) byId.set(r.attrs.id ?? "", r);
  return results.filter((result) => {
    const { rscId, action, intervalMs } = result.request;
    const rsc = byId.get(rscId);
    const op = rsc
      ? childElements(rsc, "lrm_rsc_op").find((o) => o.attrs.id === `${rscId}_${action}_${intervalMs}`)
      : undefined;
    return op === undefined || op.attrs["rc-code"] !== String(result.rc);
  });
}
