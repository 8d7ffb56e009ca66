import { LogThrottle } from "@hbx/transport";
import { pino, type Logger } from "pino";

/** The bus's default logger; the daemon passes its own so logs follow ha.cf's logfile/debugfile. */
export function defaultBusLogger(): Logger {
  return pino({ level: process.env.HBX_LOG_LEVEL ?? "warn" }).child({ component: "bus" });
}

/**
 * Warnings about bad input from a peer, at most a few of each kind per peer per interval: a peer
 * that has the key can send any junk, and each frame must not cost a log line. The kind is the
 * message, not the reason: reasons carry the lengths and bytes of each bad frame, so junk would
 * make every one new. What was held back is reported in one line ("N more … suppressed").
 */
export class PeerWarnings {
  private readonly throttle: LogThrottle;

  constructor(
    private readonly log: Logger,
    opts: { intervalMs?: number; burst?: number } = {},
  ) {
    this.throttle = new LogThrottle(opts);
  }

  warn(now: number, peer: string, msg: string, fields: Record<string, unknown> = {}): void {
    const v = this.throttle.admit(now, `${peer}\u0000${msg}`);
    if (v.suppressedBefore > 0) this.summary(peer, msg, v.suppressedBefore);
    if (v.log) this.log.warn({ peer, ...fields }, msg);
  }

  /** Report the counts of intervals that have ended; call it on the owner's timer or any step. */
  flush(now: number): void {
    for (const { key, suppressed } of this.throttle.flush(now)) {
      const [peer, msg] = key.split("\u0000");
      this.summary(peer, msg, suppressed);
    }
  }

  private summary(peer: string, msg: string, suppressed: number): void {
    this.log.warn(
      { peer, suppressed },
      `${msg}: ${suppressed} more from ${peer} suppressed within ${this.throttle.intervalMs / 1000}s`,
    );
  }
}

export type { Logger };
