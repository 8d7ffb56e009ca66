import { type LrmOp, type XmlElement, escapeAttr, readStatus } from "@hbx/cib";
import { type Resource, type WorkingSet, unpackCluster } from "@hbx/pengine";
import { execStatusName } from "../common/exec-status.js";
import { resourceOnlyLine } from "../common/resource-line.js";
import { epochText, printableId } from "../crm_mon/format.js";

/** What -O/--list-operations and -o/--list-all-operations were asked for. */
export interface OperationQuery {
  /** -r: only this lrm_resource id. */
  rsc?: string;
  /** -N: only this node. */
  node?: string;
  /** -O: only the operations since the resource last started on the node. */
  activeOnly: boolean;
  now: Date;
}

interface FoundOp {
  node: string;
  rscId: string;
  op: LrmOp;
}

/**
 * Where the active stretch of one resource's history (sorted by call id) begins, or undefined
 * when it ended in a stop: the last start or migrate_from, else the last promote/demote, else the
 * last successful monitor after the last stop, as Pacemaker's crm_resource reads it.
 */
function activeFrom(ops: LrmOp[]): number | undefined {
  let start = -1;
  let stop = -1;
  let impliedByMonitor = -1;
  let impliedByRole = -1;
  ops.forEach((op, i) => {
    if (op.operation === "stop" && op.opStatus === 0) stop = i;
    else if (op.operation === "start" || op.operation === "migrate_from") start = i;
    else if (op.operation === "monitor") {
      if (impliedByMonitor <= stop && (op.rc === 0 || op.rc === 8)) impliedByMonitor = i;
    } else if (op.operation === "promote" || op.operation === "demote") impliedByRole = i;
  });
  if (start === -1) start = impliedByRole !== -1 ? impliedByRole : impliedByMonitor;
  return start < stop ? undefined : Math.max(start, 0);
}

/**
 * The recorded operations, node by node in status order: only nodes that are online (or every
 * node when fencing is enabled, since an offline node's history still counts until it is fenced).
 * hbx reads fencing-enabled as well as stonith-enabled here; 2.1.5 knows only the latter.
 */
function findOperations(ws: WorkingSet, q: OperationQuery): FoundOp[] {
  const out: FoundOp[] = [];
  const fencing = ws.options.stonithEnabled;
  for (const ns of readStatus(ws.cib)) {
    const uname = ns.uname ?? "";
    if (q.node !== undefined && uname.toLowerCase() !== q.node.toLowerCase()) continue;
    const node = ws.nodeByName.get(uname);
    if (!node || !(node.online || fencing)) continue;
    for (const r of ns.resources) {
      if (q.rsc !== undefined && r.id.toLowerCase() !== q.rsc.toLowerCase()) continue;
      const ops = [...r.ops].sort((a, b) => a.callId - b.callId);
      const from = q.activeOnly ? activeFrom(ops) : 0;
      if (from === undefined) continue;
      for (const op of ops.slice(from)) out.push({ node: uname, rscId: r.id, op });
    }
  }
  return out;
}

/** The configured primitive a history id names: itself, or an anonymous clone's first instance. */
function resourceFor(ws: WorkingSet, id: string): Resource | undefined {
  const direct = ws.resourceById.get(id);
  if (direct && direct.children.length === 0) return direct;
  const first = ws.resourceById.get(`${id}:0`);
  return first && first.children.length === 0 ? first : undefined;
}

function opKey(op: LrmOp): string {
  return op.element.attrs.operation_key ?? op.id;
}

/** crm_resource -O/-o as text: one line per operation, no list bullets. */
export function operationsText(cib: XmlElement, q: OperationQuery): string {
  const ws = unpackCluster(cib, { now: q.now });
  let text = "";
  for (const f of findOperations(ws, q)) {
    const rsc = resourceFor(ws, f.rscId);
    const head = rsc ? resourceOnlyLine(printableId(rsc), rsc) : `Unknown resource ${f.rscId}`;
    const a = f.op.element.attrs;
    const change = Number(a["last-rc-change"] ?? 0);
    const timing =
      change > 0 ? `, last-rc-change='${epochText(change)}', exec=${a["exec-time"] ?? ""}ms` : "";
    text += `${head}: ${opKey(f.op)} (node=${f.node}, call=${a["call-id"] ?? ""}, rc=${a["rc-code"] ?? ""}${timing}): ${execStatusName(f.op.opStatus)}\n`;
  }
  return text;
}

/** The same as Pacemaker's `<operations>` list for --output-as=xml. */
export function operationsXml(cib: XmlElement, q: OperationQuery): string {
  const ws = unpackCluster(cib, { now: q.now });
  const found = findOperations(ws, q);
  if (found.length === 0) return "";
  let xml = "  <operations>\n";
  for (const f of found) {
    const rsc = resourceFor(ws, f.rscId);
    const a = f.op.element.attrs;
    const attrs: Array<[string, string]> = [
      ["op", opKey(f.op)],
      ["node", f.node],
      ["call", a["call-id"] ?? ""],
      ["rc", a["rc-code"] ?? ""],
      ["status", execStatusName(f.op.opStatus)],
      ["rsc", rsc ? printableId(rsc) : f.rscId],
    ];
    // Pacemaker writes class:provider:type here even without a provider ("stonith::ssh").
    if (rsc) attrs.push(["agent", `${rsc.cls ?? ""}:${rsc.provider ?? ""}:${rsc.type ?? ""}`]);
    const change = Number(a["last-rc-change"] ?? 0);
    if (change > 0) attrs.push(["last-rc-change", epochText(change)], ["exec-time", a["exec-time"] ?? ""]);
    xml += `    <operation ${attrs.map(([k, v]) => `${k}="${escapeAttr(v)}"`).join(" ")}/>\n`;
  }
  return `${xml}  </operations>\n`;
}
