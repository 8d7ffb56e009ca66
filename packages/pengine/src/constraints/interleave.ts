import type { Action, ClusterNode, Resource, WorkingSet } from "../types.js";
import { OrderFlag, Role } from "../types.js";
import { boolOption } from "../unpack/attributes.js";
import { orderActions } from "../actions/ordering.js";

type Endpoint = (rsc: Resource, task: string, asFirst: boolean) => Action[];

/**
 * Whether an ordering between two clones is interleaved (Pacemaker's can_interleave_actions):
 * the then clone's interleave decides, except for stops and demotes, where the first's does.
 */
export function interleaved(first: Resource, then: Resource, thenTask: string): boolean {
  if (first === then || first.variant.kind !== "clone" || then.variant.kind !== "clone") return false;
  const rsc = thenTask === "stop" || thenTask === "demote" ? first : then;
  return boolOption(rsc.meta.get("interleave"), false);
}

/** The node an instance runs on now (`current`) or was assigned. */
function instanceNode(inst: Resource, current: boolean): ClusterNode | undefined {
  const leaves = inst.variant.leaves(inst);
  if (current) return inst.children.length === 0 ? inst.runningOn[0] : leaves[0]?.runningOn[0];
  return inst.assigned ?? leaves[0]?.assigned ?? undefined;
}

function blocked(inst: Resource): boolean {
  return inst.blocked || inst.variant.leaves(inst).some((l) => l.blocked);
}

/** An instance of `clone` on `node` (now or as assigned) that is not blocked. */
function compatibleInstance(clone: Resource, node: ClusterNode, current: boolean): Resource | undefined {
  return clone.children.find((c) => !blocked(c) && instanceNode(c, current) === node);
}

/**
 * A then instance with nothing to interleave with under a mandatory ordering may not become
 * active (Pacemaker's unassign_if_mandatory): it is taken off its node, its starts become
 * unrunnable and its stops required.
 */
function inhibit(inst: Resource): void {
  for (const leaf of inst.variant.leaves(inst)) {
    leaf.assigned = null;
    leaf.nextRole = Role.Stopped;
    for (const a of leaf.actions) {
      if (a.task === "stop") a.optional = false;
      else if (a.task === "start") a.runnable = false;
    }
  }
  inst.assigned = null;
}

/**
 * Take off their nodes the then instances of an interleaved ordering that have no first instance
 * to pair with (`unassignIfMandatory`). Returns whether any was taken off: that can leave
 * instances of an ordering after this then clone unpaired in turn, as Pacemaker finds when it
 * re-runs an ordering's updates for the actions a change reaches
 * (pcmk__update_action_for_orderings).
 */
export function inhibitUnpaired(first: Resource, then: Resource, flags: number): boolean {
  if (!(flags & (OrderFlag.RunnableLeft | OrderFlag.ImpliesThen))) return false;
  let changed = false;
  for (const inst of then.children) {
    const node = instanceNode(inst, false);
    if (node && !compatibleInstance(first, node, false)) {
      inhibit(inst);
      changed = true;
    }
  }
  return changed;
}

/**
 * An interleaved ordering between two clones: each then instance is ordered after the first's
 * instance on the same node (the node it runs on for stops and demotes, else where it was
 * assigned) instead of after the whole first clone (Pacemaker's update_interleaved_actions).
 */
export function linkInterleaved(
  ws: WorkingSet,
  first: Resource,
  fa: string,
  then: Resource,
  ta: string,
  flags: number,
  id: string,
  endpoint: Endpoint,
): void {
  // Pacemaker pairs instances by where they run now only for an ordering after a clone's
  // stopped or demoted; a configured ordering names stop or demote, so instances pair by their
  // assigned nodes, and an instance going nowhere is not paired.
  inhibitUnpaired(first, then, flags);
  for (const inst of then.children) {
    const node = instanceNode(inst, false);
    const match = node ? compatibleInstance(first, node, false) : undefined;
    if (!match) continue;
    for (const f of endpoint(match, fa, true))
      for (const t of endpoint(inst, ta, false)) orderActions(ws, f, t, flags, id);
  }
}
