import {
  type XmlElement,
  checkCibValues,
  childElements,
  formatCibValueError,
  tryParseScore,
  walkElements,
  INFINITY,
  validateCib,
} from "@hbx/cib";
import { nvpairsOf } from "./attributes.js";
import { indexNodes, indexResources, section } from "./cib-model.js";

/**
 * What crm_verify checks beyond well-formedness, and what every tool checks before it writes:
 * references that point nowhere and duplicate ids are errors (Pacemaker's schema rejects them
 * too), ordering loops and constraints that can never be satisfied are warnings (Pacemaker's
 * scheduler silently ignores or works around them). Every problem names the element id.
 */
export interface CibProblem {
  severity: "error" | "warning";
  elementId: string;
  message: string;
}

/** Attributes that must name an existing id, per constraint element. */
const IDREFS: Record<string, string[]> = {
  rsc_location: ["rsc"],
  rsc_colocation: ["rsc", "with-rsc"],
  rsc_order: ["first", "then"],
  rsc_ticket: ["rsc"],
  resource_ref: ["id"],
};

export function checkCib(cib: XmlElement): CibProblem[] {
  const problems: CibProblem[] = [];
  const config = section(cib, "configuration");
  if (!config) {
    return [{ severity: "error", elementId: "cib", message: "<cib> has no <configuration> section" }];
  }
  const ids = new Map<string, XmlElement>();
  for (const el of walkElements(config)) {
    const id = el.attrs.id;
    // Node ids are numbers (not XML IDs) and may repeat in the status section by design.
    // A resource_ref's id is a reference to a resource, not an id of its own.
    if (id === undefined || el.name === "node" || el.name === "resource_ref") continue;
    const first = ids.get(id);
    if (first) {
      problems.push({
        severity: "error",
        elementId: id,
        message: `id '${id}' is used twice: by <${first.name}> and by <${el.name}>; ids must be unique`,
      });
    } else ids.set(id, el);
  }
  const constraints = section(cib, "constraints");
  if (constraints) {
    for (const el of walkElements(constraints)) {
      for (const attr of IDREFS[el.name] ?? []) {
        const ref = el.attrs[attr];
        if (ref === undefined || ids.has(ref)) continue;
        const owner = el.name === "resource_ref" ? "resource set member" : `<${el.name} id="${el.attrs.id}">`;
        problems.push({
          severity: "error",
          elementId: el.attrs.id ?? ref,
          message: `${owner}: ${attr} references an unknown id '${ref}'`,
        });
      }
    }
    problems.push(...constraintWarnings(cib, constraints));
  }
  return problems;
}

function isMandatoryOrder(o: XmlElement): boolean {
  const kind = o.attrs.kind;
  if (kind !== undefined) return kind === "Mandatory";
  const score = o.attrs.score === undefined ? INFINITY : tryParseScore(o.attrs.score);
  return score !== undefined && score > 0;
}

function constraintWarnings(cib: XmlElement, constraints: XmlElement): CibProblem[] {
  const out: CibProblem[] = [];
  const resources = indexResources(cib);
  const nodes = indexNodes(cib);
  const banned = new Map<string, Set<string>>();
  const orderEdges = new Map<string, { to: string; id: string }[]>();
  for (const c of childElements(constraints)) {
    const id = c.attrs.id ?? "(no id)";
    if (c.name === "rsc_colocation" && c.attrs.rsc !== undefined && c.attrs.rsc === c.attrs["with-rsc"]) {
      out.push({
        severity: "warning",
        elementId: id,
        message: `<rsc_colocation id="${id}">: resource '${c.attrs.rsc}' cannot be colocated with itself; the constraint is ignored`,
      });
    }
    if (c.name === "rsc_order" && c.attrs.first !== undefined) {
      if (c.attrs.first === c.attrs.then) {
        out.push({
          severity: "warning",
          elementId: id,
          message: `<rsc_order id="${id}">: resource '${c.attrs.first}' cannot be ordered after itself; the constraint is ignored`,
        });
      } else if (isMandatoryOrder(c)) {
        const edges = orderEdges.get(c.attrs.first) ?? [];
        edges.push({ to: c.attrs.then, id });
        orderEdges.set(c.attrs.first, edges);
      }
    }
    if (c.name === "rsc_location" && c.attrs.node !== undefined && c.attrs.rsc !== undefined) {
      if (!nodes.byName.has(c.attrs.node)) {
        out.push({
          severity: "warning",
          elementId: id,
          message: `<rsc_location id="${id}">: node '${c.attrs.node}' is not in the nodes section`,
        });
      }
      if (tryParseScore(c.attrs.score ?? "") === -INFINITY && !c.attrs.role) {
        const set = banned.get(c.attrs.rsc) ?? new Set<string>();
        set.add(c.attrs.node);
        banned.set(c.attrs.rsc, set);
      } else if (tryParseScore(c.attrs.score ?? "") === -INFINITY && c.attrs.role === "Started") {
        const set = banned.get(c.attrs.rsc) ?? new Set<string>();
        set.add(c.attrs.node);
        banned.set(c.attrs.rsc, set);
      }
    }
  }
  const everywhere = (rsc: string) =>
    nodes.list.length > 0 && nodes.list.every((n) => banned.get(rsc)?.has(n.uname) === true);
  for (const c of childElements(constraints, "rsc_colocation")) {
    const withRsc = c.attrs["with-rsc"];
    if (withRsc === undefined || !resources.has(withRsc)) continue;
    const score = tryParseScore(c.attrs.score ?? "");
    if (score === INFINITY && everywhere(withRsc) && c.attrs.rsc !== withRsc) {
      out.push({
        severity: "warning",
        elementId: c.attrs.id ?? withRsc,
        message: `<rsc_colocation id="${c.attrs.id}">: '${c.attrs.rsc}' must run with '${withRsc}', which is banned from every node; '${c.attrs.rsc}' can never run`,
      });
    }
  }
  for (const rsc of banned.keys()) {
    if (everywhere(rsc) && resources.has(rsc)) {
      out.push({
        severity: "warning",
        elementId: rsc,
        message: `resource '${rsc}' is banned from every node by -INFINITY location constraints and can never run`,
      });
    }
  }
  out.push(...orderLoops(orderEdges));
  return out;
}

