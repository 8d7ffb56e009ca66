/**
 * Sequence tracking for one peer generation. Heartbeat sends every message of a process's life
 * with increasing `seq`; the same packet arrives once per link. A window of recently seen numbers
 * tells a duplicate (the copy from the other link, harmless) from a replay (older than anything
 * the window still remembers, or a captured packet sent again).
 */
export const REPLAY_WINDOW = 256;

export type SeqVerdict = "new" | "duplicate" | "replay";

export class SeqWindow {
  private highest = 0;
  private readonly seen = new Set<number>();

  /** The highest sequence number accepted so far in this generation (0 before the first). */
  get highestSeen(): number {
    return this.highest;
  }

  check(seq: number): SeqVerdict {
    if (this.highest > 0 && seq <= this.highest - REPLAY_WINDOW) return "replay";
    if (this.seen.has(seq)) return "duplicate";
    this.seen.add(seq);
    if (seq > this.highest) {
      this.highest = seq;
      // Forget numbers that fell out of the window so the set stays bounded.
      if (this.seen.size > REPLAY_WINDOW * 2) {
        for (const s of this.seen) if (s <= this.highest - REPLAY_WINDOW) this.seen.delete(s);
      }
    }
    return "new";
  }
}
