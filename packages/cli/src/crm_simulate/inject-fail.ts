/**
 * crm_simulate -F: when the simulated transition runs an action named by an operation spec,
 * that action gives the spec's rc instead of success, recorded as Pacemaker's simulator does
 * (history record, fail-count and last-failure).
 */
import { type XmlElement, walkElements } from "@hbx/cib";
import { type WorkingSet, executableActions } from "@hbx/pengine";
import { injectResult } from "./inject.js";
import { parseOpSpec } from "./inject-opspec.js";

/** Drop the success record the simulator wrote for this action before the failure replaces it. */
function dropSimulatedRecord(cib: XmlElement, node: string, rscId: string, task: string): void {
  for (const ns of walkElements(cib)) {
    if (ns.name !== "node_state" || ns.attrs.uname !== node) continue;
    for (const lr of walkElements(ns)) {
      if (lr.name !== "lrm_resource" || lr.attrs.id !== rscId) continue;
      lr.children = lr.children.filter(
        (c) => !(c.kind === "element" && c.name === "lrm_rsc_op" && c.attrs.id === `${rscId}_${task}_0`),
      );
    }
  }
}

export function applyOpFailures(
  sim: { cib: XmlElement; lines: string[] },
  specTexts: readonly string[],
  ws: WorkingSet,
): string[] {
  if (specTexts.length === 0) return [];
  const specs = specTexts.map(parseOpSpec);
  const lines: string[] = [];
  for (const a of executableActions(ws)) {
    if (!a.rsc || !a.node) continue;
    const interval = a.interval;
    const spec = specs.find(
      (s) =>
        s.rscId === a.rsc!.id && s.task === a.task && s.intervalMs === interval && s.node === a.node!.name,
    );
    if (!spec) continue;
    dropSimulatedRecord(sim.cib, spec.node, spec.rscId, spec.task);
    lines.push(`Pretending action ${a.uid} failed with rc=${spec.rc}`);
    lines.push(...injectResult(sim.cib, spec, new Date(), "User-injected result"));
  }
  return lines;
}
