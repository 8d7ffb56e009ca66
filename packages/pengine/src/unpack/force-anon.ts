import type { CibResource } from "@hbx/cib";
import { boolOption } from "./attributes.js";

/** Whether every primitive inside a definition uses an agent standard with unique instances. */
function supportsUnique(d: CibResource): boolean {
  if (d.kind !== "primitive") return d.children.every(supportsUnique);
  const cls = (d.class ?? "").toLowerCase();
  return cls === "ocf" || cls === "stonith";
}

/**
 * Only OCF agents and fencing devices can run several distinct instances on a node: a globally-unique clone of
 * anything else (lsb, systemd…) is made anonymous, as Pacemaker does with a warning,
 * with at most one instance per node and no more instances than nodes.
 */
export function forceAnonymous(
  clone: CibResource,
  meta: Map<string, string>,
  nodeCount: number,
): string | undefined {
  const unique = boolOption(meta.get("globally-unique"), Number(meta.get("clone-node-max") ?? 1) > 1);
  if (!unique || clone.children.every(supportsUnique)) return undefined;
  meta.set("globally-unique", "false");
  meta.set("clone-node-max", "1");
  const max = Number(meta.get("clone-max") ?? nodeCount);
  if (Number.isFinite(max)) meta.set("clone-max", String(Math.min(max, nodeCount)));
  return `Ignoring globally-unique for ${clone.id} because it holds resources that can be used only as anonymous clones`;
}
