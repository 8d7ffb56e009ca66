import { type CibConfiguration, type NodeStateRecord } from "@hbx/cib";
import type { ClusterNode, ClusterOptions, NodeName } from "../types.js";
import { isTrue, resolveSets } from "./attributes.js";
import { parseInterval } from "./rules.js";

/** Pacemaker sorts node names case-insensitively, comparing runs of digits as numbers. */
export function compareNodeNames(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.toLowerCase().match(re) ?? [];
  const pb = b.toLowerCase().match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * Cluster nodes from `<nodes>` and their `node_state`: online, unclean (and why), standby,
 * maintenance, pending, as Pacemaker's unpack decides them.
 */
export function unpackNodes(
  conf: CibConfiguration,
  states: NodeStateRecord[],
  options: ClusterOptions,
  now: Date,
): ClusterNode[] {
  const byId = new Map<string, NodeStateRecord>();
  const byUname = new Map<string, NodeStateRecord>();
  for (const s of states) {
    byId.set(s.id, s);
    if (s.uname) byUname.set(s.uname, s);
  }
  const nodes: ClusterNode[] = [];
  const seen = new Set<NodeName>();
  // node-pending-timeout (seconds; 0 = wait forever) fences a node stuck joining.
  const raw = resolveSets(conf.clusterOptions, { now }, { canonical: true });
  const pendingTimeout = parseInterval(raw.get("node-pending-timeout")) / 1000;
  const nowSeconds = now.getTime() / 1000;
  for (const n of conf.nodes) {
    if (seen.has(n.uname)) continue;
    seen.add(n.uname);
    const remote = n.type === "remote";
    const attrs = resolveSets(n.attributes, { now });
    const node = newClusterNode(n.uname, n.id, n.type, remote, attrs);
    const state = byId.get(n.id) ?? byUname.get(n.uname);
    if (state) {
      node.unseen = false;
      for (const [k, v] of resolveSets(state.transient, { now })) attrs.set(k, v);
      determineOnline(node, state.attrs, options);
      if (node.fenceReason === "peer process is no longer available" || node.pending) {
        if (pendingTooLong(state.attrs, pendingTimeout, nowSeconds)) {
          node.unclean = true;
          node.online = false;
          node.pending = false;
          node.fenceReason = "peer pending timed out on joining the process group";
        }
      }
      if (node.online && !node.unclean && !options.haveQuorum && options.noQuorumPolicy === "suicide") {
        // A partition that lost quorum shoots itself so the quorate side can take over.
        node.unclean = true;
        node.fenceReason = "cluster does not have quorum";
      }
    } else if (options.stonithEnabled && options.startupFencing && !remote) {
      // A node never seen might be running anything: fence it before trusting that.
      node.unclean = true;
      node.fenceReason = "node is unclean";
    }
    const shutdownAttr = attrs.get("shutdown");
    if (shutdownAttr !== undefined && shutdownAttr !== "0" && shutdownAttr !== "") node.shutdown = true;
    if (isTrue(attrs.get("standby"))) node.standby = true;
    if (isTrue(attrs.get("maintenance"))) node.maintenance = true;
    if (options.maintenanceMode) node.maintenance = node.maintenance || false;
    attrs.set("#uname", node.name);
    attrs.set("#id", node.id);
    attrs.set("#kind", remote ? "remote" : "cluster");
    nodes.push(node);
  }
  nodes.sort((a, b) => compareNodeNames(a.name, b.name));
  nodes.forEach((n, i) => (n.index = i));
  return nodes;
}

function determineOnline(node: ClusterNode, a: Record<string, string>, options: ClusterOptions): void {
  const inCluster = a.in_ccm;
  const peer = a.crmd;
  const join = a.join;
  const expected = a.expected;
  const peerOnline = peer === "online" || (peer !== undefined && /^\d+$/.test(peer) && peer !== "0");
  const member =
    inCluster !== undefined && (isTrue(inCluster) || (/^\d+$/.test(inCluster) && inCluster !== "0"));
  node.expectedUp = expected === "member";
  const terminate = terminateRequested(node.attrs.get("terminate"));
  if (!options.stonithEnabled) {
    if (!member) return;
    // Without fencing a node still joining is simply not online yet, not pending (Pacemaker's
    // determine_online_status_no_fencing).
    if (peerOnline) {
      if (join === "member") node.online = true;
    } else if (node.expectedUp) {
      node.unclean = true;
      node.fenceReason = "peer is unexpectedly down";
    }
    return;
  }
  const shutdown = node.attrs.get("shutdown");
  if (shutdown !== undefined && shutdown !== "0" && shutdown !== "") {
    // A node asked to shut down is judged only by whether its controller still runs: a dead
    // peer cannot be shut down, a live one is online (though it takes no resources), not pending.
    node.online = peerOnline;
    return;
  }
  if (inCluster === undefined) {
    node.unclean = true;
    node.fenceReason = "peer has not been seen by the cluster";
  } else if (join === "banned") {
    // The controller's join state for a node it refused (CRMD_JOINSTATE_NACK).
    node.unclean = true;
    node.fenceReason = "peer failed Pacemaker membership criteria";
  } else if (terminate) {
    // Current Pacemaker asks whether fencing was requested before anything else about the node
    // (2.1.5 asked after membership and said "termination was requested"); one already down
    // was fenced as asked.
    if (!(join === "down" && !member && !peerOnline)) {
      node.unclean = true;
      node.online = member;
      node.fenceReason = "fencing was requested";
    }
  } else if (expected === undefined || expected === "down") {
    // Not (or no longer) expected up: still joining, or on its way out. Seen at all, it is
    // pending, and shown up while it is a member.
    if (member || peerOnline) {
      node.pending = true;
      node.online = member;
    }
  } else if (!member) {
    node.unclean = true;
    node.fenceReason = "peer is no longer part of the cluster";
  } else if (!peerOnline) {
    node.unclean = true;
    node.online = true;
    node.fenceReason = "peer process is no longer available";
  } else if (join === "member") {
    node.online = true;
  } else if (join === "pending" || join === "down") {
    node.online = true;
    node.pending = true;
  } else {
    node.unclean = true;
    node.online = true;
    node.fenceReason = "peer was in an unknown state";
  }
  // An unclean node that is not a member is shown offline.
  if (node.unclean && !member) node.online = false;
}

/**
 * The `terminate` node attribute asks for the node to be fenced: true, or a time (any number not
 * starting with 0), as Pacemaker's determine_online_status_fencing reads it.
 */
function terminateRequested(value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  return isTrue(value) || /^[1-9]/.test(value);
}

/**
 * A node that joined the membership (in_ccm: true or the time it joined) but whose controller
 * never came up, for longer than node-pending-timeout.
 */
function pendingTooLong(a: Record<string, string>, timeout: number, now: number): boolean {
  if (timeout <= 0) return false;
  const inCcm = a.in_ccm ?? "";
  const member = isTrue(inCcm) ? 1 : /^\d+$/.test(inCcm) ? Number(inCcm) : 0;
  const crmd = a.crmd ?? "";
  const online = crmd === "online" ? 1 : /^\d+$/.test(crmd) ? Number(crmd) : 0;
  return member > 0 && online <= 0 && now >= member + timeout;
}

/** A node as configured, before its state is read: offline, unseen, nothing assigned. */
export function newClusterNode(
  name: string,
  id: string,
  type: ClusterNode["type"],
  remote: boolean,
  attrs: ClusterNode["attrs"],
): ClusterNode {
  return {
    name,
    id,
    type,
    online: false,
    unclean: false,
    shutdown: false,
    standby: false,
    standbyOnFail: false,
    maintenance: false,
    pending: false,
    unseen: true,
    expectedUp: false,
    remote,
    attrs,
    health: 0,
    assignedCount: 0,
    index: 0,
  };
}
