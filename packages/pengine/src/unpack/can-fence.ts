import type { ClusterNode, Resource, WorkingSet } from "../types.js";

/**
 * Whether anything can carry out fencing: a stonith-class resource anywhere in the
 * configuration, or watchdog self-fencing (have-watchdog). Pacemaker's
 * pe_flag_have_stonith_resource, set by common_unpack and unpack_config.
 */
export function haveFencingDevice(ws: WorkingSet): boolean {
  if (ws.options.haveWatchdog) return true;
  for (const r of ws.resourceById.values()) if (r.cls === "stonith") return true;
  return false;
}

/**
 * Whether a cluster node can be fenced (Pacemaker's pe_can_fence): fencing enabled, a device to
 * do it, and quorum — or no-quorum-policy=ignore, or the node in this partition's membership.
 */
export function canFence(ws: WorkingSet, node: ClusterNode): boolean {
  if (!ws.options.stonithEnabled || !haveFencingDevice(ws)) return false;
  return ws.options.haveQuorum || ws.options.noQuorumPolicy === "ignore" || node.online;
}

/**
 * Resources the scheduler holds unmanaged only because fencing is enabled without a device
 * (see unmanageWithoutFencingDevice): Pacemaker clears their managed flag while assigning, so
 * its status output still shows them managed.
 */
const heldForLackOfDevice = new WeakSet<Resource>();

export function holdForLackOfDevice(rsc: Resource): void {
  if (!rsc.managed) return;
  rsc.managed = false;
  heldForLackOfDevice.add(rsc);
}

/** Whether the status shows the resource unmanaged: so configured, or blocked by a failure. */
export function shownUnmanaged(rsc: Resource): boolean {
  return !rsc.managed && !heldForLackOfDevice.has(rsc);
}