/** Cycles among mandatory orderings (a then b then … then a): none of them could ever start. */
function orderLoops(edges: Map<string, { to: string; id: string }[]>): CibProblem[] {
  const out: CibProblem[] = [];
  const state = new Map<string, "active" | "done">();
  const stack: { rsc: string; via?: string }[] = [];
  const reported = new Set<string>();
  const visit = (rsc: string, via?: string) => {
    state.set(rsc, "active");
    stack.push({ rsc, via });
    for (const e of edges.get(rsc) ?? []) {
      const s = state.get(e.to);
      if (s === "active") {
        const start = stack.findIndex((f) => f.rsc === e.to);
        const cycle = stack.slice(start);
        const ids = [...cycle.slice(1).map((f) => f.via!), e.id];
        const key = [...ids].sort().join(",");
        if (!reported.has(key)) {
          reported.add(key);
          out.push({
            severity: "warning",
            elementId: ids[0],
            message: `ordering loop: ${[...cycle.map((f) => f.rsc), e.to].join(" then ")} (constraints ${ids.join(", ")}); none of these resources can start`,
          });
        }
      } else if (s === undefined) visit(e.to, e.id);
    }
    stack.pop();
    state.set(rsc, "done");
  };
  for (const rsc of edges.keys()) if (!state.has(rsc)) visit(rsc);
  return out;
}

/** Schema validation with real libxml2 against schemas/cib.rng, through @hbx/cib. */
export async function schemaProblems(text: string, source: string): Promise<CibProblem[]> {
  const result = await validateCib(text, source);
  if (result.valid) return [];
  return result.errors.map((e) => ({
    severity: "error" as const,
    elementId: "cib",
    message: `${source}:${e.line}: ${e.elementPath ? `${e.elementPath}: ` : ""}${e.message}`,
  }));
}

/**
 * Scores, durations, booleans and counts that Pacemaker would read as something else (a score
 * of "banana" as 0), through @hbx/cib's one check. With `since`, only values the write adds or
 * changes are reported.
 */
export function valueProblems(cib: XmlElement, since?: XmlElement): CibProblem[] {
  return checkCibValues(cib, { since }).map((e) => ({
    severity: "error" as const,
    elementId: e.elementId,
    message: formatCibValueError(e),
  }));
}

const FALSE_VALUES = new Set(["false", "no", "off", "n", "0"]);

/**
 * What the scheduler refuses at start-up rather than the schema: crm_verify reports these,
 * but they never block a write (an administrator adds the fencing device after the option).
 * Fencing is on unless stonith-enabled (Heartbeat v2: stonith_enabled; newer: fencing-enabled)
 * says otherwise, and then at least one stonith-class primitive must exist.
 */
export function schedulerProblems(cib: XmlElement): CibProblem[] {
  const config = section(cib, "crm_config");
  let fencing = true;
  if (config) {
    for (const set of childElements(config, "cluster_property_set")) {
      // Heartbeat v2 CIBs hold the options inside <attributes>: read the set in either form.
      for (const { nvpair: nv } of nvpairsOf(set)) {
        if (["stonith-enabled", "stonith_enabled", "fencing-enabled"].includes(nv.attrs.name)) {
          fencing = !FALSE_VALUES.has((nv.attrs.value ?? "").toLowerCase());
        }
      }
    }
  }
  if (!fencing) return [];
  for (const { el } of indexResources(cib).values()) {
    if (el.name === "primitive" && el.attrs.class === "stonith") return [];
  }
  return [
    {
      severity: "error",
      elementId: "cib-bootstrap-options",
      message:
        "Resource start-up disabled since no STONITH resources have been defined: configure a stonith-class primitive or set stonith-enabled=false (crm_attribute -n stonith-enabled -v false)",
    },
  ];
}
