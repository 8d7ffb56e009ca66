import { type WorkingSet } from "@hbx/pengine";
import { plural } from "./format.js";
import { primitives } from "./summary.js";

/** Nagios plugin exit codes, which -s returns so monitoring can alert on them. */
export const NagiosExit = { OK: 0, WARN: 1, CRIT: 2 } as const;

/**
 * `crm_mon -s`: one line for a monitoring system. No DC or offline nodes make a warning;
 * otherwise the online nodes and configured instances are counted.
 */
export function simpleStatus(ws: WorkingSet): { line: string; code: number } {
  const offline = ws.nodes.filter((n) => !n.online && !n.remote);
  const noDc = ws.dcNode === undefined;
  if (noDc || offline.length > 0) {
    let text = noDc ? "No DC" : "";
    if (offline.length > 0) {
      if (noDc) text += ", ";
      text += offline.map((n) => `offline node: ${n.name}`).join(" ");
    }
    return { line: `CLUSTER WARN: ${text}`, code: NagiosExit.WARN };
  }
  const online = ws.nodes.filter((n) => n.online && !n.remote).length;
  const standby = ws.nodes.filter((n) => n.online && n.standby).length;
  const maint = ws.nodes.filter((n) => n.online && n.maintenance).length;
  const parts = [`${plural(online, "node")} online`];
  if (standby > 0) parts.push(`${plural(standby, "standby node")}`);
  if (maint > 0) parts.push(`${plural(maint, "maintenance node")}`);
  parts.push(`${plural(primitives(ws).length, "resource instance")} configured`);
  return { line: `CLUSTER OK: ${parts.join(", ")}`, code: NagiosExit.OK };
}
