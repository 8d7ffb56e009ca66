import { MINUS_INFINITY, type NodeStateRecord } from "@hbx/cib";
import { type ClusterNode, type Resource, Role, type WorkingSet } from "../types.js";
import { isTrue, resolveSets } from "./attributes.js";
import { compareNodeNames, newClusterNode } from "./nodes.js";
import { parseInterval } from "./rules.js";
import { guestContainer, resetGuest } from "./guest-reset.js";

/** An `ocf:pacemaker:remote` primitive: the connection that makes a Pacemaker Remote node. */
export function isRemoteConnection(rsc: Resource): boolean {
  return (
    rsc.children.length === 0 && rsc.cls === "ocf" && rsc.provider === "pacemaker" && rsc.type === "remote"
  );
}

/** A guest node: one whose connection is launched by another resource (its container). */
export function isGuestNode(node: ClusterNode): boolean {
  return node.remoteRsc !== undefined && node.remoteRsc.meta.has("container");
}

/**
 * Every remote connection resource defines a node of the same name (unless `<nodes>` already has
 * it). Like a cluster node never seen, it starts out unclean until its state is known.
 */
export function addRemoteNodes(ws: WorkingSet): void {
  let added = false;
  for (const rsc of ws.resourceById.values()) {
    if (!isRemoteConnection(rsc)) continue;
    if (linkRemoteNode(rsc, ws)) added = true;
    // A reconnect interval works as the connection's failure timeout (Pacemaker's
    // pe__unpack_resource): its failure clears, and it may connect again, only once it expires.
    const reconnect = reconnectInterval(rsc);
    if (reconnect > 0) rsc.failureTimeout = reconnect;
  }
  if (added) sortNodes(ws);
}

/** A connection's reconnect_interval instance attribute, in seconds (0: none). */
export function reconnectInterval(rsc: Resource): number {
  const v = rsc.params.get("reconnect_interval");
  return v === undefined ? 0 : parseInterval(v) / 1000;
}

/**
 * A connection whose failure reset its node and waits out a reconnect interval stays stopped
 * until the failure expires (Pacemaker's process_rsc_state for on-fail=reset_remote), and stays
 * failed meanwhile: its stop did not clear the failure.
 */
export function awaitReconnect(rsc: Resource, onFail: string): void {
  if (onFail !== "reset_remote" || !isRemoteConnection(rsc) || reconnectInterval(rsc) === 0) return;
  rsc.stopOnly = true;
  rsc.failed = true;
}

/**
 * The node a connection resource makes, created unless `<nodes>` already has it; returns whether
 * it was created (Pacemaker's pe__create_node and link_rsc2remotenode).
 */
function linkRemoteNode(rsc: Resource, ws: WorkingSet): boolean {
  let node = ws.nodeByName.get(rsc.id);
  const created = node === undefined;
  if (node === undefined) {
    node = newClusterNode(
      rsc.id,
      rsc.id,
      "remote",
      true,
      new Map([
        ["#uname", rsc.id],
        ["#id", rsc.id],
        ["#kind", "remote"],
      ]),
    );
    ws.nodes.push(node);
    ws.nodeByName.set(node.name, node);
    ws.nodeById.set(node.id, node);
  }
  node.remote = true;
  node.remoteRsc = rsc;
  // A guest node's kind is "container" (Pacemaker's link_rsc2remotenode), for rules on #kind.
  if (rsc.meta.has("container")) node.attrs.set("#kind", "container");
  // Until its state is read, a remote node is offline and, with startup fencing, unclean; a
  // guest node is not fenced at startup (its container's state says what it needs).
  node.online = false;
  node.pending = false;
  node.unclean = ws.options.startupFencing && !rsc.meta.has("container");
  node.fenceReason = node.unclean ? "node is unclean" : undefined;
  return created;
}

function sortNodes(ws: WorkingSet): void {
  ws.nodes.sort((a, b) => compareNodeNames(a.name, b.name));
  ws.nodes.forEach((n, i) => (n.index = i));
}

/**
 * A connection resource found only in the status section still makes its node, which is shutting
 * down: what runs there moves off before the connection stops (Pacemaker's create_fake_resource).
 */
export function orphanedConnection(rsc: Resource, ws: WorkingSet): void {
  if (!isRemoteConnection(rsc) || ws.nodeByName.get(rsc.id)?.remoteRsc !== undefined) return;
  if (linkRemoteNode(rsc, ws)) sortNodes(ws);
  const node = ws.nodeByName.get(rsc.id);
  if (node === undefined) return;
  node.shutdown = true;
  madeLate.add(node);
}

const madeLate = new WeakSet<ClusterNode>();

/**
 * Whether a node was made by an orphaned connection while the status was read: Pacemaker's
 * resources were unpacked before it existed, so it is in none of their allowed-node tables (a
 * clone does not list it as a node where it is stopped).
 */
export function madeByOrphanedConnection(node: ClusterNode): boolean {
  return madeLate.has(node);
}

/**
 * Whether a remote node is up follows from its connection resource (Pacemaker's
 * determine_remote_online_status): online while the connection is started, offline when it
 * failed or is stopped.
 */
