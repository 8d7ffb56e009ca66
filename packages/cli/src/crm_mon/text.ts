import { type WorkingSet } from "@hbx/pengine";
import { nodeAttributeLines } from "./attributes.js";
import { banLines } from "./bans.js";
import { detailStatusLines, failedDetailLines } from "./detail.js";
import { failedActionLines, historyLines } from "./history.js";
import { type MonOptions } from "./options.js";
import { byNodeLines } from "./by-node.js";
import { statusLines } from "./resources.js";
import { summaryLines } from "./summary.js";

/** The whole `crm_mon -1` text report, one string per line. */
export function textReport(ws: WorkingSet, opts: MonOptions, now: Date): string[] {
  const status = opts.groupByNode
    ? byNodeLines(ws, opts.inactive)
    : opts.detail
      ? detailStatusLines(ws, opts.inactive)
      : statusLines(ws, opts.inactive);
  // -D hides the headers, which in 2.1.5 takes the "Cluster Summary:" block with it, except
  // the warning that there is no DC.
  // -Q leaves out the two time stamps, the lines that change on every run.
  const full = () =>
    summaryLines(ws, now, opts.detail).filter(
      (l) => !opts.quiet || !/^ {2}\* Last (updated|change):/.test(l),
    );
  const summary = !opts.hideHeaders
    ? full()
    : ws.dcNode === undefined
      ? ["Cluster Summary:", "  * Current DC: NONE"]
      : [];
  const out = summary.length > 0 ? [...summary, "", ...status] : [...status];
  if (opts.nodeAttributes) out.push(...nodeAttributeLines(ws, opts.detail));
  if (opts.failcounts || opts.operations) out.push(...historyLines(ws, opts));
  out.push(...(opts.detail ? failedDetailLines(ws) : failedActionLines(ws)));
  if (opts.negLocations !== undefined) out.push(...banLines(ws, opts.negLocations));
  return out;
}
