import { MINUS_INFINITY } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "../types.js";
import { nodeAvailable } from "./scores.js";
import { noteTerm } from "./explain.js";
import { boolOption } from "../unpack/attributes.js";
import { saveAssignment, undoAssignment } from "./tentative.js";

/** A clone's limits, from its meta attributes (Pacemaker's defaults: one per node, one per node). */
export interface CloneLimits {
  maxTotal: number;
  maxPerNode: number;
}

export function cloneLimits(clone: Resource, ws: WorkingSet): CloneLimits {
  const total = Number(clone.meta.get("clone-max") ?? NaN);
  const perNode = Number(clone.meta.get("clone-node-max") ?? 1);
  const available = ws.nodes.filter((n) => nodeAvailable(n)).length;
  return {
    maxTotal: Number.isFinite(total) && total >= 0 ? total : Math.max(ws.nodes.length, available),
    maxPerNode: Number.isFinite(perNode) && perNode > 0 ? perNode : 1,
  };
}

/** Every node an instance (a primitive or a cloned group) is active on now. */
export function activeNodes(inst: Resource): ClusterNode[] {
  if (inst.children.length === 0) return inst.runningOn;
  const seen = new Set<ClusterNode>();
  for (const l of inst.variant.leaves(inst)) for (const n of l.runningOn) seen.add(n);
  return [...seen];
}

function failed(inst: Resource): boolean {
  return inst.failed || inst.variant.leaves(inst).some((l) => l.failed);
}

function instanceNumber(inst: Resource): number {
  const m = /:(\d+)$/.exec(inst.id);
  return m ? Number(m[1]) : 0;
}

function allowedOn(
  rsc: Resource,
  node: ClusterNode | undefined,
  before?: Map<Resource, Map<string, number>>,
): boolean {
  if (!node) return true;
  const earlier = before?.get(rsc);
  if (earlier) {
    const s = earlier.get(node.name);
    return s !== undefined && s >= 0;
  }
  const e = rsc.allowed.get(node.name);
  return e !== undefined && e.score >= 0;
}

/**
 * Each instance's node scores as they are now: the instance order looks at them from before the
 * clone's colocations were applied, as Pacemaker's does (its instances keep their own copies).
 */
export function snapshotScores(instances: Resource[]): Map<Resource, Map<string, number>> {
  const out = new Map<Resource, Map<string, number>>();
  for (const inst of instances) out.set(inst, new Map([...inst.allowed].map(([n, e]) => [n, e.score])));
  return out;
}

/**
 * The order instances are assigned in (Pacemaker's pcmk__cmp_instance): active instances that
 * are less multiply active, not on a banned node, higher priority, active on a usable node
 * where the clone may run and fewer instances are active, not failed; then instance number.
 * When promoting, Pacemaker's "priority" is the instance's promotion priority: `priorityOf`.
 */
export function compareInstances(
  clone: Resource,
  activeCount: Map<string, number>,
  priorityOf: (inst: Resource) => number = (inst) => inst.priority,
  before?: Map<Resource, Map<string, number>>,
): (a: Resource, b: Resource) => number {
  return (a, b) => {
    const na = activeNodes(a);
    const nb = activeNodes(b);
    if (na.length > 0 && nb.length > 0 && na.length !== nb.length) return na.length - nb.length;
    let ca: ClusterNode | undefined = na[0];
    let cb: ClusterNode | undefined = nb[0];
    const okA = allowedOn(a, ca, before);
    const okB = allowedOn(b, cb, before);
    if (!okA) ca = undefined;
    if (!okB) cb = undefined;
    if (okA !== okB) return okA ? -1 : 1;
    const prioA = priorityOf(a);
    const prioB = priorityOf(b);
    if (prioA !== prioB) return prioB > prioA ? 1 : -1;
    if (!ca && !cb) return 0;
    if (!ca) return 1;
    if (!cb) return -1;
    const avA = nodeAvailable(ca);
    const avB = nodeAvailable(cb);
    if (avA !== avB) return avA ? -1 : 1;
    const pa = clone.allowed.has(ca.name);
    const pb = clone.allowed.has(cb.name);
    if (!pa && !pb) return 0;
    if (pa !== pb) return pa ? -1 : 1;
    const cntA = activeCount.get(ca.name) ?? 0;
    const cntB = activeCount.get(cb.name) ?? 0;
    if (cntA !== cntB) return cntA - cntB;
    const fa = failed(a);
    const fb = failed(b);
    if (fa !== fb) return fa ? 1 : -1;
    return instanceNumber(a) - instanceNumber(b);
  };
}

/** Ban an instance (and a cloned group's members) from a node; `why` for --explain-scores. */
function ban(inst: Resource, node: ClusterNode, why: string, ws: WorkingSet): void {
  for (const r of new Set([inst, ...inst.variant.leaves(inst)])) {
    let e = r.allowed.get(node.name);
    if (e) {
      e.score = MINUS_INFINITY;
    } else r.allowed.set(node.name, (e = { node, score: MINUS_INFINITY }));
    noteTerm(e, why, MINUS_INFINITY, ws);
  }
}

