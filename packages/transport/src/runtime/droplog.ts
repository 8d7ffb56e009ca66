import type { Logger } from "pino";

/** What LogThrottle says about one event: log it or not, and a count to report first. */
export interface ThrottleVerdict {
  log: boolean;
  /** Events of this key suppressed in its previous interval, not yet reported (0: none). */
  suppressedBefore: number;
}

/**
 * Admits the first `burst` events of a key per interval and counts the rest, so a flood of bad
 * input from one sender cannot flood the log. The count is handed back once: with the key's next
 * admitted event, or by `flush` when the interval has ended (a caller's timer), for one summary
 * line "N more … suppressed". Sans-I/O: the caller passes the time. Keys are bounded: past
 * `maxKeys` the table is reset, which at worst logs a few more lines.
 */
export class LogThrottle {
  private readonly windows = new Map<string, { start: number; count: number; suppressed: number }>();
  readonly intervalMs: number;
  readonly burst: number;
  private readonly maxKeys: number;

  constructor(opts: { intervalMs?: number; burst?: number; maxKeys?: number } = {}) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.burst = opts.burst ?? 3;
    this.maxKeys = opts.maxKeys ?? 1024;
  }

  admit(now: number, key: string): ThrottleVerdict {
    let w = this.windows.get(key);
    let suppressedBefore = 0;
    if (w && now - w.start >= this.intervalMs) {
      suppressedBefore = w.suppressed;
      w = undefined;
    }
    if (!w) {
      if (!this.windows.has(key) && this.windows.size >= this.maxKeys) this.windows.clear();
      w = { start: now, count: 0, suppressed: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.burst) return { log: true, suppressedBefore };
    w.suppressed++;
    return { log: false, suppressedBefore };
  }

  /** Keys whose interval has ended with events suppressed: their counts, each reported once. */
  flush(now: number): { key: string; suppressed: number }[] {
    const out: { key: string; suppressed: number }[] = [];
    for (const [key, w] of this.windows) {
      if (now - w.start < this.intervalMs) continue;
      if (w.suppressed > 0) out.push({ key, suppressed: w.suppressed });
      this.windows.delete(key);
    }
    return out;
  }
}

/**
 * Logs every dropped packet's reason and sender, but at most one line per (reason, sender) per
 * interval, so a flood of bad packets cannot flood the log; the suppressed count is reported.
 */
export class DropLog {
  private readonly throttle: LogThrottle;

  constructor(
    private readonly log: Logger,
    intervalMs = 10_000,
    maxKeys = 1024,
  ) {
    this.throttle = new LogThrottle({ intervalMs, burst: 1, maxKeys });
  }

  drop(now: number, reason: string, addr: string, detail: string, node?: string): void {
    const v = this.throttle.admit(now, `${reason}|${addr}`);
    if (!v.log) return;
    const suppressed = v.suppressedBefore;
    this.log.warn(
      { reason, from: addr, node, suppressed },
      `dropped packet from ${addr}${node ? ` (node ${node})` : ""}: ${reason}: ${detail}${suppressed ? ` (${suppressed} more suppressed)` : ""}`,
    );
  }
}
