import { type ClusterNode, type Resource, type WorkingSet } from "@hbx/pengine";
import { resourceOnlyLine } from "../common/resource-line.js";
import { nodeState, runningByNode } from "./by-node.js";
import { epochText, printableId, rcText } from "./format.js";
import { type FailedAction, failedActions } from "./history.js";
import { execStatusName } from "../common/exec-status.js";
import { pruneInactive, topLevelBlocks } from "./resources.js";

/** `NAME (ID)`, or just NAME where the id is the name (as corosync-less CIBs often have it). */
export function nodeLabel(n: ClusterNode): string {
  return n.id !== n.name ? `${n.name} (${n.id})` : n.name;
}

/** -R's node list: every node on its own line, with its id and, online, its feature set. */
function nodeLines(ws: WorkingSet): string[] {
  const running = runningByNode(ws);
  return [
    "Node List:",
    ...ws.nodes.map((n) => {
      const feature =
        n.online && !n.remote ? `, feature set ${n.attrs.get("#feature-set") ?? "<3.15.1"}` : "";
      return `  * ${n.remote ? "RemoteNode" : "Node"} ${nodeLabel(n)}: ${nodeState(n, running)}${feature}`;
    }),
  ];
}

function leaves(r: Resource): Resource[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves);
}

function instanceLine(r: Resource, indent: string): string {
  const node = r.runningOn.length === 1 ? r.runningOn[0] : undefined;
  return `${indent}* ${resourceOnlyLine(printableId(r), r, node)}`;
}

/**
 * A clone with each instance on its own line (-R), stopped ones included; a group instance with
 * its members, the stopped ones counted rather than shown unless -r.
 */
function cloneDetail(header: string, clone: Resource, showInactive: boolean): string[] {
  const out = [header];
  for (const inst of clone.children) {
    if (inst.children.length === 0) {
      out.push(instanceLine(inst, "    "));
      continue;
    }
    const members = inst.children.filter((m) => showInactive || m.runningOn.length > 0);
    if (members.length === 0) continue;
    const hidden = inst.children.length - members.length;
    const note = hidden > 0 ? ` (${hidden} member${hidden > 1 ? "s" : ""} inactive)` : "";
    out.push(`    * Resource Group: ${inst.id}${note}:`);
    for (const m of members) out.push(instanceLine(m, "      "));
  }
  return out;
}

/** "Node List:" and the resources in -R's detail. */
export function detailStatusLines(ws: WorkingSet, showInactive: boolean): string[] {
  const resources: string[] = [];
  for (const { rsc, lines } of topLevelBlocks(ws)) {
    if (rsc.variant.kind === "clone") {
      if (!showInactive && !leaves(rsc).some((l) => l.runningOn.length > 0)) continue;
      resources.push(...cloneDetail(lines[0], rsc, showInactive));
    } else resources.push(...(showInactive ? lines : pruneInactive(lines)));
  }
  const title = showInactive ? "Full List of Resources:" : "Active Resources:";
  const body =
    resources.length > 0 ? resources : [showInactive ? "  * No resources" : "  * No active resources"];
  return [...nodeLines(ws), "", title, ...body];
}

/** -R's failed action: `op_key on node 'text' (rc): call=N, status='…', last-rc-change='…', queued=…ms, exec=…ms`. */
function failedDetailLine(f: FailedAction): string {
  const a = f.op.element.attrs;
  let s = `  * ${a.operation_key ?? f.op.id} on ${f.node} '${rcText(f.op.rc)}' (${f.op.rc}): call=${f.op.callId}, status='${execStatusName(f.op.opStatus)}'`;
  const reason = a["exit-reason"];
  if (reason) s += `, exitreason='${reason}'`;
  const change = Number(a["last-rc-change"] ?? 0);
  if (change > 0)
    s += `, last-rc-change='${epochText(change)}', queued=${a["queue-time"] ?? 0}ms, exec=${a["exec-time"] ?? 0}ms`;
  return s;
}

export function failedDetailLines(ws: WorkingSet): string[] {
  const list = failedActions(ws);
  return list.length === 0 ? [] : ["", "Failed Resource Actions:", ...list.map(failedDetailLine)];
}
