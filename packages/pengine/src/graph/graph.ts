import { escapeAttr } from "@hbx/cib";
import type { Action, WorkingSet } from "../types.js";
import { executableActions } from "../simulate/execute.js";
import { migrationEnds } from "../actions/migration.js";

/** The agent learns where a migration goes from its migrate_source/migrate_target meta. */
function migrationMeta(a: Action): Record<string, string> {
  const e = migrationEnds(a);
  return e ? { CRM_meta_migrate_source: e.source.name, CRM_meta_migrate_target: e.target.name } : {};
}

function key(a: Action): string {
  if (a.task === "stonith") return `stonith-${a.fenceTarget!.name}-${a.fenceAction}`;
  // A cancel names the recurring operation it ends.
  const task = a.task === "cancel" ? "monitor" : a.task;
  return `${a.rsc ? a.rsc.id : ""}_${task}_${a.interval}`;
}

/** A recurring monitor (or the cancel of one) carries its interval, as Pacemaker's graph does. */
function intervalMeta(a: Action): Record<string, string> {
  if (a.interval <= 0) return {};
  const meta: Record<string, string> = { CRM_meta_interval: String(a.interval) };
  if (a.task === "cancel") meta.CRM_meta_operation = "monitor";
  return meta;
}

const NEEDS_ESCAPE = /[&<>"\n\r\t]/;

/** ` name="value"` for each defined attribute, in order, escaped as serializeXml does. */
function attrText(attrs: Record<string, string | number | undefined>): string {
  let out = "";
  for (const k in attrs) {
    const v = attrs[k];
    if (v === undefined) continue;
    const text = String(v);
    out += ` ${k}="${NEEDS_ESCAPE.test(text) ? escapeAttr(text) : text}"`;
  }
  return out;
}

/**
 * One action's element as pretty XML lines, each indented by `indent`. Written by hand rather
 * than through element()/serializeXml: a stopped 32x2000 cluster has 64,000 probes, and a tree
 * of objects per action (rendered again in each trigger) cost seconds and most of a gigabyte.
 */
function actionXml(a: Action, id: number, indent: string): string {
  if (a.task === "stonith") {
    const n = a.fenceTarget!;
    const head = attrText({
      id,
      operation: "stonith",
      operation_key: `stonith-${n.name}-${a.fenceAction}`,
      on_node: n.name,
      on_node_uuid: n.id,
    });
    const attrs = attrText({ CRM_meta_on_node: n.name, CRM_meta_stonith_action: a.fenceAction });
    return `${indent}<crm_event${head}>\n${indent}  <attributes${attrs}/>\n${indent}</crm_event>\n`;
  }
  const r = a.rsc!;
  if (a.pseudo || !a.node) {
    const head = attrText({ id, operation: a.task, operation_key: key(a) });
    return `${indent}<pseudo_event${head}>\n${indent}  <attributes/>\n${indent}</pseudo_event>\n`;
  }
  const head = attrText({
    id,
    operation: a.task,
    operation_key: key(a),
    on_node: a.node.name,
    on_node_uuid: a.node.id,
  });
  const prim = attrText({ id: r.id, class: r.cls, provider: r.provider, type: r.type });
  const attrs = attrText({
    CRM_meta_on_node: a.node.name,
    CRM_meta_timeout: "20000",
    ...intervalMeta(a),
    ...migrationMeta(a),
  });
  return (
    `${indent}<rsc_op${head}>\n${indent}  <primitive${prim}/>\n` +
    `${indent}  <attributes${attrs}/>\n${indent}</rsc_op>\n`
  );
}

/** The transition graph as Pacemaker writes it: one synapse per action and its inputs. */
export function transitionGraphXml(ws: WorkingSet): string {
  const acts = executableActions(ws);
  const ids = new Map<Action, number>();
  acts.forEach((a, i) => ids.set(a, i));
  const chunks: string[] = [];
  let out =
    '<transition_graph cluster-delay="60s" stonith-timeout="60s" failed-stop-offset="INFINITY"' +
    ` failed-start-offset="INFINITY" transition_id="0"${acts.length === 0 ? "/>\n" : ">\n"}`;
  acts.forEach((a, i) => {
    out += `  <synapse id="${i}">\n    <action_set>\n${actionXml(a, i, "      ")}    </action_set>\n`;
    let inputs = 0;
    for (const o of a.after) {
      const id = ids.get(o.first);
      if (id === undefined) continue;
      if (inputs++ === 0) out += "    <inputs>\n";
      out += `      <trigger>\n${actionXml(o.first, id, "        ")}      </trigger>\n`;
    }
    out += inputs === 0 ? "    <inputs/>\n  </synapse>\n" : "    </inputs>\n  </synapse>\n";
    // Flatten into a chunk now and then, so the many small pieces die young instead of
    // surviving into the old generation (which made garbage collection most of the cost).
    if (out.length > 1 << 16) {
      chunks.push(flat(out));
      out = "";
    }
  });
  if (acts.length > 0) out += "</transition_graph>\n";
  chunks.push(out, "\n");
  return chunks.join("");
}

/** A flat copy of a concatenated string, holding none of its pieces. */
function flat(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
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
