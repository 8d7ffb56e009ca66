import type { ClusterNode, Resource } from "../types.js";

/**
 * The node a clone instance is being tried on first (Pacemaker's "prefer" argument to assign):
 * on a tie with the best score, the instance stays there rather than moving.
 */
export const preferredNode = new WeakMap<Resource, ClusterNode>();
