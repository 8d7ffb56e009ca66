import { type WorkingSet } from "@hbx/pengine";
import { nodeAttributeLines } from "./attributes.js";
import { failedActionLines, historyLines } from "./history.js";
import { type MonOptions } from "./options.js";
import { byNodeLines } from "./by-node.js";
import { statusLines } from "./resources.js";
import { summaryLines } from "./summary.js";

/** The whole `crm_mon -1` text report, one string per line. */
export function textReport(ws: WorkingSet, opts: MonOptions, now: Date): string[] {
  const status = opts.groupByNode ? byNodeLines(ws, opts.inactive) : statusLines(ws, opts.inactive);
  const out = [...summaryLines(ws, now), "", ...status];
  if (opts.nodeAttributes) out.push(...nodeAttributeLines(ws));
  if (opts.failcounts || opts.operations) out.push(...historyLines(ws, opts));
  out.push(...failedActionLines(ws));
  return out;
}
