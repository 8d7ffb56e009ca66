import { type HaresourcesLine } from "@hbx/transport";
import { type GroupId, type NodeName, type ResourceSet, type V1Group } from "./types.js";

/** A haresources line that cannot run in this cluster: names the file:line and what was wrong. */
export class V1ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

/**
 * The groups of haresources, in file order. A group is named by its `#id` comment when present,
 * else `group_N` (N counting lines from 1). The preferred node must be one of ha.cf's nodes:
 * Heartbeat would silently never run a group preferring an unknown node.
 */
export function groupsFromHaresources(
  lines: readonly HaresourcesLine[],
  nodes: readonly NodeName[],
): V1Group[] {
  const known = new Set(nodes);
  const seen = new Map<GroupId, number>();
  return lines.map((l, i) => {
    const id = l.id ?? `group_${i + 1}`;
    const first = seen.get(id);
    if (first !== undefined) {
      throw new V1ConfigError(
        l.file,
        l.line,
        `expected a unique group id, found ${id} again (first on line ${first})`,
      );
    }
    seen.set(id, l.line);
    if (!known.has(l.node)) {
      throw new V1ConfigError(
        l.file,
        l.line,
        `expected the preferred node to be one of ha.cf's nodes (${nodes.join(", ")}), found ${l.node}`,
      );
    }
    return { id, preferred: l.node, resources: l.resources, file: l.file, line: l.line };
  });
}

/** The groups hb_standby/hb_takeover's argument names, relative to `node`. */
export function groupsInSet(groups: readonly V1Group[], node: NodeName, which: ResourceSet): GroupId[] {
  return groups
    .filter((g) => which === "all" || (which === "local") === (g.preferred === node))
    .map((g) => g.id);
}
