import { isEmptyDiff, multisetDiff, type LineDiff } from "../conformance/compare.js";
import { splitSections } from "../conformance/sections.js";

/** The Transition Summary lines of crm_simulate output; undefined when the section is missing. */
export function transitionSummary(output: string): string[] | undefined {
  const sections = splitSections(output);
  return sections.present.has("transition") ? sections.transition : undefined;
}

export interface DecisionComparison {
  readonly equal: boolean;
  /** Lines in one summary and not the other (missing = Pacemaker only, unexpected = hbx only). */
  readonly differences: number;
  readonly diff: LineDiff;
  readonly pacemakerLines: number;
  readonly hbxLines: number;
}

/** Compares hbx's decisions with Pacemaker's as multisets of Transition Summary lines. */
export function compareDecisions(pacemakerOutput: string, hbxOutput: string): DecisionComparison | undefined {
  const pcmk = transitionSummary(pacemakerOutput);
  const hbx = transitionSummary(hbxOutput);
  if (pcmk === undefined || hbx === undefined) return undefined;
  const diff = multisetDiff(pcmk, hbx);
  return {
    equal: isEmptyDiff(diff),
    differences: diff.missing.length + diff.unexpected.length,
    diff,
    pacemakerLines: pcmk.length,
    hbxLines: hbx.length,
  };
}
