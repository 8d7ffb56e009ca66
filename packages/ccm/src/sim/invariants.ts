/**
 * Invariants of agreed membership, each a named function of the simulated cluster's state that
 * returns the violations it finds (empty when it holds). They read only what the cores expose
 * (`view()`), never their internals.
 */
import type { MembershipView } from "../core.js";
import type { NodeName } from "../membership.js";

/** What each running node has installed. */
export type Installed = ReadonlyMap<NodeName, MembershipView>;

/** Every member of an installed set is running and has installed the same set. */
export function membersAgree(installed: Installed): string[] {
  const bad: string[] = [];
  for (const [node, v] of installed) {
    const set = v.members.join(",");
    for (const m of v.members) {
      const other = installed.get(m);
      if (!other) bad.push(`${node} installed {${set}} but ${m} is not running`);
      else if (other.members.join(",") !== set)
        bad.push(`${node} installed {${set}} but its member ${m} installed {${other.members.join(",")}}`);
    }
  }
  return bad;
}

/** The members of an installed set follow one DC. */
export function membersFollowOneDc(installed: Installed): string[] {
  const bad: string[] = [];
  for (const [node, v] of installed)
    for (const m of v.members) {
      const other = installed.get(m);
      if (other && other.dc !== v.dc)
        bad.push(`${node} follows DC ${v.dc} but its member ${m} follows ${other.dc}`);
    }
  return bad;
}

/** At most one node is DC of a quorate membership. */
export function atMostOneQuorateDc(installed: Installed): string[] {
  const dcs = [...installed].filter(([n, v]) => v.dc === n && v.quorate).map(([n]) => n);
  return dcs.length > 1 ? [`${dcs.length} quorate DCs: ${dcs.join(", ")}`] : [];
}

/** No node's DC changed between two moments with no fault in between. */
export function dcIsStable(before: Installed, after: Installed): string[] {
  const bad: string[] = [];
  for (const [node, v] of after) {
    const was = before.get(node);
    if (was && was.dc !== v.dc) bad.push(`${node}'s DC changed from ${was.dc} to ${v.dc} with no fault`);
  }
  return bad;
}
