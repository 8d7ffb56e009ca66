import {
  INFINITY,
  MINUS_INFINITY,
  type XmlElement,
  addScores,
  childElements,
  firstChild,
  formatScore,
} from "@hbx/cib";
import {
  type ClusterNode,
  type Colocation,
  type Resource,
  Role,
  type WorkingSet,
  parseRole,
} from "../types.js";
import { nodeAvailable } from "../assign/scores.js";
import { resolveResources } from "../constraints/location.js";
import { evaluateRule } from "../unpack/rules.js";
import { boolOption, looseScore } from "../unpack/attributes.js";
import { activeNodes, compareInstances, isUniqueClone } from "../assign/clone-assign.js";
import { historyName } from "../unpack/clone-instances.js";
import { promotionForbiddenByTicket } from "../constraints/tickets.js";

export function isPromotableClone(rsc: Resource): boolean {
  return rsc.variant.kind === "clone" && boolOption(rsc.meta.get("promotable"), false);
}

function intMeta(rsc: Resource, names: string[], dflt: number): number {
  for (const n of names) {
    const v = rsc.meta.get(n);
    if (v !== undefined) {
      const x = Number(v);
      if (Number.isFinite(x)) return x;
    }
  }
  return dflt;
}

/** promoted-max / promoted-node-max (master-max / master-node-max in older CIBs), default 1. */
export function promotedLimits(clone: Resource): { max: number; perNode: number } {
  return {
    max: intMeta(clone, ["promoted-max", "master-max"], 1),
    perNode: intMeta(clone, ["promoted-node-max", "master-node-max"], 1),
  };
}

function baseId(id: string): string {
  return id.replace(/:\d+$/, "");
}

/**
 * A primitive instance's promotion score on a node: the `master-<id>` node attribute the agent
 * set (crm_attribute --promotion), counted only where the instance's state is known.
 */
function promotionScore(inst: Resource, node: ClusterNode, unique: boolean): number | undefined {
  if (inst.children.length > 0) {
    let total = 0;
    let any = false;
    for (const c of inst.children) {
      const s = promotionScore(c, node, unique);
      if (s !== undefined) {
        any = true;
        total = addScores(total, s);
      }
    }
    return any ? total : undefined;
  }
  if (!scoreApplies(inst, node, unique)) return 0;
  // Under the name the agent knew the instance by (its history's), as crm_attribute --promotion
  // wrote it; without history, an anonymous instance's also under the bare resource name.
  const known = historyName(inst);
  let v = node.attrs.get(`master-${known ?? inst.id}`);
  if (v === undefined && !unique && known === undefined) v = node.attrs.get(`master-${baseId(inst.id)}`);
  if (v === undefined) return undefined;
  return looseScore(v) ?? 0;
}

function scoreApplies(inst: Resource, node: ClusterNode, unique: boolean): boolean {
  const allowed = inst.allowed.get(node.name);
  const ok = allowed !== undefined && allowed.score >= 0;
  if (!unique) {
    const clone = cloneOf(inst);
    const base = baseId(inst.id);
    let active: Resource | undefined;
    let known = false;
    for (const leaf of clone ? clone.variant.leaves(clone) : [inst]) {
      if (baseId(leaf.id) !== base) continue;
      if (leaf.runningOn.includes(node)) active ??= leaf;
      if (leaf.probed.has(node.name)) known = true;
    }
    if (active === inst) return ok;
    if (active === undefined && known) return ok;
  }
  if (inst.runningOn.length === 0 && inst.probed.size === 0) return ok;
  if (inst.probed.has(node.name) || inst.runningOn.includes(node)) return ok;
  return false;
}

function cloneOf(r: Resource): Resource | undefined {
  for (let p = r.parent; p; p = p.parent) if (p.variant.kind === "clone") return p;
  return undefined;
}

/**
 * Add the promotion scores to the instances' node scores before placement, so instances go
 * where they can be promoted (Pacemaker's pcmk__add_promotion_scores).
 */
export function addPromotionScores(clone: Resource, ws: WorkingSet): void {
  const unique = isUniqueClone(clone);
  for (const inst of clone.children) {
    for (const e of [...inst.allowed.values()]) {
      if (!nodeAvailable(e.node)) continue;
      const s = promotionScore(inst, e.node, unique) ?? 0;
      if (s > 0) inst.variant.addScore(inst, e.node, s, "promotion score", ws);
      // The instance's priority becomes its best promotion score, so the instance most worth
      // promoting is assigned first (Pacemaker's pcmk__add_promotion_scores).
      if (s > inst.priority) inst.priority = s;
    }
  }
}

