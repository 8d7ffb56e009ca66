import { INFINITY, MINUS_INFINITY, childElements, firstChild } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { isRemoteConnection } from "./remote.js";
import { parseInterval } from "./rules.js";

/** Whether a resource can be locked at all: fencing devices, connections and clones cannot. */
function lockable(rsc: Resource): boolean {
  if (rsc.children.length > 0 || rsc.cls === "stonith" || isRemoteConnection(rsc)) return false;
  for (let p = rsc.parent; p; p = p.parent) if (p.variant.kind === "clone") return false;
  return rsc.managed;
}

function lockTo(rsc: Resource, node: ClusterNode, ws: WorkingSet): void {
  rsc.variant.addScore(rsc, node, INFINITY, "shutdown-lock", ws);
  for (const n of ws.nodes) if (n !== node) rsc.variant.addScore(rsc, n, MINUS_INFINITY, "shutdown-lock", ws);
}

/**
 * With shutdown-lock, a resource stopped by a clean node shutdown stays locked to that node
 * until the node returns (or shutdown-lock-limit passes): the lock recorded in the history
 * (`shutdown-lock` on lrm_resource) keeps it from starting elsewhere.
 */
export function applyHistoryShutdownLocks(ws: WorkingSet, raw: Map<string, string>): void {
  if (!ws.options.shutdownLock) return;
  const limit = parseInterval(raw.get("shutdown-lock-limit") ?? "0") / 1000;
  const now = ws.now.getTime() / 1000;
  const status = firstChild(ws.cib, "status");
  if (status === undefined) return;
  for (const st of childElements(status, "node_state")) {
    const node = ws.nodeById.get(st.attrs.id ?? "") ?? ws.nodeByName.get(st.attrs.uname ?? "");
    const lrm = firstChild(st, "lrm");
    const list = lrm && firstChild(lrm, "lrm_resources");
    if (node === undefined || list === undefined) continue;
    for (const el of childElements(list, "lrm_resource")) {
      const at = Number(el.attrs["shutdown-lock"] ?? "");
      if (!at) continue;
      const rsc = ws.resourceById.get(el.attrs.id ?? "");
      if (rsc === undefined || !lockable(rsc)) continue;
      if (limit > 0 && at + limit <= now) continue;
      rsc.lockNode = node;
      // Already active again: the status still shows the lock, but scheduling cancels it
      // (applyNewShutdownLocks) rather than disturb the resource.
      if (rsc.runningOn.length === 0) lockTo(rsc, node, ws);
    }
  }
}

/**
 * A resource on a node shutting down cleanly is locked there rather than moved; one locked by its
 * history but already active again is unlocked (Pacemaker's pcmk__primitive_shutdown_lock).
 */
export function applyNewShutdownLocks(ws: WorkingSet): void {
  if (!ws.options.shutdownLock) return;
  for (const rsc of ws.resourceById.values()) {
    if (rsc.lockNode && rsc.runningOn.length > 0) rsc.lockNode = undefined;
    if (!lockable(rsc) || rsc.lockNode || rsc.runningOn.length !== 1) continue;
    const node = rsc.runningOn[0];
    if (node.shutdown && !node.unclean) lockTo(rsc, node, ws);
  }
}
