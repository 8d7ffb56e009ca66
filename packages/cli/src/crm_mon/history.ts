import { type LrmOp, type NodeStateRecord, readStatus } from "@hbx/cib";
import { type ClusterNode, type Resource, type WorkingSet } from "@hbx/pengine";
import { execStatusName } from "../common/exec-status.js";
import { epochText, printableId, rcText, readableInterval } from "./format.js";

/** One recorded operation that did not end as the cluster expected. */
export interface FailedAction {
  rscId: string;
  node: string;
  op: LrmOp;
}

/** The resource id a history entry belongs to, without a clone instance suffix. */
function baseId(id: string): string {
  return id.replace(/:\d+$/, "");
}

export function taskName(op: LrmOp): string {
  return op.operation === "monitor" && op.interval === 0 ? "probe" : op.operation;
}

/**
 * Whether an operation counts as failed. "Done" and plain "Error" are judged by the exit code
 * against the one the transition expected (a probe finding the resource stopped is fine);
 * any other execution status but pending or cancelled is a failure in itself.
 */
function failed(op: LrmOp): boolean {
  if (op.opStatus === -1 || op.opStatus === 1) return false;
  if (op.opStatus !== 0 && op.opStatus !== 4) return true;
  if (taskName(op) === "probe" && (op.rc === 0 || op.rc === 7 || op.rc === 8)) return false;
  return op.rc !== (op.targetRc ?? 0);
}

/** The resource an operation was for, from its key `rsc_task_interval` as Pacemaker reads it. */
function opResource(op: LrmOp, fallback: string): string {
  const key = op.element.attrs.operation_key ?? op.id;
  const m = /^(.+)_(migrate_to|migrate_from|[^_]+)_(\d+)$/.exec(key);
  return m ? m[1] : fallback;
}

/** Failed operations in status order (node, resource, call), as "Failed Resource Actions" lists them. */
export function failedActions(
  ws: WorkingSet,
  states: NodeStateRecord[] = readStatus(ws.cib),
): FailedAction[] {
  const out: FailedAction[] = [];
  for (const ns of states) {
    const node = ns.uname ?? ws.nodeById.get(ns.id)?.name ?? ns.id;
    for (const r of ns.resources) {
      for (const op of [...r.ops].sort((a, b) => a.callId - b.callId)) {
        if (failed(op) && op.operation !== "notify") out.push({ rscId: opResource(op, r.id), node, op });
      }
    }
  }
  return out;
}

/** `rsc 10s-interval monitor on node returned 'not running' at <time> after 10ms`. */
export function failedActionLine(f: FailedAction): string {
  const { op } = f;
  let s = `  * ${f.rscId} ${op.interval > 0 ? `${readableInterval(op.interval)}-interval ` : ""}${taskName(op)} on ${f.node}`;
  const reason = op.element.attrs["exit-reason"];
  if (op.opStatus === 0) s += ` returned '${rcText(op.rc)}'${reason ? ` (${reason})` : ""}`;
  else s += ` could not be executed (${execStatusName(op.opStatus)}${reason ? `: ${reason}` : ""})`;
  if (op.lastRcChange) s += ` at ${epochText(op.lastRcChange)}`;
  if (op.execTime) s += ` after ${readableInterval(op.execTime)}`;
  return s;
}

export function failedActionLines(ws: WorkingSet): string[] {
  const list = failedActions(ws);
  return list.length === 0 ? [] : ["", "Failed Resource Actions:", ...list.map(failedActionLine)];
}

/** The configured resource a history entry (possibly `id:N`) belongs to. */
function resourceOf(ws: WorkingSet, id: string): Resource | undefined {
  // An anonymous clone's history goes by the primitive's id: the first instance stands for it.
  return ws.resourceById.get(id) ?? ws.resourceById.get(baseId(id)) ?? ws.resourceById.get(`${id}:0`);
}

export function threshold(rsc: Resource | undefined): string {
  const t = rsc?.migrationThreshold ?? 1_000_000;
  return t >= 1_000_000 ? "1000000" : String(t);
}

