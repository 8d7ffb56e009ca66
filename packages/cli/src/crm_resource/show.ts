import { type XmlElement, childElements, escapeAttr, readStatus, serializeXml } from "@hbx/cib";
import { evaluateRule } from "@hbx/pengine";
import { findNvpair, nvpairsOf } from "../common/attributes.js";
import { type ResourceEntry, agentSpec, indexNodes, primitivesOf, section } from "../common/cib-model.js";
import { primitiveStates } from "../common/status.js";

/** Read-only views: --list, --list-raw, --locate, --query-xml, --constraints. */

function targetRole(el: XmlElement): string | undefined {
  return findNvpair(el, "meta_attributes", ["target-role", "target_role"])?.nvpair.attrs.value;
}

function disabled(el: XmlElement): boolean {
  return (targetRole(el) ?? "").toLowerCase() === "stopped";
}

/** "Started", "FAILED" or "Stopped" (with "(disabled)" when target-role says so). */
function primitiveLine(cib: XmlElement, prim: XmlElement, withNode: boolean, parentDisabled = false): string {
  const states = primitiveStates(cib, prim.attrs.id);
  let role: string;
  if (states.length === 0) role = disabled(prim) || parentDisabled ? "Stopped (disabled)" : "Stopped";
  else role = states.some((s) => s.failed) ? "FAILED" : "Started";
  const where = withNode && states.length > 0 ? ` ${states.map((s) => s.node).join(" ")}` : "";
  return `${prim.attrs.id}\t(${agentSpec(prim)}):\t ${role}${where}`;
}

/** `crm_resource -L`: the resource tree with each one's state, in Pacemaker's layout. */
export function listResources(cib: XmlElement): string {
  const resources = section(cib, "resources");
  const tops = resources ? childElements(resources, "primitive", "group", "clone", "master", "bundle") : [];
  if (tops.length === 0) return "NO resources configured\n";
  const nodes = indexNodes(cib).list.map((n) => n.uname);
  const lines = ["Full List of Resources:"];
  for (const top of tops) {
    if (top.name === "primitive") lines.push(`  * ${primitiveLine(cib, top, false)}`);
    else if (top.name === "group") {
      lines.push(`  * Resource Group: ${top.attrs.id}${disabled(top) ? " (disabled)" : ""}:`);
      for (const p of childElements(top, "primitive"))
        lines.push(`    * ${primitiveLine(cib, p, false, disabled(top))}`);
    } else {
      const child = childElements(top, "primitive", "group")[0];
      const kind =
        top.name === "master" ? "Clone Set" : top.name === "bundle" ? "Container bundle" : "Clone Set";
      lines.push(
        `  * ${kind}: ${top.attrs.id} [${child?.attrs.id ?? ""}]${disabled(top) ? " (disabled)" : ""}:`,
      );
      const prims = child ? primitivesOf(child) : [];
      const running = new Set(
        prims.length > 0 ? primitiveStates(cib, prims[0].attrs.id).map((s) => s.node) : [],
      );
      const started = nodes.filter((n) => running.has(n));
      const stopped = nodes.filter((n) => !running.has(n));
      if (started.length > 0) lines.push(`    * Started: [ ${started.join(" ")} ]`);
      if (stopped.length > 0)
        lines.push(`    * Stopped${disabled(top) ? " (disabled)" : ""}: [ ${stopped.join(" ")} ]`);
    }
  }
  return lines.join("\n") + "\n";
}

/** `crm_resource -l`: primitive ids, clone instances numbered rsc:0 … rsc:N-1. */
export function listRaw(cib: XmlElement): string {
  const resources = section(cib, "resources");
  const nodes = indexNodes(cib).list.length;
  const out: string[] = [];
  const visit = (el: XmlElement, instances: number) => {
    for (const c of childElements(el, "primitive", "group", "clone", "master")) {
      if (c.name === "primitive") {
        if (instances === 0) out.push(c.attrs.id);
        else for (let i = 0; i < instances; i++) out.push(`${c.attrs.id}:${i}`);
      } else if (c.name === "group") visit(c, instances);
      else {
        const max = findNvpair(c, "meta_attributes", ["clone-max"])?.nvpair.attrs.value;
        visit(c, max !== undefined ? Number(max) : nodes);
      }
    }
  };
  if (resources) visit(resources, 0);
  return out.map((l) => `${l}\n`).join("");
}

/** Nodes a resource is active on (a group or clone where its primitives run). */
export function activeNodes(cib: XmlElement, entry: ResourceEntry): string[] {
  const prims = primitivesOf(entry.el);
  const nodes: string[] = [];
  for (const p of prims)
    for (const s of primitiveStates(cib, p.attrs.id)) if (!nodes.includes(s.node)) nodes.push(s.node);
  return nodes;
}

/** `crm_resource -W -r RSC`. */
export function locate(cib: XmlElement, entry: ResourceEntry): { out: string; err: string } {
  const id = entry.el.attrs.id;
  const nodes = activeNodes(cib, entry);
  if (nodes.length === 0) return { out: "", err: `resource ${id} is NOT running\n` };
  return { out: nodes.map((n) => `resource ${id} is running on: ${n}\n`).join(""), err: "" };
}

/** `crm_resource -q -r RSC` (and Heartbeat's `-x -r RSC`). */
export function queryXml(cib: XmlElement, entry: ResourceEntry): string {
  const head = primitivesOf(entry.el)
    .map((p) => `${primitiveLine(cib, p, true)}\n`)
    .join("");
  return `${head}Resource XML:\n${serializeXml(entry.el, { pretty: true })}`;
}

/** `crm_resource -a -r RSC`: location and colocation constraints that involve the resource. */
export function constraintsOf(cib: XmlElement, id: string): string {
  return constraintViews(cib, id)
    .text.map((l) => `${l}\n`)
    .join("");
}

