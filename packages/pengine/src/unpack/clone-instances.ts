import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { activeNodes, isUniqueClone } from "../assign/clone-assign.js";

function cloneOf(r: Resource): Resource | undefined {
  for (let p = r.parent; p; p = p.parent) if (p.variant.kind === "clone") return p;
  return undefined;
}

/**
 * The primitive a history entry names. Unique clone instances and plain resources are found by
 * id. An anonymous clone's history may carry any instance number (or none), so, as Pacemaker's
 * find_anonymous_clone does, it belongs to the instance already active on that node (a cloned
 * group: any member active there), else to the first instance active nowhere; none left: an
 * orphan (undefined).
 */
export function findHistoryResource(id: string, ws: WorkingSet, node: ClusterNode): Resource | undefined {
  const base = id.replace(/:\d+$/, "");
  const direct = ws.resourceById.get(id);
  const sample = direct ?? ws.resourceById.get(`${base}:0`) ?? ws.resourceById.get(base);
  if (!sample) return undefined;
  const clone = cloneOf(sample);
  if (!clone) return sample.children.length === 0 ? sample : undefined;
  if (isUniqueClone(clone)) {
    return direct && direct.children.length === 0 ? direct : undefined;
  }
  let inactive: Resource | undefined;
  for (const inst of clone.children) {
    const leaf = inst.variant.leaves(inst).find((l) => l.id.replace(/:\d+$/, "") === base);
    if (!leaf) continue;
    const nodes = activeNodes(inst);
    if (nodes.length > 0) {
      if (nodes.includes(node) && !leaf.history.has(node.name)) return leaf;
    } else if (inactive === undefined && !(leaf.pendingNode && leaf.pendingNode !== node)) {
      inactive = leaf;
    }
  }
  return inactive;
}
