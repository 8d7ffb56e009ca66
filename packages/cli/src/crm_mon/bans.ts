import { type XmlElement, childElements, element, firstChild, tryParseScore } from "@hbx/cib";
import { type WorkingSet, evaluateRule } from "@hbx/pengine";

/** One negative location: `id` keeps `resource` off `node` (in `promoted` role only, if so). */
export interface Ban {
  id: string;
  resource: string;
  node: string;
  weight: number;
  promotedOnly: boolean;
}

function isPromotedRole(role: string | undefined): boolean {
  return role === "Promoted" || role === "Master";
}

/**
 * The negative location constraints in effect, as 2.1.5 lists them (-L, and `<bans>` in XML):
 * the last configured first, a rule-based one under the rule's id once per node its rule
 * matches. `prefix` (-L PREFIX) keeps the ids that start with it.
 */
export function negativeLocations(ws: WorkingSet, prefix = ""): Ban[] {
  const conf = firstChild(ws.cib, "configuration");
  const constraints = conf ? firstChild(conf, "constraints") : undefined;
  const perConstraint: Ban[][] = [];
  // 2.1.5 walks the nodes a rule matched in node-id order (they sit in a table keyed by id).
  const byId = [...ws.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const c of constraints ? childElements(constraints, "rsc_location") : []) {
    const resource = c.attrs.rsc;
    if (resource === undefined) continue;
    const bans: Ban[] = [];
    const push = (id: string, node: string, score: string | undefined, role: string | undefined) => {
      // A score that does not parse is crm_verify's to report; it bans nothing here.
      const weight = tryParseScore(score ?? "0") ?? 0;
      if (weight < 0 && id.startsWith(prefix))
        bans.push({ id, resource, node, weight, promotedOnly: isPromotedRole(role) });
    };
    if (c.attrs.node !== undefined) push(c.attrs.id ?? "", c.attrs.node, c.attrs.score, c.attrs.role);
    for (const rule of childElements(c, "rule")) {
      for (const n of byId) {
        if (evaluateRule(rule, { nodeAttrs: n.attrs, now: ws.now }))
          push(rule.attrs.id ?? "", n.name, rule.attrs.score, rule.attrs.role ?? c.attrs.role);
      }
    }
    perConstraint.push(bans);
  }
  return perConstraint.reverse().flat();
}

/** "Negative Location Constraints:" for -L, nothing when no ban matches. */
export function banLines(ws: WorkingSet, prefix: string): string[] {
  const bans = negativeLocations(ws, prefix);
  if (bans.length === 0) return [];
  return [
    "",
    "Negative Location Constraints:",
    ...bans.map(
      (b) =>
        `  * ${b.id}\tprevents ${b.resource} from running ${b.promotedOnly ? "in Promoted role " : ""}on ${b.node}`,
    ),
  ];
}

export function bansXml(ws: WorkingSet): XmlElement | undefined {
  const bans = negativeLocations(ws);
  if (bans.length === 0) return undefined;
  return element(
    "bans",
    {},
    bans.map((b) =>
      element("ban", {
        id: b.id,
        resource: b.resource,
        node: b.node,
        weight: b.weight,
        "promoted-only": b.promotedOnly ? "true" : "false",
        // The deprecated name 2.1.5 still writes beside promoted-only.
        master_only: b.promotedOnly ? "true" : "false",
      }),
    ),
  );
}
