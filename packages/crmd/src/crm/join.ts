/**
 * What a node answers when the DC asks it to join: its LRM instance (the heartbeat generation;
 * a new one means it restarted) and the latest result of each recurring operation it runs, so
 * the DC can record a change that was reported while no DC, or a dying one, was listening.
 */
import { type XmlElement, childElements, findNodeState, firstChild } from "@hbx/cib";
import { type OperationResult, recordOperation } from "@hbx/lrm";
import { decodeResult, encodeResult } from "./lrm-wire.js";
import type { ConfigReport } from "./config-merge.js";

export interface JoinReply {
  generation: string;
  monitors: OperationResult[];
  /**
   * The node's own account of its LRM (LrmHistory.results()) and the highest call id in it;
   * absent from a node that does not report it, whose history the DC then keeps.
   */
  history?: { results: OperationResult[]; lastCallId: number };
  /**
   * The node's CIB version and configuration digest, so the DC keeps the newest configuration
   * at a merge (config-merge.ts); absent from a node that does not report it.
   */
  config?: ConfigReport;
}

export function encodeJoinReply(reply: JoinReply): string {
  return JSON.stringify({
    generation: reply.generation,
    monitors: reply.monitors.map(encodeResult),
    history: reply.history && {
      results: reply.history.results.map(encodeResult),
      lastCallId: reply.history.lastCallId,
    },
    config: reply.config,
  });
}

/** A reply as this version writes it, or a bare generation (what a node answered before). */
export function decodeJoinReply(text: string): JoinReply {
  if (!text.startsWith("{")) return { generation: text, monitors: [] };
  const r = JSON.parse(text) as {
    generation?: unknown;
    monitors?: unknown;
    history?: { results?: unknown; lastCallId?: unknown };
    config?: { version?: Record<string, unknown>; term?: unknown; digest?: unknown };
  };
  if (typeof r.generation !== "string" || !Array.isArray(r.monitors))
    throw new Error("join reply: expected {generation, monitors}");
  const reply: JoinReply = {
    generation: r.generation,
    monitors: r.monitors.map((m) => decodeResult(String(m))),
  };
  if (r.history !== undefined) {
    const { results, lastCallId } = r.history;
    if (!Array.isArray(results) || typeof lastCallId !== "number")
      throw new Error("join reply: expected history {results, lastCallId}");
    reply.history = { results: results.map((m) => decodeResult(String(m))), lastCallId };
  }
  if (r.config !== undefined) {
    const v = r.config.version ?? {};
    const counters = [v.adminEpoch, v.epoch, v.numUpdates, r.config.term ?? 0];
    if (
      !counters.every((c) => Number.isSafeInteger(c) && (c as number) >= 0) ||
      typeof r.config.digest !== "string"
    )
      throw new Error("join reply: expected config {version {adminEpoch, epoch, numUpdates}, term, digest}");
    const [adminEpoch, epoch, numUpdates, term] = counters as number[];
    reply.config = {
      version: { adminEpoch: adminEpoch!, epoch: epoch!, numUpdates: numUpdates! },
      term: term!,
      digest: r.config.digest,
    };
  }
  return reply;
}

/**
 * Replace the DC's copy of a node's LRM history with the node's own account of it, as
 * Pacemaker's DC does with the executor state a node sends on join: what the node says it ran
 * is the truth, whatever the DC held from before a partition or a DC change. Records the DC
 * holds with a call id above the report's come from operations the node finished after it
 * answered; they are kept. Returns the resources whose history changed.
 */
export function adoptReportedHistory(
  cib: XmlElement,
  node: string,
  history: { results: readonly OperationResult[]; lastCallId: number },
): string[] {
  const state = findNodeState(cib, node);
  const lrm = state ? firstChild(state, "lrm") : undefined;
  const resources = lrm ? firstChild(lrm, "lrm_resources") : undefined;
  const before = new Map<string, string>();
  const newer: { rsc: XmlElement; op: XmlElement }[] = [];
  for (const rsc of resources ? childElements(resources, "lrm_resource") : []) {
    before.set(rsc.attrs.id ?? "", JSON.stringify(childElements(rsc, "lrm_rsc_op").map((o) => o.attrs)));
    for (const op of childElements(rsc, "lrm_rsc_op"))
      if (Number(op.attrs["call-id"] ?? "0") > history.lastCallId) newer.push({ rsc, op });
  }
  if (resources) resources.children = [];
  for (const r of history.results) recordOperation(cib, node, r);
  const rebuiltState = findNodeState(cib, node);
  const rebuiltLrm = rebuiltState ? firstChild(rebuiltState, "lrm") : undefined;
  const rebuilt = rebuiltLrm ? firstChild(rebuiltLrm, "lrm_resources") : undefined;
  if (!rebuilt) return [...before.keys()];
  for (const { rsc, op } of newer) {
    let into = childElements(rebuilt, "lrm_resource").find((e) => e.attrs.id === rsc.attrs.id);
    if (!into) rebuilt.children.push((into = { ...rsc, children: [] }));
    into.children = into.children.filter((c) => !(c.kind === "element" && c.attrs.id === op.attrs.id));
    into.children.push(op);
  }
  const changed: string[] = [];
  const after = new Set<string>();
  for (const rsc of childElements(rebuilt, "lrm_resource")) {
    const id = rsc.attrs.id ?? "";
    after.add(id);
    if (before.get(id) !== JSON.stringify(childElements(rsc, "lrm_rsc_op").map((o) => o.attrs)))
      changed.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) changed.push(id);
  return changed;
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
