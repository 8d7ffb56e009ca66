import { element, serializeXml, type XmlElement } from "@hbx/cib";
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

function actionElement(a: Action, id: number): XmlElement {
  if (a.task === "stonith") {
    const n = a.fenceTarget!;
    return element(
      "crm_event",
      {
        id,
        operation: "stonith",
        operation_key: `stonith-${n.name}-${a.fenceAction}`,
        on_node: n.name,
        on_node_uuid: n.id,
      },
      [element("attributes", { CRM_meta_on_node: n.name, CRM_meta_stonith_action: a.fenceAction })],
    );
  }
  const r = a.rsc!;
  if (a.pseudo || !a.node) {
    return element("pseudo_event", { id, operation: a.task, operation_key: key(a) }, [
      element("attributes", {}),
    ]);
  }
  return element(
    "rsc_op",
    { id, operation: a.task, operation_key: key(a), on_node: a.node.name, on_node_uuid: a.node.id },
    [
      element("primitive", { id: r.id, class: r.cls, provider: r.provider, type: r.type }),
      element("attributes", {
        CRM_meta_on_node: a.node.name,
        CRM_meta_timeout: "20000",
        ...intervalMeta(a),
        ...migrationMeta(a),
      }),
    ],
  );
}

/** The transition graph as Pacemaker writes it: one synapse per action and its inputs. */
export function transitionGraphXml(ws: WorkingSet): string {
  const acts = executableActions(ws);
  const ids = new Map<Action, number>();
  acts.forEach((a, i) => ids.set(a, i));
  const synapses = acts.map((a, i) => {
    const inputs = a.after
      .filter((o) => ids.has(o.first))
      .map((o) => element("trigger", {}, [actionElement(o.first, ids.get(o.first)!)]));
    return element("synapse", { id: i }, [
      element("action_set", {}, [actionElement(a, i)]),
      element("inputs", {}, inputs),
    ]);
  });
  const root = element(
    "transition_graph",
    {
      "cluster-delay": "60s",
      "stonith-timeout": "60s",
      "failed-stop-offset": "INFINITY",
      "failed-start-offset": "INFINITY",
      transition_id: "0",
    },
    synapses,
  );
  return serializeXml(root, { pretty: true }) + "\n";
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