/** One resource's recorded operations on one node, as crm_mon shows them. */
export interface ResourceHistory {
  name: string;
  rsc: Resource | undefined;
  ops: LrmOp[];
}

/**
 * Each online node's resource histories in status order, operations by call id. A resource whose
 * only history is "not running" probes is left out, fail count or not.
 */
export function nodeHistories(ws: WorkingSet): Array<{ node: ClusterNode; entries: ResourceHistory[] }> {
  const out: Array<{ node: ClusterNode; entries: ResourceHistory[] }> = [];
  for (const ns of readStatus(ws.cib)) {
    const node = ws.nodeById.get(ns.id) ?? (ns.uname ? ws.nodeByName.get(ns.uname) : undefined);
    if (!node || !node.online) continue;
    const entries: ResourceHistory[] = [];
    for (const r of ns.resources) {
      const rsc = resourceOf(ws, r.id);
      const ops = [...r.ops]
        .sort((a, b) => a.callId - b.callId)
        .filter((op) => op.operation !== "notify" && !(taskName(op) === "probe" && op.rc === 7));
      if (ops.length > 0) entries.push({ name: rsc ? printableId(rsc, r.id) : r.id, rsc, ops });
    }
    out.push({ node, entries });
  }
  return out;
}

/** A resource's fail count on a node (INFINITY at or above 1000000) and last failure, if any. */
export function failureOf(
  rsc: Resource | undefined,
  node: ClusterNode,
): { count: string; last?: number } | undefined {
  const count = rsc?.failCounts.get(node.name) ?? 0;
  if (!rsc || count <= 0) return undefined;
  return { count: count >= 1_000_000 ? "INFINITY" : String(count), last: rsc.lastFailure.get(node.name) };
}

/**
 * "Migration Summary:" (fail counts, -f) or "Operations:" (history, -o, -t with timings):
 * per online node, its resources in status order.
 */
export function historyLines(
  ws: WorkingSet,
  opts: { operations: boolean; timing: boolean; detail?: boolean },
): string[] {
  const out = ["", opts.operations ? "Operations:" : "Migration Summary:"];
  for (const { node, entries } of nodeHistories(ws)) {
    const block: string[] = [];
    for (const { name, rsc, ops } of entries) {
      const f = failureOf(rsc, node);
      const fails = f ? ` fail-count=${f.count}${f.last ? ` last-failure='${epochText(f.last)}'` : ""}` : "";
      if (!opts.operations) {
        if (fails) block.push(`    * ${name}: migration-threshold=${threshold(rsc)}${fails}`);
        continue;
      }
      block.push(`    * ${name}: migration-threshold=${threshold(rsc)}${fails}:`);
      for (const op of ops) block.push(`      * ${opLine(op, opts.timing)}`);
    }
    const label = opts.detail && node.id !== node.name ? `${node.name} (${node.id})` : node.name;
    if (block.length > 0) out.push(`  * Node: ${label}:`, ...block);
  }
  return out;
}

function opLine(op: LrmOp, timing: boolean): string {
  let s = `(${op.callId}) ${taskName(op)}`;
  const fields: string[] = [];
  if (op.interval > 0) fields.push(`interval="${op.interval}ms"`);
  if (timing) {
    const a = op.element.attrs;
    if (a["last-rc-change"] && a["last-rc-change"] !== "0")
      fields.push(`last-rc-change="${epochText(Number(a["last-rc-change"]))}"`);
    // 2.1.5 quotes every timing value (its -f last-failure line keeps single quotes).
    if (a["exec-time"] !== undefined) fields.push(`exec-time="${a["exec-time"]}ms"`);
    if (a["queue-time"] !== undefined) fields.push(`queue-time="${a["queue-time"]}ms"`);
  }
  if (timing) fields.push(`rc=${op.rc} (${rcText(op.rc)})`);
  if (fields.length > 0) s += `: ${fields.join(" ")}`;
  return s;
}
