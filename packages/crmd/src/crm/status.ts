/**
 * The DC's own edits of the CIB, as pure functions on a document: node entries, node_state as
 * Pacemaker's controller writes it for members and for nodes that left, and the cluster
 * attributes (have-quorum, dc-uuid) the policy engine reads.
 */
import {
  type XmlElement,
  childElements,
  clusterOption,
  element,
  firstChild,
  getTransientAttribute,
} from "@hbx/cib";
import type { MembershipView } from "@hbx/ccm";

export type NodeName = string;

function ensureChild(parent: XmlElement, name: string): XmlElement {
  const found = firstChild(parent, name);
  if (found) return found;
  const el = element(name);
  parent.children.push(el);
  return el;
}

/** The id a node has in configuration/nodes (added with id = name when missing). */
export function nodeIdOf(cib: XmlElement, node: NodeName): string {
  const nodes = firstChild(firstChild(cib, "configuration") ?? cib, "nodes");
  for (const n of nodes ? childElements(nodes, "node") : [])
    if (n.attrs.uname === node) return n.attrs.id ?? node;
  return node;
}

/** Every ha.cf node gets a configuration/nodes entry, as Heartbeat's crmd added joining nodes. */
export function ensureNodeEntries(cib: XmlElement, nodes: readonly NodeName[]): void {
  const conf = ensureChild(cib, "configuration");
  const list = ensureChild(conf, "nodes");
  const known = new Set(childElements(list, "node").map((n) => n.attrs.uname));
  for (const n of nodes)
    if (!known.has(n)) list.children.push(element("node", { id: n, uname: n, type: "member" }));
}

/**
 * node_state for every configured node: a member is in_ccm, crmd online, join member, expected
 * member; a node that left is in_ccm false, crmd offline, join down (expected stays as it was,
 * so with fencing the policy engine would see it went down unexpectedly). Its lrm history is
 * kept: without fencing the policy engine ignores an offline node's history. Its transient
 * attributes are erased when it is lost (not again while it stays away).
 */
export function writeNodeStates(
  cib: XmlElement,
  members: readonly NodeName[],
  all: readonly NodeName[],
  dc: NodeName,
): void {
  const status = ensureChild(cib, "status");
  const byName = new Map<string, XmlElement>();
  for (const ns of childElements(status, "node_state")) byName.set(ns.attrs.uname ?? ns.attrs.id ?? "", ns);
  const isMember = new Set(members);
  for (const n of all) {
    let ns = byName.get(n);
    // A node never seen gets no node_state: with fencing that would read as "not seen, fence it".
    if (!ns && !isMember.has(n)) continue;
    if (!ns) {
      ns = element("node_state", { id: nodeIdOf(cib, n), uname: n });
      status.children.push(ns);
    }
    if (isMember.has(n)) {
      Object.assign(ns.attrs, {
        in_ccm: "true",
        crmd: "online",
        "crm-debug-origin": "hbx_join",
        join: "member",
        expected: "member",
      });
    } else if (ns.attrs.in_ccm !== undefined) {
      // Lost now (it was a member): its transient attributes, fail-counts among them, went with
      // its attribute manager, so the DC erases them at once as Pacemaker's controller does when
      // a peer leaves. Its lrm history stays until it rejoins (nothing fenced it).
      const wasUp = ns.attrs.crmd === "online" || ns.attrs.in_ccm === "true";
      // A node that asked to shut down and then left went down as expected: nothing to fence.
      const shutdown = getTransientAttribute(ns, "shutdown");
      if (wasUp && shutdown !== undefined && shutdown !== "" && shutdown !== "0") ns.attrs.expected = "down";
      if (wasUp)
        ns.children = ns.children.filter((c) => !(c.kind === "element" && c.name === "transient_attributes"));
      Object.assign(ns.attrs, {
        in_ccm: "false",
        crmd: "offline",
        "crm-debug-origin": "hbx_peer_lost",
        join: "down",
      });
    }
  }
  cib.attrs["dc-uuid"] = nodeIdOf(cib, dc);
}

/** The CIB's no-quorum-policy, if set in crm_config. */
export function noQuorumPolicy(cib: XmlElement): string | undefined {
  return clusterOption(cib, "no-quorum-policy");
}

/**
 * have-quorum as the policy engine should see it: majority quorum, except that a two-node
 * cluster without an explicit no-quorum-policy keeps running on one node (Heartbeat v2 practice).
 */
export function effectiveQuorum(cib: XmlElement, view: MembershipView): boolean {
  if (view.quorate) return true;
  return view.twoNode && noQuorumPolicy(cib) === undefined;
}

export function writeClusterAttrs(cib: XmlElement, haveQuorum: boolean): void {
  cib.attrs["have-quorum"] = haveQuorum ? "1" : "0";
}

/** node_state attribute naming the LRM instance whose results its history holds. */
export const LRM_INSTANCE_ATTR = "hbx-lrm-instance";

/**
 * For each node whose LRM instance is known: if it differs from the one its node_state names,
 * the node restarted since that history was written, so drop the history (nothing it ran then
 * runs now) and its transient attributes (fail-counts) and record the new instance.
 */
export function adoptLrmInstances(cib: XmlElement, instances: ReadonlyMap<NodeName, string>): NodeName[] {
  const status = firstChild(cib, "status");
  const cleared: NodeName[] = [];
  for (const ns of status ? childElements(status, "node_state") : []) {
    const inst = instances.get(ns.attrs.uname ?? "");
    if (inst === undefined || ns.attrs[LRM_INSTANCE_ATTR] === inst) continue;
    if (ns.attrs[LRM_INSTANCE_ATTR] !== undefined || firstChild(ns, "lrm"))
      cleared.push(ns.attrs.uname ?? "");
    // Transient attributes (fail-counts among them) lived in the old instance's attribute
    // manager: a restarted node has none, as after a Pacemaker node restart.
    ns.children = ns.children.filter(
      (c) => !(c.kind === "element" && (c.name === "lrm" || c.name === "transient_attributes")),
    );
    ns.attrs[LRM_INSTANCE_ATTR] = inst;
  }
  return cleared;
}
