import type { Action, ClusterNode, Resource, WorkingSet } from "../types.js";

export function newAction(
  ws: WorkingSet,
  rsc: Resource | undefined,
  task: string,
  node: ClusterNode | undefined,
  opts: { optional?: boolean; runnable?: boolean; pseudo?: boolean; interval?: number; reason?: string } = {},
): Action {
  const a: Action = {
    uid: ws.nextUid++,
    rsc,
    task,
    node,
    interval: opts.interval ?? 0,
    optional: opts.optional ?? false,
    runnable: opts.runnable ?? true,
    pseudo: opts.pseudo ?? false,
    reason: opts.reason,
    before: [],
    after: [],
  };
  ws.actions.push(a);
  if (rsc) rsc.actions.push(a);
  return a;
}

/** A collective's bookkeeping action (group start/running…), optional until a member needs it. */
export function pseudoAction(ws: WorkingSet, rsc: Resource, task: string): Action {
  return findAction(rsc, task) ?? newAction(ws, rsc, task, undefined, { pseudo: true, optional: true });
}

export function findAction(rsc: Resource, task: string, node?: ClusterNode): Action | undefined {
  for (const a of rsc.actions)
    if (a.task === task && a.interval === 0 && (node === undefined || a.node === node)) return a;
  return undefined;
}
