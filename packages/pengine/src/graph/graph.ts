import { escapeAttr } from "@hbx/cib";
import type { Action, ClusterNode, Resource, WorkingSet } from "../types.js";
import { executableActions } from "../simulate/execute.js";
import { migrationEnds } from "../actions/migration.js";

function key(a: Action): string {
  if (a.task === "stonith") return `stonith-${a.fenceTarget!.name}-${a.fenceAction}`;
  // A cancel names the recurring operation it ends.
  const task = a.task === "cancel" ? "monitor" : a.task;
  return `${a.rsc ? a.rsc.id : ""}_${task}_${a.interval}`;
}

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
 * on a node repeats are escaped once and kept.
 */
class ActionWriter {
  private readonly primitives = new Map<Resource, string>();
  private readonly nodes = new Map<ClusterNode, string>();

  /** `<primitive id=… class=… provider=… type=…/>` of a resource. */
  private primitive(r: Resource): string {
    let s = this.primitives.get(r);
    if (s === undefined) {
      s = `<primitive id="${esc(r.id)}"`;
      if (r.cls !== undefined) s += ` class="${esc(r.cls)}"`;
      if (r.provider !== undefined) s += ` provider="${esc(r.provider)}"`;
      if (r.type !== undefined) s += ` type="${esc(r.type)}"`;
      s += "/>";
      this.primitives.set(r, s);
    }
    return s;
  }

  /** ` on_node=… on_node_uuid=…` of a node. */
  private onNode(n: ClusterNode): string {
    let s = this.nodes.get(n);
    if (s === undefined) {
      s = ` on_node="${esc(n.name)}" on_node_uuid="${esc(n.id)}"`;
      this.nodes.set(n, s);
    }
    return s;
  }

  /** One action's element as pretty XML lines, each indented by `indent`. */
  xml(a: Action, id: number, indent: string): string {
    if (a.task === "stonith") {
      const n = a.fenceTarget!;
      const op = `stonith-${esc(n.name)}-${esc(a.fenceAction!)}`;
      return (
        `${indent}<crm_event id="${id}" operation="stonith" operation_key="${op}"${this.onNode(n)}>\n` +
        `${indent}  <attributes CRM_meta_on_node="${esc(n.name)}" CRM_meta_stonith_action="${esc(a.fenceAction!)}"/>\n` +
        `${indent}</crm_event>\n`
      );
    }
    if (a.pseudo || !a.node) {
      return (
        `${indent}<pseudo_event id="${id}" operation="${esc(a.task)}" operation_key="${esc(key(a))}">\n` +
        `${indent}  <attributes/>\n${indent}</pseudo_event>\n`
      );
    }
    // A recurring monitor (or the cancel of one) carries its interval, as Pacemaker's graph
    // does; the agent learns where a migration goes from its migrate_source/migrate_target.
    let meta = `CRM_meta_on_node="${esc(a.node.name)}" CRM_meta_timeout="20000"`;
    if (a.interval > 0) {
      meta += ` CRM_meta_interval="${a.interval}"`;
      if (a.task === "cancel") meta += ` CRM_meta_operation="monitor"`;
    }
    const ends = migrationEnds(a);
    if (ends) {
      meta += ` CRM_meta_migrate_source="${esc(ends.source.name)}" CRM_meta_migrate_target="${esc(ends.target.name)}"`;
    }
    return (
      `${indent}<rsc_op id="${id}" operation="${esc(a.task)}" operation_key="${esc(key(a))}"${this.onNode(a.node)}>\n` +
      `${indent}  ${this.primitive(a.rsc!)}\n${indent}  <attributes ${meta}/>\n${indent}</rsc_op>\n`
    );
  }
}

/**
 * The transition graph as Pacemaker writes it, one synapse per action and its inputs, handed to
 * `write` in pieces of about 64 KB: a 40 MB graph never exists as one string, and the many
 * small pieces die young instead of surviving into the old generation.
 */
export function writeTransitionGraph(ws: WorkingSet, write: (chunk: string) => void): void {
  const acts = executableActions(ws);
  const ids = new Map<Action, number>();
  acts.forEach((a, i) => ids.set(a, i));
  const w = new ActionWriter();
  let out =
    '<transition_graph cluster-delay="60s" stonith-timeout="60s" failed-stop-offset="INFINITY"' +
    ` failed-start-offset="INFINITY" transition_id="0"${acts.length === 0 ? "/>\n" : ">\n"}`;
  acts.forEach((a, i) => {
    out += `  <synapse id="${i}">\n    <action_set>\n${w.xml(a, i, "      ")}    </action_set>\n`;
    let inputs = 0;
    for (const o of a.after) {
      const id = ids.get(o.first);
      if (id === undefined) continue;
      if (inputs++ === 0) out += "    <inputs>\n";
      out += `      <trigger>\n${w.xml(o.first, id, "        ")}      </trigger>\n`;
    }
    out += inputs === 0 ? "    <inputs/>\n  </synapse>\n" : "    </inputs>\n  </synapse>\n";
    if (out.length > 1 << 16) {
      write(out);
      out = "";
    }
  });
  if (acts.length > 0) out += "</transition_graph>\n";
  write(out + "\n");
}

/** The whole transition graph as one string (see writeTransitionGraph). */
export function transitionGraphXml(ws: WorkingSet): string {
  const chunks: string[] = [];
  writeTransitionGraph(ws, (c) => chunks.push(c));
  return chunks.join("");
}
/** The same graph in Graphviz DOT, as crm_simulate -D writes it. */
export function transitionDot(ws: WorkingSet): string {
  const acts = executableActions(ws);
  const label = (a: Action): string =>
    a.task === "stonith"
      ? `stonith '${a.fenceAction}' ${a.fenceTarget!.name}`
      : `${key(a)}${a.node ? ` ${a.node.name}` : ""}`;
  const lines = [' digraph "g" {'];
  for (const a of acts) lines.push(`"${label(a)}" [ style=bold color="green" fontcolor="black"]`);
  const set = new Set(acts);
  for (const a of acts)
    for (const o of a.before)
      if (set.has(o.then)) lines.push(`"${label(a)}" -> "${label(o.then)}" [ style = bold]`);
  lines.push("}");
  return lines.join("\n") + "\n";
}
