/**
 * When a client that ha.cf's `respawn` (or `failfast`) line names exits, whether to start it
 * again: Heartbeat 3.0.6's rules (ManagedChildDied), kept apart from the processes so they can
 * be tested on their own.
 * - A client that exits with status 100 asked not to be restarted.
 * - Nothing is restarted while hbxd shuts down.
 * - An exit within 30 s of its start is a short run; after more than 10 short runs in a row the
 *   client is "respawning too fast" and is left stopped (the count starts again), so a broken
 *   client does not spin.
 */
export const NO_RESPAWN_EXIT_CODE = 100;
export const SHORT_RUN_MS = 30_000;
export const MAX_SHORT_RUNS = 10;

export type RespawnDecision = "respawn" | "asked-not-to" | "too-fast" | "shutting-down";

export class RespawnPolicy {
  private startedAt = 0;
  private shortRuns = 0;
  /** How many times the client was started again. */
  respawns = 0;

  started(now: number): void {
    this.startedAt = now;
  }

  exited(now: number, code: number | null, shuttingDown: boolean): RespawnDecision {
    if (shuttingDown) return "shutting-down";
    if (code === NO_RESPAWN_EXIT_CODE) return "asked-not-to";
    this.shortRuns = now - this.startedAt < SHORT_RUN_MS ? this.shortRuns + 1 : 0;
    if (this.shortRuns > MAX_SHORT_RUNS) {
      this.shortRuns = 0;
      return "too-fast";
    }
    this.respawns++;
    return "respawn";
  }
}
