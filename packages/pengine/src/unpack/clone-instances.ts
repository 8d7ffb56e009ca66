import { type ClusterNode, type Resource, Role, type WorkingSet } from "../types.js";
import { activeNodes, isUniqueClone } from "../assign/clone-assign.js";
import { blankResource } from "./resources.js";

function cloneOf(r: Resource): Resource | undefined {
  for (let p = r.parent; p; p = p.parent) if (p.variant.kind === "clone") return p;
  return undefined;
}

/**
 * The primitive a history entry names. Unique clone instances and plain resources are found by
 * id. An anonymous clone's history may carry any instance number (or none), so, as Pacemaker's
 * find_anonymous_clone does, it belongs to the instance already active on that node (a cloned
 * group: any member active there), else to the first instance active nowhere; none left: a
 * new orphan instance numbered after the configured ones (a cloned group's: undefined).
 */
export function findHistoryResource(id: string, ws: WorkingSet, node: ClusterNode): Resource | undefined {
  const found = findInstance(id, ws, node);
  // The agent set its promotion score under the name the history carries (Pacemaker's
  // clone_name): the last one read for the instance, when it is not the instance's own id.
  if (found && found.parent && cloneOf(found)) {
    if (found.id !== id) historyNames.set(found, id);
    else historyNames.delete(found);
  }
  return found;
}

const historyNames = new WeakMap<Resource, string>();

/** The name an anonymous clone instance's history was recorded under, if not its own id. */
export function historyName(rsc: Resource): string | undefined {
  return historyNames.get(rsc);
}

function findInstance(id: string, ws: WorkingSet, node: ClusterNode): Resource | undefined {
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
  // A second history of an anonymous primitive clone on a node where its instance already runs
  // is an orphan even if instances are free, as in Pacemaker (globally-unique flipped from true
  // to false leaves such).
  let skipInactive = false;
  for (const inst of clone.children) {
    const leaf = inst.variant.leaves(inst).find((l) => l.id.replace(/:\d+$/, "") === base);
    if (!leaf) continue;
    const nodes = activeNodes(inst);
    if (nodes.length > 0) {
      if (nodes.includes(node)) {
        if (!leaf.history.has(node.name)) return leaf;
        if (leaf.runningOn.length > 0 && inst.children.length === 0) skipInactive = true;
      }
    } else if (inactive === undefined && !(leaf.pendingNode && leaf.pendingNode !== node)) {
      inactive = leaf;
    }
  }
  if (inactive && !skipInactive) return inactive;
  return anonymousOrphan(clone, base, ws);
}

/** A new instance of an anonymous clone for a history no configured instance can take. */
function anonymousOrphan(clone: Resource, base: string, ws: WorkingSet): Resource | undefined {
  const sample = clone.children[0];
  if (!sample || sample.children.length > 0) return undefined;
  let n = clone.children.length;
  while (ws.resourceById.has(`${base}:${n}`)) n++;
  const orphan = blankResource(`${base}:${n}`, ws);
  orphan.parent = clone;
  orphan.variant = sample.variant;
  orphan.cls = sample.cls;
  orphan.provider = sample.provider;
  orphan.type = sample.type;
  orphan.operations = sample.operations;
  orphan.element = sample.element;
  orphan.params = sample.params;
  orphan.meta = sample.meta;
  orphan.orphan = true;
  if (ws.options.stopOrphanResources) orphan.targetRole = Role.Stopped;
  else orphan.managed = false;
  clone.children.push(orphan);
  ws.resourceById.set(orphan.id, orphan);
  return orphan;
}
