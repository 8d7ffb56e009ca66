import type { ClusterNode, Resource, WorkingSet } from "../types.js";

/**
 * One table of methods per kind of resource, so the stages never ask what kind a resource is
 * (the shape of Pacemaker's resource_alloc_functions_t).
 */
export interface Variant {
  readonly kind: "primitive" | "group" | "clone";
  /**
   * Add a score for a node to this resource (and, for collectives, to what it holds). `source`
   * says why at the call (a constraint, "resource-stickiness"); it is not kept.
   */
  addScore(rsc: Resource, node: ClusterNode, score: number, source: string, ws: WorkingSet): void;
  /** Choose the node (null: nowhere); records the choice and what was considered. */
  assign(rsc: Resource, ws: WorkingSet): ClusterNode | null;
  /** Create this resource's actions from where it runs and where it was assigned. */
  createActions(rsc: Resource, ws: WorkingSet): void;
  /** Orderings between this resource's own actions and its members'. */
  internalOrderings(rsc: Resource, ws: WorkingSet): void;
  /** The node that stands for this resource as the primary of a colocation. */
  colocationNodes(rsc: Resource, mandatory: boolean, role?: number): ClusterNode[] | null;
  /** Every primitive inside, in order. */
  leaves(rsc: Resource): Resource[];
}
