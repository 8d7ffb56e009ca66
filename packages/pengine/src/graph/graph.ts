import { escapeAttr } from "@hbx/cib";
import type { WorkingSet } from "../types.js";
import {
  type GraphNode,
  type GraphResource,
  type PlannedAction,
  type PlannedGraph,
  buildPlannedGraph,
} from "./model.js";

const NEEDS_ESCAPE = /[&<>"\n\r\t]/;

/** An attribute value escaped as serializeXml does; most values need nothing. */
function esc(v: string | number): string {
  const text = String(v);
  return NEEDS_ESCAPE.test(text) ? escapeAttr(text) : text;
}

/**
 * Writes the graph by hand rather than through element()/serializeXml: a stopped 32x2000
 * cluster has 64,000 probes (a 40 MB graph), and a tree of objects per action, rendered again
 * in each trigger, cost seconds and most of a gigabyte. The parts every action of a resource or
 * on a node repeats are escaped once and kept (the graph shares those objects between actions).
 */
class ActionWriter {
  private readonly primitives = new Map<GraphResource, string>();
  private readonly nodes = new Map<GraphNode, string>();
  private readonly metas = new Map<object, string>();

  /** `<primitive id=… class=… provider=… type=…/>` of a resource. */
  private primitive(r: GraphResource): string {
    let s = this.primitives.get(r);
    if (s === undefined) {
      s = `<primitive id="${esc(r.id)}"`;
      if (r.class !== undefined) s += ` class="${esc(r.class)}"`;
      if (r.provider !== undefined) s += ` provider="${esc(r.provider)}"`;
      if (r.type !== undefined) s += ` type="${esc(r.type)}"`;
      s += "/>";
      this.primitives.set(r, s);
    }
    return s;
  }

  /** ` on_node=… on_node_uuid=…` of a node. */
  private onNode(n: GraphNode): string {
    let s = this.nodes.get(n);
    if (s === undefined) {
      s = ` on_node="${esc(n.name)}" on_node_uuid="${esc(n.uuid)}"`;
      this.nodes.set(n, s);
    }
    return s;
  }

  /** `<attributes CRM_meta_…/>`, once per meta object (the graph shares the usual ones). */
  private attributes(a: PlannedAction): string {
    let s = this.metas.get(a.meta);
    if (s === undefined) {
      s = "<attributes";
      for (const k in a.meta) s += ` ${k}="${esc(a.meta[k])}"`;
      s += "/>";
      this.metas.set(a.meta, s);
    }
    return s;
  }

  /** One action's element as pretty XML lines, each indented by `indent`. */
  xml(a: PlannedAction, indent: string): string {
    const head = `id="${a.id}" operation="${esc(a.task)}" operation_key="${esc(a.key)}"`;
    if (a.kind === "crm_event") {
      return (
        `${indent}<crm_event ${head}${this.onNode(a.node!)}>\n` +
        `${indent}  ${this.attributes(a)}\n${indent}</crm_event>\n`
      );
    }
    if (a.kind === "pseudo_event") {
      return `${indent}<pseudo_event ${head}>\n${indent}  <attributes/>\n${indent}</pseudo_event>\n`;
    }
    return (
      `${indent}<rsc_op ${head}${this.onNode(a.node!)}>\n` +
      `${indent}  ${this.primitive(a.rsc!)}\n${indent}  ${this.attributes(a)}\n${indent}</rsc_op>\n`
    );
  }
}

/**
 * The transition graph as Pacemaker writes it, one synapse per executed action and its inputs,
 * handed to `write` in pieces of about 64 KB: a 40 MB graph never exists as one string, and the
 * many small pieces die young instead of surviving into the old generation. Pseudo actions and
 * the orderings through them are left out, as -G has always written it; the transition engine
 * follows those orderings through them (see tengine's engineGraph).
 */
export function writeGraphXml(graph: PlannedGraph, write: (chunk: string) => void): void {
  const acts = graph.actions.filter((a) => a.kind !== "pseudo_event");
  const w = new ActionWriter();
  let out =
    '<transition_graph cluster-delay="60s" stonith-timeout="60s" failed-stop-offset="INFINITY"' +
    ` failed-start-offset="INFINITY" transition_id="0"${acts.length === 0 ? "/>\n" : ">\n"}`;
  for (const a of acts) {
    out += `  <synapse id="${a.id}">\n    <action_set>\n${w.xml(a, "      ")}    </action_set>\n`;
    let inputs = 0;
    for (const id of a.inputs) {
      const first = graph.actions[id];
      if (first.kind === "pseudo_event") continue;
      if (inputs++ === 0) out += "    <inputs>\n";
      out += `      <trigger>\n${w.xml(first, "        ")}      </trigger>\n`;
    }
    out += inputs === 0 ? "    <inputs/>\n  </synapse>\n" : "    </inputs>\n  </synapse>\n";
    if (out.length > 1 << 16) {
      write(out);
      out = "";
    }
  }
  if (acts.length > 0) out += "</transition_graph>\n";
  write(out + "\n");
}

/** The graph of a scheduled working set, written as writeGraphXml does. */
export function writeTransitionGraph(ws: WorkingSet, write: (chunk: string) => void): void {
  writeGraphXml(buildPlannedGraph(ws), write);
}

/** The whole transition graph as one string (see writeGraphXml). */
export function transitionGraphXml(ws: WorkingSet): string {
  const chunks: string[] = [];
  writeTransitionGraph(ws, (c) => chunks.push(c));
  return chunks.join("");
}
/** The same graph in Graphviz DOT, as crm_simulate -D writes it: executed actions and the orderings between them. */
export function graphDot(graph: PlannedGraph): string {
  const label = (a: PlannedAction): string =>
    a.kind === "crm_event"
      ? `stonith '${a.fence!.action}' ${a.fence!.target.name}`
      : `${a.key}${a.node ? ` ${a.node.name}` : ""}`;
  const acts = graph.actions.filter((a) => a.kind !== "pseudo_event");
  const lines = [' digraph "g" {'];
  for (const a of acts) lines.push(`"${label(a)}" [ style=bold color="green" fontcolor="black"]`);
  // Each ordering once per edge, from the first's side: what it is ordered before, in graph order.
  const thens = new Map<number, PlannedAction[]>();
  for (const t of acts)
    for (const i of t.inputs) {
      if (graph.actions[i].kind === "pseudo_event") continue;
      const list = thens.get(i);
      if (list) list.push(t);
      else thens.set(i, [t]);
    }
  for (const a of acts)
    for (const t of thens.get(a.id) ?? []) lines.push(`"${label(a)}" -> "${label(t)}" [ style = bold]`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The DOT graph of a scheduled working set (see graphDot). */
export function transitionDot(ws: WorkingSet): string {
  return graphDot(buildPlannedGraph(ws));
}