/** The same for --output-as=xml: one element per constraint line, in the text's order. */
export function constraintsXml(cib: XmlElement, id: string): string {
  const items = constraintViews(cib, id).xml;
  if (items.length === 0) return "  <constraints/>\n";
  return `  <constraints>\n${items.map((i) => `    ${i}\n`).join("")}  </constraints>\n`;
}

function constraintViews(cib: XmlElement, id: string): { text: string[]; xml: string[] } {
  const constraints = section(cib, "constraints");
  const all = constraints ? childElements(constraints) : [];
  const lines: string[] = [];
  const xml: string[] = [];
  const attr = (v: string | undefined) => escapeAttr(v ?? "");
  const nodeLocations = locationEntries(cib, all);
  // Each colocated resource is followed by its own node locations, nested under it.
  const locations = (rsc: string, head: string, item: string) => {
    const locs = nodeLocations.filter((l) => l.rsc === rsc);
    if (locs.length === 0) return;
    lines.push(`${head}Locations:`);
    for (const l of locs) {
      lines.push(`${item}Node ${l.node} (score=${l.score}, id=${l.id}, rsc=${rsc})`);
      xml.push(
        `<rsc_location node="${attr(l.node)}" rsc="${attr(rsc)}" id="${attr(l.id)}" score="${attr(l.score)}"/>`,
      );
    }
  };
  const colocations = (title: string, list: XmlElement[], other: (c: XmlElement) => string) => {
    if (list.length === 0) return;
    lines.push(title);
    for (const c of list) {
      // A role beyond Started on the primary is shown: "with role=" beside the resource it
      // follows, "needs role=" beside the resources that follow it.
      const primaryRole = roleName(c.attrs["with-rsc-role"]);
      const shownRole =
        primaryRole === "Promoted" || primaryRole === "Unpromoted"
          ? `, ${other(c) === c.attrs["with-rsc"] ? "with" : "needs"} role=${primaryRole}`
          : "";
      lines.push(`  * ${other(c)} (score=${c.attrs.score}${shownRole}, id=${c.attrs.id})`);
      // Only roles beyond Started are echoed, as in the text.
      const roles = [
        ["rsc-role", roleName(c.attrs["rsc-role"])],
        ["with-rsc-role", primaryRole],
      ]
        .filter(([, v]) => v === "Promoted" || v === "Unpromoted")
        .map(([k, v]) => ` ${k}="${attr(v)}"`)
        .join("");
      xml.push(
        `<rsc_colocation id="${attr(c.attrs.id)}" rsc="${attr(c.attrs.rsc)}" with-rsc="${attr(c.attrs["with-rsc"])}" score="${attr(c.attrs.score)}"${roles}/>`,
      );
      locations(other(c), "    * ", "      * ");
    }
  };
  colocations(
    `Resources colocated with ${id}:`,
    all.filter((c) => c.name === "rsc_colocation" && c.attrs["with-rsc"] === id),
    (c) => c.attrs.rsc,
  );
  locations(id, "", "  * ");
  colocations(
    `Resources ${id} is colocated with:`,
    all.filter((c) => c.name === "rsc_colocation" && c.attrs.rsc === id),
    (c) => c.attrs["with-rsc"],
  );
  return { text: lines, xml };
}

/** A configured role in 2.1.5's names (Master and Slave are Promoted and Unpromoted). */
function roleName(role: string | undefined): string | undefined {
  if (role === undefined) return undefined;
  if (role === "Master") return "Promoted";
  if (role === "Slave") return "Unpromoted";
  return role;
}

interface LocationEntry {
  rsc: string;
  node: string;
  score: string;
  id: string;
}

/**
 * Node-level view of location constraints, as crm_resource shows them: a plain one for its
 * node; a rule-based one once per node its rule matches, under the rule's id (nodes listed
 * in reverse configuration order, as Pacemaker 2.1.5 prints them).
 */
function locationEntries(cib: XmlElement, constraints: XmlElement[]): LocationEntry[] {
  const nodes = indexNodes(cib).list;
  const dc = cib.attrs["dc-uuid"];
  const attrsOf = new Map<string, Map<string, string>>();
  for (const n of nodes) {
    const m = new Map<string, string>([
      ["#uname", n.uname],
      ["#id", n.id],
      ["#kind", "cluster"],
      ["#is_dc", n.id === dc ? "true" : "false"],
    ]);
    for (const set of childElements(n.el, "instance_attributes")) {
      for (const { nvpair: nv } of nvpairsOf(set)) m.set(nv.attrs.name, nv.attrs.value);
    }
    attrsOf.set(n.id, m);
  }
  // Transient attributes (pingd and the like) count too: rules are mostly written against them.
  for (const ns of readStatus(cib)) {
    const m = attrsOf.get(ns.id);
    if (m) for (const set of ns.transient) for (const p of set.pairs) m.set(p.name, p.value);
  }
  const out: LocationEntry[] = [];
  // 2.1.5 keeps its location list newest first: the last configured constraint comes first.
  for (const c of [...constraints].reverse()) {
    if (c.name !== "rsc_location" || c.attrs.rsc === undefined) continue;
    if (c.attrs.node !== undefined) {
      out.push({ rsc: c.attrs.rsc, node: c.attrs.node, score: c.attrs.score, id: c.attrs.id });
      continue;
    }
    for (const rule of childElements(c, "rule")) {
      for (const n of [...nodes].reverse()) {
        if (evaluateRule(rule, { nodeAttrs: attrsOf.get(n.id), now: new Date() })) {
          out.push({ rsc: c.attrs.rsc, node: n.uname, score: rule.attrs.score ?? "0", id: rule.attrs.id });
        }
      }
    }
  }
  return out;
}