/** rsc_location scores limited to the Promoted role, per node, for this clone. */
function promotedLocations(clone: Resource, ws: WorkingSet): Map<string, number> {
  const out = new Map<string, number>();
  const conf = firstChild(ws.cib, "configuration");
  const cons = conf ? firstChild(conf, "constraints") : undefined;
  if (!cons) return out;
  const child = clone.children[0];
  const add = (node: string, s: number): void => void out.set(node, addScores(out.get(node) ?? 0, s));
  for (const c of childElements(cons, "rsc_location")) {
    const targets = resolveResources(ws, c.attrs.rsc, c.attrs["rsc-pattern"]);
    const mine = targets.some(
      (t) =>
        t === clone ||
        (child !== undefined && baseId(t.id) === baseId(child.id)) ||
        t.id === baseId(child?.id ?? ""),
    );
    if (!mine) continue;
    const promotedHere = parseRole(c.attrs.role) === Role.Promoted;
    if (c.attrs.node !== undefined) {
      if (promotedHere) add(c.attrs.node, looseScore(c.attrs.score ?? "0") ?? 0);
      continue;
    }
    for (const rule of childElements(c, "rule")) {
      if (!promotedHere && parseRole(rule.attrs.role) !== Role.Promoted) continue;
      applyPromotedRule(rule, ws, add);
    }
  }
  return out;
}

function applyPromotedRule(rule: XmlElement, ws: WorkingSet, add: (n: string, s: number) => void): void {
  const attr = rule.attrs["score-attribute"];
  for (const node of ws.nodes) {
    if (!evaluateRule(rule, { nodeAttrs: node.attrs, now: ws.now })) continue;
    let s: number | undefined = rule.attrs.score !== undefined ? (looseScore(rule.attrs.score) ?? 0) : 0;
    if (rule.attrs.score === undefined && attr) s = looseScore(node.attrs.get(attr) ?? "");
    if (s !== undefined) add(node.name, s);
  }
}

/** Where the primary of a colocation stands in a role, by node-attribute value. */
function primaryValues(
  primary: Resource,
  role: Role | undefined,
  attr: string,
): Set<string | undefined> | null {
  const nodes = primary.variant.colocationNodes(primary, false, role);
  if (nodes === null) return null;
  return new Set(nodes.map((n) => attrOf(n, attr)));
}

/**
 * Choose which instances are promoted (Pacemaker's pcmk__set_instance_roles): each placed
 * instance's priority is its promotion score (-1 when none), plus Promoted-role locations and
 * role colocations; the clone's node scores then add up the instances' priorities; the best
 * instances are promoted, at most promoted-max in all and promoted-node-max per node.
 */
export function setInstanceRoles(clone: Resource, ws: WorkingSet): void {
  const unique = isUniqueClone(clone);
  const limits = promotedLimits(clone);
  const locations = promotedLocations(clone, ws);
  const sortIndex = new Map<Resource, number>();
  const priority = new Map<Resource, number>();
  // Colocations limited to a role of this clone decide roles, not places (Pacemaker's
  // pcmk__apply_coloc_to_priority): Promoted ones add their score where the primary is (an
  // INFINITY one forbids promotion elsewhere), Unpromoted ones subtract it there.
  const asDependent = clone.colocationsAsDependent.filter(
    (c) => c.dependentRole === Role.Promoted || c.dependentRole === Role.Unpromoted,
  );
  for (const inst of clone.children) {
    for (const leaf of inst.variant.leaves(inst)) if (leaf.role === Role.Started) leaf.role = Role.Unpromoted;
    if (inst.role === Role.Started) inst.role = Role.Unpromoted;
    const chosen = inst.assigned ?? inst.variant.leaves(inst)[0]?.assigned ?? null;
    if (!chosen) {
      // An instance placed nowhere will be stopped, and a stopped instance cannot be promoted.
      priority.set(inst, MINUS_INFINITY);
      sortIndex.set(inst, MINUS_INFINITY);
      continue;
    }
    let p: number;
    const target = inst.targetRole ?? clone.targetRole;
    if (target === Role.Unpromoted || target === Role.Stopped) p = MINUS_INFINITY;
    else p = promotionScore(inst, chosen, unique) ?? -1;
    const loc = locations.get(chosen.name);
    if (loc !== undefined) p = addScores(p, loc);
    for (const c of asDependent) {
      const values = primaryValues(c.primary, c.primaryRole, c.nodeAttribute);
      if (values === null) continue;
      const sign = c.dependentRole === Role.Unpromoted ? -1 : 1;
      if (values.has(attrOf(chosen, c.nodeAttribute))) p = addScores(p, sign * c.score);
      else if (c.score >= INFINITY && sign > 0) p = MINUS_INFINITY;
    }
    priority.set(inst, p);
    sortIndex.set(inst, p);
  }
  // The clone's view per node: its own scores plus the priorities of instances placed there.
  const nodeScore = new Map<string, number>();
  for (const [name, e] of clone.allowed) nodeScore.set(name, e.score);
  for (const inst of clone.children) {
    const chosen = inst.assigned ?? inst.variant.leaves(inst)[0]?.assigned ?? null;
    const s = sortIndex.get(inst)!;
    if (chosen && s >= 0) nodeScore.set(chosen.name, addScores(nodeScore.get(chosen.name) ?? 0, s));
  }
  for (const c of clone.colocationsAsPrimary) {
    if (c.primaryRole !== Role.Promoted || !c.influence) continue;
    addDependentPreference(nodeScore, c, ws);
  }
  for (const inst of clone.children) {
    const chosen = inst.assigned ?? inst.variant.leaves(inst)[0]?.assigned ?? null;
    if (!inst.managed && inst.role === Role.Promoted) sortIndex.set(inst, INFINITY);
    else if (chosen && sortIndex.get(inst)! >= 0) sortIndex.set(inst, nodeScore.get(chosen.name) ?? 0);
  }
  const byInstance = compareInstances(clone, new Map(), (inst) => priority.get(inst) ?? 0);
  const ordered = [...clone.children].sort(
    (a, b) => sortIndex.get(b)! - sortIndex.get(a)! || roleOf(b) - roleOf(a) || byInstance(a, b),
  );
  const perNode = new Map<string, number>();
  let promoted = 0;
  const quorumOk = ws.options.haveQuorum || ws.options.noQuorumPolicy === "ignore";
  for (const inst of ordered) {
    const chosen = inst.assigned ?? inst.variant.leaves(inst)[0]?.assigned ?? null;
    const s = sortIndex.get(inst)!;
    if (ws.keepScoreLines)
      ws.scoreLines.push(
        chosen
          ? `${inst.id} promotion score on ${chosen.name}: ${formatScore(s)}`
          : `${inst.id} promotion score (inactive): ${formatScore(s)}`,
      );
    let ok =
      s >= 0 &&
      (promoted < limits.max || !clone.managed) &&
      chosen !== null &&
      (inst.managed ? priority.get(inst)! >= 0 : roleOf(inst) === Role.Promoted) &&
      // An unmanaged instance left promoted stays so, and counts, wherever it is (Pacemaker's
      // node_to_be_promoted_on asks an unmanaged one nothing about its node's availability).
      (!inst.managed || nodeAvailable(chosen)) &&
      clone.allowed.has(chosen.name) &&
      ((perNode.get(chosen.name) ?? 0) < limits.perNode || !inst.managed);
    if (ok && roleOf(inst) < Role.Promoted && !quorumOk && ws.options.noQuorumPolicy === "freeze") ok = false;
    // Without quorum, no-quorum-policy=demote keeps nothing promoted.
    if (ok && !quorumOk && ws.options.noQuorumPolicy === "demote") ok = false;
    // Nor may an instance be promoted without a ticket it needs in the Promoted role.
    if (ok && promotionForbiddenByTicket(inst)) ok = false;
    setNextRole(inst, ok ? Role.Promoted : chosen ? Role.Unpromoted : Role.Stopped);
    if (ok && chosen) {
      perNode.set(chosen.name, (perNode.get(chosen.name) ?? 0) + 1);
      promoted++;
    }
  }
  void activeNodes;
}

