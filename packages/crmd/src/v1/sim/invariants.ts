import { type GroupId, type NodeName } from "../types.js";

/** What really runs where: resources whose start was issued and whose stop has not finished. */
export type ActiveResources = ReadonlyMap<NodeName, ReadonlyMap<GroupId, ReadonlySet<number>>>;

/**
 * No group has resources active on two live nodes at once. A start counts from the moment it is
 * issued (the agent may be half-way), a stop only once it finished: the strict reading.
 * Returns a description of the first violation, or undefined.
 */
export function noGroupActiveTwice(
  active: ActiveResources,
  alive: ReadonlySet<NodeName>,
): string | undefined {
  const where = new Map<GroupId, NodeName>();
  for (const [node, groups] of active) {
    if (!alive.has(node)) continue;
    for (const [group, resources] of groups) {
      if (resources.size === 0) continue;
      const other = where.get(group);
      if (other !== undefined) return `group ${group} active on ${other} and ${node}`;
      where.set(group, node);
    }
  }
  return undefined;
}
