import { type WorkingSet } from "@hbx/pengine";
import { nodeAttributeLines } from "./attributes.js";
import { failedActionLines, historyLines } from "./history.js";
import { type MonOptions } from "./options.js";
import { statusLines } from "./resources.js";
import { summaryLines } from "./summary.js";

/** The whole `crm_mon -1` text report, one string per line. */
export function textReport(ws: WorkingSet, opts: MonOptions, now: Date): string[] {
  const out = [...summaryLines(ws, now), "", ...statusLines(ws, opts.inactive)];
  if (opts.nodeAttributes) out.push(...nodeAttributeLines(ws));
  if (opts.failcounts || opts.operations) out.push(...historyLines(ws, opts));
  out.push(...failedActionLines(ws));
  return out;
}
