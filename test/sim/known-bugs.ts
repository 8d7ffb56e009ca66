/**
 * Violations the simulator finds today whose cause is known and open (see the report in
 * README.md). Each is recognised by what the simulator knew when it happened, not by its text
 * alone, so a new bug with the same symptom still fails the run. `pnpm sim` counts them as
 * failures; the unit-test run prints them and fails only on anything else.
 */
import type { AckedWrite } from "./invariants.js";

/**
 * ACK-BEFORE-MAJORITY: the DC acknowledges a client write once its own store has it and the
 * broadcast is sent, not once a majority has it. A DC that believes it is quorate but is already
 * cut off from the majority (its deadtime has not yet passed), or that dies right after, acks
 * a write the majority never sees; at the heal the majority's CIB wins and the write is gone.
 */
export const ACK_BEFORE_MAJORITY = "ACK-BEFORE-MAJORITY";

/**
 * UNRETRIED-JOIN: a join request the DC sends a member that fails (times out, is lost) is
 * dropped and never retried, so the DC keeps its stale copy of that member's history: a
 * resource the member stopped on its own (it lost quorum) or never runs any more (it restarted)
 * is believed active there, and nobody starts it.
 */
export const UNRETRIED_JOIN = "UNRETRIED-JOIN";

/**
 * MERGED-DC-OVERWRITES: when partitions merge, the DC of the merged cluster may be the one that
 * was cut off (two DCs meet, the ccm keeps one). It keeps its own CIB and its join push is
 * authoritative, so a member of the quorate side that held newer acknowledged writes takes the
 * older copy and the writes are gone. The merge should keep the quorate side's CIB.
 */
export const MERGED_DC_OVERWRITES = "MERGED-DC-OVERWRITES";

/**
 * `droppedBy`: "node@dc" for each node that held the write and later replaced its CIB with a
 * copy without it while following that DC (only a DC's copy replaces a member's CIB).
 */
export function lostWriteCause(
  w: AckedWrite,
  deadtimeMs: number,
  droppedBy: readonly string[],
): string | undefined {
  if (!w.dcQuorate) return undefined;
  const cutOff = w.dcReachedMajority === false;
  const diedSoon = w.dcDownAt !== undefined && w.dcDownAt - w.ackedAt <= 2 * deadtimeMs;
  if (cutOff || diedSoon) return ACK_BEFORE_MAJORITY;
  return droppedBy.some((d) => d.split("@")[1] !== w.dc) ? MERGED_DC_OVERWRITES : undefined;
}

/** The DC's CIB says the resource is active on a node where it does not run. */
export function notRunningCause(
  recordedActiveOn: readonly string[],
  reallyOn: readonly string[],
): string | undefined {
  return recordedActiveOn.some((n) => !reallyOn.includes(n)) ? UNRETRIED_JOIN : undefined;
}
