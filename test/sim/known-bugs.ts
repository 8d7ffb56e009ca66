/**
 * Violations the simulator finds today whose cause is known and open (see the report in
 * README.md). Each is recognised by what the simulator knew when it happened, not by its text
 * alone, so a new bug with the same symptom still fails the run. `pnpm sim` counts them as
 * failures; the unit-test run prints them and fails only on anything else.
 */
import type { AckedWrite } from "./invariants.js";

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
export function lostWriteCause(w: AckedWrite, droppedBySync: readonly string[]): string | undefined {
  if (!w.dcQuorate) return undefined;
  // A write a majority held that a sync replaced. (A DC cut off within its deadtime, or dying,
  // no longer acknowledges before a majority holds the write: any such loss is a new bug.)
  return droppedBySync.length > 0 ? MERGE_KEEPS_WRONG_SIDE : undefined;
}
