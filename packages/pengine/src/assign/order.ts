import type { Resource, WorkingSet } from "../types.js";

/**
 * The order Pacemaker assigns top-level resources in: higher priority first, otherwise as
 * configured (a stable sort). The current Pacemaker no longer ranks resources by their score
 * where they run: a stopped resource configured before a running one takes its node first,
 * and the running one then stays put on the tie (see the balancing tie-break in choose.ts).
 */
export function sortForAssignment(resources: Resource[], _ws: WorkingSet): Resource[] {
  const keyed = resources.map((r, i) => ({ r, i }));
  keyed.sort((a, b) => b.r.priority - a.r.priority || a.i - b.i);
  return keyed.map((k) => k.r);
}
