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
 * MERGE-KEEPS-WRONG-SIDE: when partitions merge, one side's whole CIB replaces the other's, and
 * which one is decided by who stays DC (its join push is authoritative) or by the higher
 * version number (a new DC's sync takes the newest copy), not by which side was quorate. A
 * minority's counter runs ahead with status writes, and a minority's DC may keep the role, so
 * the quorate side's acknowledged writes are dropped by a "sync" from the other side.
 */
export const MERGE_KEEPS_WRONG_SIDE = "MERGE-KEEPS-WRONG-SIDE";

/**
 * `droppedBySync`: the nodes whose store dropped the write while taking a copy from another
 * node (the CRM's "sync" replace: a DC's broadcast or push, or a new DC's sync).
 */
export function lostWriteCause(
  w: AckedWrite,
  deadtimeMs: number,
  droppedBySync: readonly string[],
): string | undefined {
  if (!w.dcQuorate) return undefined;
  const cutOff = w.dcReachedMajority === false;
  const diedSoon = w.dcDownAt !== undefined && w.dcDownAt - w.ackedAt <= 2 * deadtimeMs;
  if (cutOff || diedSoon) return ACK_BEFORE_MAJORITY;
  return droppedBySync.length > 0 ? MERGE_KEEPS_WRONG_SIDE : undefined;
}