function determineRemoteOnline(node: ClusterNode): void {
  const rsc = node.remoteRsc;
  if (rsc === undefined) {
    node.online = false;
    return;
  }
  if (rsc.role === Role.Started) {
    node.online = true;
    // A running connection vouches for a node with no status entry yet.
    if (node.unseen) node.unclean = false;
  }
  // A connection being stopped (target-role) takes its node down cleanly: a shutdown.
  if (rsc.role === Role.Started && rsc.targetRole === Role.Stopped) node.shutdown = true;
  if (rsc.failed || rsc.role <= Role.Stopped) node.online = false;
  // A guest whose container failed, or whose host is lost and will be fenced, is down and reset
  // through its container (determine_remote_online_status).
  const host = rsc.runningOn.length === 1 ? rsc.runningOn[0] : undefined;
  const container = guestContainer(node);
  if (container !== undefined && (container.failed || (host && !host.online && host.unclean))) {
    node.online = false;
    resetGuest(node, container.failed);
  }
}

/** Connection resources are assigned first, so resources can then use the nodes they make. */
export function connectionsFirst(resources: Resource[]): Resource[] {
  return [...resources.filter(isRemoteConnection), ...resources.filter((r) => !isRemoteConnection(r))];
}

/**
 * A remote node never seen in the status section need not be fenced when its connection can
 * simply be started: fencing it is left to the case where the connection failed.
 */
export function remoteNeedsFencing(node: ClusterNode): boolean {
  const rsc = node.remoteRsc;
  if (rsc === undefined || !node.unseen) return true;
  return rsc.failed;
}

/** Neither a connection resource nor a fencing device can run on a remote node. */
export function banConnectionsFromRemoteNodes(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    const what = isRemoteConnection(rsc)
      ? "remote connection"
      : rsc.children.length === 0 && rsc.cls === "stonith"
        ? "fencing device"
        : undefined;
    if (what === undefined) continue;
    for (const node of ws.nodes)
      if (node.remote) rsc.variant.addScore(rsc, node, MINUS_INFINITY, `${what} on a remote node`, ws);
  }
}

/** Remote nodes to fence because their connection failed beyond recovery. */
const unrecoverable = new WeakSet<ClusterNode>();

/**
 * A remote connection whose failure resets its node (on-fail=reset_remote, the default for a
 * failed monitor): with fencing enabled the node is fenced, even if the connection is started
 * again in this transition.
 */
export function connectionUnrecoverable(rsc: Resource, ws: WorkingSet): void {
  const node = ws.nodeByName.get(rsc.id);
  if (node === undefined || node.remoteRsc !== rsc) return;
  node.unseen = false;
  if (!ws.options.stonithEnabled) return;
  // A guest node is reset through its container instead (pe_fence_node for a guest).
  if (guestContainer(node) !== undefined) {
    resetGuest(node);
    return;
  }
  node.unclean = true;
  node.fenceReason = "remote connection is unrecoverable";
  unrecoverable.add(node);
}

/**
 * A managed resource active on a node that is down means the node must be fenced (Pacemaker's
 * process_rsc_state), unless the node is in maintenance. For a remote node whose connection has
 * not failed, the fencing is revoked if the connection can be placed again (marked unseen).
 */
export function activeOnOfflineNode(rsc: Resource, node: ClusterNode, ws: WorkingSet): void {
  if (node.online || node.maintenance || !rsc.managed) return;
  // On a guest node that is down, the resource is recovered and the guest reset through its
  // container, fencing device or not (process_rsc_state).
  if (guestContainer(node) !== undefined) {
    rsc.failed = true;
    resetGuest(node);
    return;
  }
  if (!ws.options.stonithEnabled) return;
  let reason = `${rsc.id} is thought to be active there`;
  const conn = node.remoteRsc;
  if (node.remote && conn !== undefined && !conn.failed) {
    node.unseen = true;
    reason = `${rsc.id} is active there (fencing will be revoked if remote connection can be re-established elsewhere)`;
  }
  if (!node.unclean) {
    node.unclean = true;
    node.fenceReason = reason;
  }
}

/** Transient attributes of a remote node seen in the status section, and its flags from them. */
function handleRemoteAttributes(node: ClusterNode, st: NodeStateRecord, ws: WorkingSet): void {
  if (!unrecoverable.has(node)) {
    node.unclean = false;
    node.fenceReason = undefined;
  }
  node.unseen = false;
  for (const [k, v] of resolveSets(st.transient, { now: ws.now })) node.attrs.set(k, v);
  const shutdown = node.attrs.get("shutdown");
  if (shutdown !== undefined && shutdown !== "0" && shutdown !== "") node.shutdown = true;
  if (isTrue(node.attrs.get("standby"))) node.standby = true;
  const rsc = node.remoteRsc;
  node.maintenance = isTrue(node.attrs.get("maintenance")) || (rsc !== undefined && !rsc.managed);
}

/**
 * Remote nodes' histories are read after the cluster nodes', once their connection's state is
 * known: first those whose connection is started, then (with fencing) the rest, so resources
 * left on a lost remote node are seen and the node fenced.
 */
export function unpackRemoteStates(
  states: NodeStateRecord[],
  ws: WorkingSet,
  unpackHistory: (st: NodeStateRecord, node: ClusterNode) => void,
): void {
  const done = new Set<ClusterNode>();
  const pass = (fence: boolean): void => {
    let changed = true;
    while (changed) {
      changed = false;
      for (const st of states) {
        const node = ws.nodeById.get(st.id) ?? (st.uname ? ws.nodeByName.get(st.uname) : undefined);
        if (node === undefined || done.has(node)) continue;
        const rsc = node.remoteRsc;
        if (rsc === undefined || (!fence && rsc.role !== Role.Started)) continue;
        determineRemoteOnline(node);
        handleRemoteAttributes(node, st, ws);
        unpackHistory(st, node);
        done.add(node);
        changed = true;
      }
    }
  };
  pass(false);
  if (ws.options.stonithEnabled) pass(true);
  for (const node of ws.nodes) if (node.remote && !done.has(node)) determineRemoteOnline(node);
}
