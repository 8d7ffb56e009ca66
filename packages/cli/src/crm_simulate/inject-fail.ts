/**
 * crm_simulate -F: when the simulated transition runs an action named by an operation spec,
 * that action gives the spec's rc instead of success, recorded as Pacemaker's simulator does
 * (history record, fail-count and last-failure), and the transition stops there: actions after
 * it in execution order are not run, so -O saves the state the cluster would be left in.
 */
import { type XmlElement, walkElements } from "@hbx/cib";
import { type WorkingSet, executableActions } from "@hbx/pengine";
import { injectResult } from "./inject.js";
import { type OpSpec, parseOpSpec } from "./inject-opspec.js";

/** The simulator's record of a one-shot action (its marker transition key tells it from history). */
const SIMULATED_KEY = "0:0:0:simulated";

/** The line the simulator prints for a resource action (see simulateTransition). */
const actionLine = (rscId: string, task: string, node: string): string =>
  `  * Resource action: ${rscId.padEnd(15)} ${task} on ${node}`;

const LINE = /^ {2}\* Resource action: (\S+)\s+(\S+) on (\S+)$/;

/** Drop the success record the simulator wrote for an action it is now taken not to have run. */
function dropSimulatedRecord(cib: XmlElement, node: string, rscId: string, task: string): void {
  for (const ns of walkElements(cib)) {
    if (ns.name !== "node_state" || ns.attrs.uname !== node) continue;
    for (const lr of walkElements(ns)) {
      if (lr.name !== "lrm_resource") continue;
      lr.children = lr.children.filter(
        (c) =>
          !(
            c.kind === "element" &&
            c.name === "lrm_rsc_op" &&
            c.attrs.id === `${rscId}_${task}_0` &&
            c.attrs["transition-key"] === SIMULATED_KEY
          ),
      );
    }
  }
}

/**
 * Apply -F specs to a simulated transition in place: the first executed action a spec names
 * fails, its lines follow its action line, and later actions are undone. Returns whether any
 * action failed.
 */
export function applyOpFailures(
  sim: { cib: XmlElement; lines: string[] },
  specTexts: readonly string[],
  ws: WorkingSet,
): boolean {
  if (specTexts.length === 0) return false;
  const specs = specTexts.map(parseOpSpec);
  let first: { at: number; uid: number; spec: OpSpec } | undefined;
  for (const a of executableActions(ws)) {
    if (!a.rsc || !a.node) continue;
    const spec = specs.find(
      (s) =>
        s.rscId === a.rsc!.id && s.task === a.task && s.intervalMs === a.interval && s.node === a.node!.name,
    );
    if (!spec) continue;
    const at = sim.lines.indexOf(actionLine(spec.rscId, spec.task, spec.node));
    if (at >= 0 && (!first || at < first.at)) first = { at, uid: a.uid, spec };
  }
  if (!first) return false;
  const { spec } = first;
  for (const undone of sim.lines.slice(first.at + 1)) {
    const m = LINE.exec(undone);
    if (m) dropSimulatedRecord(sim.cib, m[3], m[1], m[2]);
  }
  dropSimulatedRecord(sim.cib, spec.node, spec.rscId, spec.task);
  const recorded = injectResult(sim.cib, spec, new Date(), "User-injected result");
  sim.lines.splice(
    first.at + 1,
    sim.lines.length,
    `Pretending action ${first.uid} failed with rc=${spec.rc}`,
    ...recorded,
  );
  return true;
}
