import { type WorkingSet } from "@hbx/pengine";
import { nodeAttributeLines } from "./attributes.js";
import { banLines } from "./bans.js";
import { detailStatusLines, failedDetailLines } from "./detail.js";
import { failedActionLines, historyLines } from "./history.js";
import { type MonOptions } from "./options.js";
import { byNodeLines } from "./by-node.js";
import { statusLines } from "./resources.js";
import { summaryLines } from "./summary.js";

/** Which summary section a summary line belongs to, for -I/-U. */
function summarySection(line: string): string {
  if (/^ {2}\* Stack:/.test(line)) return "stack";
  if (/^ {2}\* Current DC:/.test(line)) return "dc";
  if (/^ {2}\* Last (updated|change):/.test(line)) return "times";
  if (/^ {2}\* \d+ (node|resource instance)/.test(line)) return "counts";
  return "maint-mode";
}

/** The whole `crm_mon -1` text report, one string per line. */
export function textReport(ws: WorkingSet, opts: MonOptions, now: Date): string[] {
  const shown = (s: string) => opts.sections.shown.has(s);
  const status = opts.groupByNode
    ? byNodeLines(ws, opts.inactive)
    : opts.detail
      ? detailStatusLines(ws, opts.inactive)
      : statusLines(ws, opts.inactive);
  // The node list ends at the first blank line; the resource list follows it.
  const split = status.indexOf("");
  const nodes = split < 0 ? status : status.slice(0, split);
  const resources = split < 0 ? [] : status.slice(split + 1);
  // -D hides the headers, which in 2.1.5 takes the "Cluster Summary:" block with it, except
  // the warning that there is no DC. -Q leaves out the two time stamps, which change every run.
  const body = summaryLines(ws, now, opts.detail)
    .slice(1)
    // That there is no DC is said whatever the sections, as 2.1.5 does.
    .filter((l) =>
      l === "" ? shown("maint-mode") : shown(summarySection(l)) || l === "  * Current DC: NONE",
    )
    .filter((l) => !opts.quiet || summarySection(l) !== "times");
  let summary = body.length > 0 ? ["Cluster Summary:", ...body] : [];
  if (opts.hideHeaders) summary = ws.dcNode === undefined ? ["Cluster Summary:", "  * Current DC: NONE"] : [];
  const blocks: string[][] = [summary];
  if (shown("nodes") || opts.groupByNode) blocks.push(nodes);
  if (shown("resources") && !opts.groupByNode) blocks.push(resources);
  else if (opts.groupByNode) blocks.push(resources);
  const out = blocks.filter((b) => b.length > 0).flatMap((b, i) => (i === 0 ? b : ["", ...b]));
  if (shown("attributes")) out.push(...nodeAttributeLines(ws, opts.detail));
  if (shown("failcounts") || shown("operations"))
    out.push(...historyLines(ws, { ...opts, operations: shown("operations") }));
  if (shown("failures")) out.push(...(opts.detail ? failedDetailLines(ws) : failedActionLines(ws)));
  if (shown("bans")) out.push(...banLines(ws, opts.sections.banPrefix ?? ""));
  return out;
}
