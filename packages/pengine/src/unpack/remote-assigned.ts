import type { Resource, WorkingSet } from "../types.js";
import { Role } from "../types.js";
import { isRemoteConnection, remoteNeedsFencing } from "./remote.js";
import { fenceNode } from "../actions/fencing.js";

/**
 * Once a connection resource is placed, its remote node is taken as up for the rest of the
 * assignment (Pacemaker's remote_connection_assigned): resources that prefer the node can stay
 * there, and a node whose state is not known yet needs no fencing since the connection will be
 * tried. A connection that will not run takes its node down as a shutdown.
 */
export function remoteConnectionAssigned(rsc: Resource, ws: WorkingSet): void {
  if (!isRemoteConnection(rsc)) return;
  const node = ws.nodeByName.get(rsc.id);
  if (node === undefined || node.remoteRsc !== rsc) return;
  if (rsc.assigned && rsc.targetRole !== Role.Stopped && !rsc.stopOnly) {
    node.online = true;
    if (node.unseen) node.unclean = false;
  } else {
    node.shutdown = true;
    // The connection cannot come back, so fencing held back for it is needed after all.
    if (node.unclean && node.unseen && ws.options.stonithEnabled && !remoteNeedsFencing(node))
      fenceNode(node, ws);
  }
}
