import { type CibConstraint, type XmlElement, childElements, MINUS_INFINITY } from "@hbx/cib";
import type { Resource, WorkingSet } from "../types.js";
import { evaluateRule, usesValueSource } from "../unpack/rules.js";
import { looseScore } from "../unpack/attributes.js";

/** Resources a constraint names: `rsc`, a `rsc-pattern` regular expression, or a tag. */
/** Per working set: the primitives made from each resource template, by template id. */
const templateIndex = new WeakMap<WorkingSet, Map<string, Resource[]>>();

function templateUsers(ws: WorkingSet): Map<string, Resource[]> {
  let index = templateIndex.get(ws);
  if (index) return index;
  index = new Map();
  for (const r of ws.resourceById.values()) {
    const t = r.children.length === 0 && !r.orphan ? r.element?.attrs.template : undefined;
    if (t === undefined) continue;
    const list = index.get(t) ?? [];
    list.push(r);
    index.set(t, list);
  }
  templateIndex.set(ws, index);
  return index;
}

export function resolveResources(ws: WorkingSet, id: string | undefined, pattern?: string): Resource[] {
  if (pattern !== undefined) {
    // A leading "!" selects the resources the rest of the pattern does not match.
    const invert = pattern.startsWith("!");
    let re: RegExp;
    try {
      re = new RegExp(invert ? pattern.slice(1) : pattern);
    } catch {
      return [];
    }
    return [...ws.resourceById.values()].filter((r) => !r.parent && re.test(r.id) !== invert);
  }
  if (id === undefined) return [];
  const r = ws.resourceById.get(id);
  if (r) return [r];
  const tagged = ws.tags.get(id);
  if (tagged) return tagged.map((t) => ws.resourceById.get(t)).filter((x): x is Resource => x !== undefined);
  return templateUsers(ws).get(id) ?? [];
}

/** rsc_location: a fixed score on one node, or rules scored per node. */
export function applyLocation(c: CibConstraint, ws: WorkingSet): void {
  const a = c.attrs;
  const targets = resolveResources(ws, a.rsc, a["rsc-pattern"]);
  const sets = childElements(c.element, "resource_set");
  for (const s of sets)
    for (const ref of childElements(s, "resource_ref")) targets.push(...resolveResources(ws, ref.attrs.id));
  if (targets.length === 0) return;
  const role = a.role;
  if (role && !["started", "stopped"].includes(role.toLowerCase())) return;
  const source = `location ${c.id}`;
  if (a.node !== undefined) {
    const node = ws.nodeByName.get(a.node);
    const score = looseScore(a.score ?? "0") ?? 0;
    if (!node) return;
    for (const r of targets) r.variant.addScore(r, node, score, source, ws);
    return;
  }
  for (const rule of childElements(c.element, "rule")) {
    // A rule limited to the Promoted/Unpromoted role scores promotion, not placement.
    const rr = rule.attrs.role?.toLowerCase();
    if (rr && !["started", "stopped"].includes(rr)) continue;
    applyRule(rule, targets, ws, source);
  }
}

function applyRule(rule: XmlElement, targets: Resource[], ws: WorkingSet, source: string): void {
  const scoreAttr = rule.attrs["score-attribute"];
  const fixed =
    rule.attrs.score !== undefined ? (looseScore(rule.attrs.score) ?? 0) : scoreAttr ? undefined : 0;
  // A rule comparing with a resource's own parameters is evaluated for each resource.
  const perResource = usesValueSource(rule);
  for (const node of ws.nodes) {
    const shared = perResource || evaluateRule(rule, { nodeAttrs: node.attrs, now: ws.now });
    if (!shared) continue;
    let score = fixed;
    if (score === undefined) {
      const v = node.attrs.get(scoreAttr!);
      score = v === undefined ? undefined : looseScore(v);
      if (score === undefined) continue;
    }
    for (const r of targets) {
      if (
        perResource &&
        !evaluateRule(rule, { nodeAttrs: node.attrs, now: ws.now, params: r.params, meta: r.meta })
      )
        continue;
      r.variant.addScore(r, node, score, `${source} rule ${rule.attrs.id ?? ""}`.trim(), ws);
    }
  }
  void MINUS_INFINITY;
}