/** Ban an instance from nodes it cannot use: unavailable, clone banned, or full. */
function banUnavailable(
  clone: Resource,
  inst: Resource,
  count: Map<string, number>,
  maxPerNode: number,
  ws: WorkingSet,
): void {
  for (const e of [...inst.allowed.values()]) {
    const n = e.node;
    const parent = clone.allowed.get(n.name);
    const full = (count.get(n.name) ?? 0) >= maxPerNode;
    if (!nodeAvailable(n) || !parent || parent.score < 0 || full) {
      const why = !nodeAvailable(n)
        ? "node cannot run resources"
        : !parent || parent.score < 0
          ? `clone ${clone.id} banned here`
          : `clone-node-max ${maxPerNode} reached`;
      if (e.score > MINUS_INFINITY || inst.children.length > 0) ban(inst, n, why, ws);
    }
  }
}

/**
 * Try to assign an active instance to its current node early (Pacemaker's
 * assign_instance_early): assign it for real, preferring that node; each time a better node wins
 * instead, take the assignment back, reserve one instance for that node in a scratch count (a
 * node full of reservations is banned on the next try) and try again, until the instance lands
 * on its current node or the reservations use up the instances still to be assigned. Nodes that
 * will get instances at all thus get the ones already running there, and nothing shuffles.
 */
function assignEarly(
  clone: Resource,
  inst: Resource,
  current: ClusterNode,
  count: Map<string, number>,
  maxPerNode: number,
  available: number,
  ws: WorkingSet,
  assignWithPreference: (inst: Resource, prefer: ClusterNode | undefined) => ClusterNode | null,
): boolean {
  const here = inst.allowed.get(current.name);
  if (!here || here.score < 0 || !nodeAvailable(current)) return false;
  const saved = saveAssignment(inst);
  const scratch = new Map(count);
  let reserved = 0;
  while (reserved < available) {
    banUnavailable(clone, inst, scratch, maxPerNode, ws);
    const chosen = assignWithPreference(inst, current);
    if (chosen === current) {
      count.set(current.name, (count.get(current.name) ?? 0) + 1);
      return true;
    }
    undoAssignment(saved, ws);
    if (!chosen) return false;
    reserved++;
    scratch.set(chosen.name, (scratch.get(chosen.name) ?? 0) + 1);
  }
  return false;
}

/**
 * Assign a clone's instances as Pacemaker's pcmk__assign_instances does: active instances first
 * to where they run (if still a good choice), then the rest to the best nodes, never more than
 * clone-node-max on a node nor clone-max in all.
 */
export function assignInstances(
  clone: Resource,
  instances: Resource[],
  limits: CloneLimits,
  ws: WorkingSet,
  assignWithPreference: (inst: Resource, prefer: ClusterNode | undefined) => ClusterNode | null,
): void {
  const count = new Map<string, number>();
  const availableNodes = [...clone.allowed.values()].filter((e) => nodeAvailable(e.node)).length;
  const optimal = Math.max(1, availableNodes > 0 ? Math.floor(limits.maxTotal / availableNodes) : 1);
  const done = new Set<Resource>();
  let assigned = 0;
  const bump = (n: ClusterNode | null): void => {
    if (n) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  };
  for (const inst of instances) {
    if (assigned >= limits.maxTotal) break;
    const nodes = activeNodes(inst);
    if (nodes.length === 0 || failed(inst)) continue;
    const current = nodes[0];
    if (!nodeAvailable(current)) continue;
    const parent = clone.allowed.get(current.name);
    if (parent && (count.get(current.name) ?? 0) >= optimal) continue;
    if (
      !assignEarly(
        clone,
        inst,
        current,
        count,
        limits.maxPerNode,
        limits.maxTotal - assigned,
        ws,
        assignWithPreference,
      )
    )
      continue;
    done.add(inst);
    assigned++;
  }
  for (const inst of instances) {
    if (done.has(inst)) continue;
    if (assigned >= limits.maxTotal) {
      for (const n of ws.nodes) ban(inst, n, `clone-max ${limits.maxTotal} reached`, ws);
      assignWithPreference(inst, undefined);
      continue;
    }
    banUnavailable(clone, inst, count, limits.maxPerNode, ws);
    const chosen = assignWithPreference(inst, undefined);
    bump(chosen);
    if (chosen) assigned++;
  }
}

/**
 * globally-unique, read as Pacemaker reads booleans ("1", "yes", "true"…). Unset, it follows
 * clone-node-max: several instances on one node must be told apart.
 */
export function isUniqueClone(clone: Resource): boolean {
  return boolOption(clone.meta.get("globally-unique"), Number(clone.meta.get("clone-node-max") ?? 1) > 1);
}
