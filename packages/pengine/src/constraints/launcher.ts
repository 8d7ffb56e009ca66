import { INFINITY, MINUS_INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { addColocation } from "./colocation.js";

/** Per resource: the resource its `container` meta attribute names (Pacemaker's launcher). */
const launchers = new WeakMap<Resource, Resource>();

/** The resource that launches `rsc` (its `container` meta attribute), if any. */
export function launcherOf(rsc: Resource): Resource | undefined {
  return launchers.get(rsc);
}

/**
 * A primitive whose `container` meta attribute names another resource runs inside it (Pacemaker's
 * pcmk__primitive_internal_constraints for a launched resource): it is colocated with its
 * launcher and starts after it, and stops before it. A launcher that runs a guest node
 * (remote-node) instead keeps what it launches on that node, apart from the guest node's own
 * connection, which goes with it as above.
 */
export function addLauncherConstraints(ws: WorkingSet): void {
  for (const rsc of ws.resourceById.values()) {
    if (rsc.children.length > 0 || rsc.orphan) continue;
    const id = rsc.meta.get("container");
    const launcher = id === undefined ? undefined : ws.resourceById.get(id);
    if (launcher === undefined || launcher === rsc) continue;
    launchers.set(rsc, launcher);
    const guest = launcher.meta.get("remote-node");
    // A guest's connection may go wherever its container may, even in an asymmetric cluster
    // (pe__unpack_resource's "remote_connection_default" location).
    if (guest === rsc.id && !ws.options.symmetric)
      for (const node of ws.nodes)
        if (!rsc.allowed.has(node.name)) rsc.allowed.set(node.name, { node, score: 0 });
    if (guest !== undefined && guest !== rsc.id) {
      for (const node of ws.nodes)
        if (node.name !== guest)
          rsc.variant.addScore(rsc, node, MINUS_INFINITY, `launched by guest node ${guest}'s container`, ws);
      continue;
    }
    addColocation(ws, {
      id: "#resource-with-container",
      dependent: rsc,
      primary: launcher,
      score: INFINITY,
      nodeAttribute: "#uname",
      influence: true,
    });
    // Mandatory and symmetrical: the launcher's start before the resource's (which cannot start
    // without it), the resource's stop before the launcher's.
    ws.orderConstraints.push({
      id: "#resource-with-container",
      first: launcher,
      firstAction: "start",
      then: rsc,
      thenAction: "start",
      kind: "mandatory",
      symmetrical: true,
    });
  }
}

/** Per launcher: the nodes where it must restart because something it launches failed there. */
const restarts = new WeakMap<Resource, Set<ClusterNode>>();

/**
 * A launched resource's failure restarts its launcher there (Pacemaker's default on-fail for a
 * launched resource, restart-container, applied in process_rsc_state): the resource is
 * recovered, and the launcher stops and starts again. Returns whether it applied.
 */
export function restartLauncherFor(rsc: Resource, node: ClusterNode): boolean {
  const launcher = launchers.get(rsc);
  if (launcher === undefined) return false;
  const nodes = restarts.get(launcher) ?? new Set<ClusterNode>();
  nodes.add(node);
  restarts.set(launcher, nodes);
  return true;
}

/** Whether a launcher must stop on `node` for a failure of what it launches there. */
export function launcherRestartsOn(rsc: Resource, node: ClusterNode): boolean {
  return restarts.get(rsc)?.has(node) ?? false;
}