/**
 * A dependent colocated with the Promoted role pulls promotion toward the nodes it prefers
 * (Pacemaker's apply_coloc_to_primary, only-positive): its best score on a node with the same
 * attribute value, scaled by the colocation's strength, is added; a node that would turn
 * negative from a positive score keeps a token 1, one at 0 stays 0.
 */
function addDependentPreference(nodeScore: Map<string, number>, c: Colocation, ws: WorkingSet): void {
  const dep = c.dependent.variant.kind === "group" ? (c.dependent.children[0] ?? c.dependent) : c.dependent;
  const factor = c.score / INFINITY;
  const best = new Map<string | undefined, number>();
  for (const e of dep.allowed.values()) {
    if (!nodeAvailable(e.node)) continue;
    const v = attrOf(e.node, c.nodeAttribute);
    if (e.score > (best.get(v) ?? MINUS_INFINITY)) best.set(v, e.score);
  }
  for (const [name, current] of nodeScore) {
    const node = ws.nodeByName.get(name);
    if (!node) continue;
    const score = best.get(attrOf(node, c.nodeAttribute)) ?? MINUS_INFINITY;
    if (factor < 0 && score < 0) continue;
    const f = factor * score;
    let weight = Math.trunc(f < 0 ? f - 0.5 : f + 0.5);
    if (weight === 0 && score !== 0) weight = factor > 0 ? 1 : factor < 0 ? -1 : 0;
    const next = addScores(weight, current);
    if (next < 0 && current > 0) nodeScore.set(name, 1);
    else if (next < 0 && current === 0) continue;
    else nodeScore.set(name, next);
  }
}

/** A node's value of a colocation's node attribute (#uname: its name). */
function attrOf(node: ClusterNode, attr: string): string | undefined {
  return attr === "#uname" ? node.name : node.attrs.get(attr);
}

function roleOf(inst: Resource): Role {
  let r = inst.role;
  for (const l of inst.variant.leaves(inst)) if (l.role > r) r = l.role;
  return r;
}

function setNextRole(inst: Resource, role: Role): void {
  inst.nextRole = role;
  for (const l of inst.variant.leaves(inst)) l.nextRole = l.assigned ? role : Role.Stopped;
}

export { MINUS_INFINITY };
