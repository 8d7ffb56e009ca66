import { type ClusterNode, type Resource, Role, type WorkingSet } from "../types.js";
import { activeNodes, isUniqueClone } from "../assign/clone-assign.js";
import { blankResource } from "./resources.js";
import { needsFencing } from "./active.js";

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
  const direct = ws.resourceById.get(id);
  // Most histories name a resource outside any clone: found by id, no instance number to strip.
  if (direct !== undefined && cloneOf(direct) === undefined)
    return direct.children.length === 0 ? direct : undefined;
  const base = id.replace(/:\d+$/, "");
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
        if (leaf.runningOn.length === 0) return usable(leaf, clone, node, ws);
        skipInactive = true;
      }
    } else if (inactive === undefined && !(leaf.pendingNode && leaf.pendingNode !== node)) {
      inactive = leaf;
    }
  }
  if (inactive && !skipInactive) return usable(inactive, clone, node, ws);
  return anonymousOrphan(clone, base, ws);
}

/**
 * An instance number is not spent on a node that is down or being fenced when the resource needs
 * no fencing (requires=quorum or nothing): what ran there counts as stopped, so a configured
 * instance can start elsewhere. Pacemaker reads such a history as an orphan instead, unless the
 * clone has an instance for every node.
 */
function usable(leaf: Resource, clone: Resource, node: ClusterNode, ws: WorkingSet): Resource | undefined {
  if (node.online && !node.unclean) return leaf;
  if (needsFencing(leaf, ws) || clone.children.filter((c) => !c.orphan).length === ws.nodes.length)
    return leaf;
  return anonymousOrphan(clone, leaf.id.replace(/:\d+$/, ""), ws);
}

/**
 * A new instance of an anonymous clone for a history no configured instance can take, numbered
 * after every instance there is. For a cloned group that is a whole new group instance (as
 * Pacemaker creates one), and the member the history names is returned.
 */
function anonymousOrphan(clone: Resource, base: string, ws: WorkingSet): Resource | undefined {
  const sample = clone.children[0];
  if (!sample) return undefined;
  const baseOf = (r: Resource): string => r.id.replace(/:\d+$/, "");
  const members = sample.children.length > 0 ? sample.children : [sample];
  let n = clone.children.length;
  const taken = (k: number): boolean =>
    ws.resourceById.has(`${baseOf(sample)}:${k}`) ||
    members.some((m) => ws.resourceById.has(`${baseOf(m)}:${k}`));
  while (taken(n)) n++;
  const instance = orphanLike(sample, clone, n, ws);
  if (sample.children.length > 0) instance.children = members.map((m) => orphanLike(m, instance, n, ws));
  clone.children.push(instance);
  return instance.children.length > 0 ? instance.children.find((m) => baseOf(m) === base) : instance;
}

/** An orphan copy of a configured instance (or member) `like`, numbered `n`. */
function orphanLike(like: Resource, parent: Resource, n: number, ws: WorkingSet): Resource {
  const orphan = blankResource(`${like.id.replace(/:\d+$/, "")}:${n}`, ws);
  orphan.parent = parent;
  orphan.variant = like.variant;
  orphan.cls = like.cls;
  orphan.provider = like.provider;
  orphan.type = like.type;
  orphan.operations = like.operations;
  orphan.element = like.element;
  orphan.params = like.params;
  orphan.meta = like.meta;
  orphan.orphan = true;
  if (ws.options.stopOrphanResources) orphan.targetRole = Role.Stopped;
  else orphan.managed = false;
  ws.resourceById.set(orphan.id, orphan);
  return orphan;
}
