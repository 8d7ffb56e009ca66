import { type LrmOp, type XmlElement, element } from "@hbx/cib";
import { type WorkingSet } from "@hbx/pengine";
import { epochText, rcText } from "./format.js";
import { failureOf, nodeHistories, taskName, threshold } from "./history.js";

function operationXml(op: LrmOp): XmlElement {
  const a = op.element.attrs;
  const change = Number(a["last-rc-change"] ?? 0);
  return element("operation_history", {
    call: op.callId,
    task: taskName(op),
    rc: op.rc,
    rc_text: rcText(op.rc),
    interval: op.interval > 0 ? `${op.interval}ms` : undefined,
    "last-rc-change": change > 0 ? epochText(change) : undefined,
    "exec-time": a["exec-time"] !== undefined ? `${a["exec-time"]}ms` : undefined,
    "queue-time": a["queue-time"] !== undefined ? `${a["queue-time"]}ms` : undefined,
  });
}

/** `<node_history>`: the XML form of -o, each online node's resources and their operations. */
export function nodeHistoryXml(ws: WorkingSet): XmlElement | undefined {
  const nodes: XmlElement[] = [];
  for (const { node, entries } of nodeHistories(ws)) {
    if (entries.length === 0) continue;
    const resources = entries.map(({ name, rsc, ops }) => {
      const f = failureOf(rsc, node);
      return element(
        "resource_history",
        {
          id: name,
          orphan: rsc === undefined || rsc.orphan ? "true" : "false",
          "migration-threshold": threshold(rsc),
          "fail-count": f?.count,
          "last-failure": f?.last ? epochText(f.last) : undefined,
        },
        ops.map(operationXml),
      );
    });
    nodes.push(element("node", { name: node.name }, resources));
  }
  return nodes.length > 0 ? element("node_history", {}, nodes) : undefined;
}
