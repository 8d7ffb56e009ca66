import { type XmlElement, childElements, element } from "@hbx/cib";
import { type NodeName, removeChild, section } from "../common/cib-model.js";

/**
 * The constraints --move, --ban and --clear manage, exactly as Pacemaker 2.1 writes them:
 * `cli-prefer-RSC` (score INFINITY) and `cli-ban-RSC-on-NODE` (score -INFINITY), with role
 * Started (Promoted with --promoted), and with a lifetime a rule holding a date_expression.
 */
export interface LocationRequest {
  rsc: string;
  node: NodeName;
  promoted: boolean;
  /** "YYYY-MM-DD HH:MM:SSZ" end of the lifetime, or undefined for a permanent constraint. */
  until?: string;
}

function build(id: string, prefix: string, score: string, req: LocationRequest): XmlElement {
  const role = req.promoted ? "Promoted" : "Started";
  if (req.until === undefined) {
    return element("rsc_location", { id, rsc: req.rsc, role, node: req.node, score });
  }
  return element("rsc_location", { id, rsc: req.rsc, role }, [
    element("rule", { id: `${prefix}-rule`, score, "boolean-op": "and" }, [
      element("expression", {
        id: `${prefix}-expr`,
        attribute: "#uname",
        operation: "eq",
        value: req.node,
        type: "string",
      }),
      element("date_expression", { id: `${prefix}-lifetime`, operation: "lt", end: req.until }),
    ]),
  ]);
}

/** Add or replace a constraint by id (Pacemaker modifies the one already there). */
function upsert(cib: XmlElement, c: XmlElement): void {
  const constraints = section(cib, "constraints", true)!;
  const i = constraints.children.findIndex((x) => x.kind === "element" && x.attrs.id === c.attrs.id);
  if (i >= 0) constraints.children[i] = c;
  else constraints.children.push(c);
}

export function banId(rsc: string, node: NodeName): string {
  return `cli-ban-${rsc}-on-${node}`;
}

export function addBan(cib: XmlElement, req: LocationRequest): string {
  const id = banId(req.rsc, req.node);
  upsert(cib, build(id, id, "-INFINITY", req));
  return id;
}

export function addPrefer(cib: XmlElement, req: LocationRequest): string {
  const id = `cli-prefer-${req.rsc}`;
  const c = build(id, "", "INFINITY", req);
  // The prefer rule's ids follow a different pattern from the ban's.
  const rule = childElements(c, "rule")[0];
  if (rule) {
    rule.attrs.id = `cli-prefer-rule-${req.rsc}`;
    const [expr, date] = childElements(rule);
    expr.attrs.id = `cli-prefer-expr-${req.rsc}`;
    date.attrs.id = `cli-prefer-lifetime-end-${req.rsc}`;
  }
  upsert(cib, c);
  return id;
}

/** The node a cli-prefer/cli-ban constraint is about (attribute or rule expression). */
function constraintNode(c: XmlElement): string | undefined {
  if (c.attrs.node !== undefined) return c.attrs.node;
  for (const rule of childElements(c, "rule")) {
    for (const e of childElements(rule, "expression"))
      if (e.attrs.attribute === "#uname") return e.attrs.value;
  }
  return undefined;
}

function expired(c: XmlElement, now: Date): boolean {
  for (const rule of childElements(c, "rule")) {
    for (const d of childElements(rule, "date_expression")) {
      const end = Date.parse((d.attrs.end ?? "").replace(" ", "T"));
      if (!Number.isNaN(end) && end <= now.getTime()) return true;
    }
  }
  return false;
}

/**
 * --clear: the resource's cli-prefer and cli-ban constraints, or only those for one node
 * (a prefer for another node stays unless forced), or only expired ones. Returns removed ids.
 */
export function clearLocations(
  cib: XmlElement,
  rsc: string,
  opts: { node?: NodeName; force: boolean; expiredOnly: boolean; now: Date },
): string[] {
  const constraints = section(cib, "constraints");
  if (!constraints) return [];
  const removed: string[] = [];
  for (const c of childElements(constraints, "rsc_location")) {
    const id = c.attrs.id ?? "";
    const prefer = id === `cli-prefer-${rsc}`;
    const ban = id.startsWith(`cli-ban-${rsc}-on-`);
    if (!prefer && !ban) continue;
    if (opts.expiredOnly && !expired(c, opts.now)) continue;
    if (opts.node !== undefined) {
      if (ban && id !== banId(rsc, opts.node)) continue;
      if (prefer && !opts.force && constraintNode(c) !== opts.node) continue;
    }
    removeChild(constraints, c);
    removed.push(id);
  }
  // Reported as Pacemaker does: bans node by node (names in order), then the move.
  const prefer = `cli-prefer-${rsc}`;
  return [...removed.filter((id) => id !== prefer).sort(), ...removed.filter((id) => id === prefer)];
}

/** ISO 8601 duration → end time as Pacemaker prints it ("2026-11-22 03:39:00Z"). */
export function lifetimeEnd(now: Date, durationMs: number): string {
  const d = new Date(now.getTime() + durationMs);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}Z`;
}
