import type { Logger } from "pino";

/**
 * Logs every dropped packet's reason and sender, but at most one line per (reason, sender) per
 * interval, so a flood of bad packets cannot flood the log; the suppressed count is reported.
 */
export class DropLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly maxKeys = 1024,
  ) {}

  drop(now: number, reason: string, addr: string, detail: string, node?: string): void {
    const key = `${reason}|${addr}`;
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    if (!entry && this.last.size >= this.maxKeys) this.last.clear();
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(key, { at: now, suppressed: 0 });
    this.log.warn(
      { reason, from: addr, node, suppressed },
      `dropped packet from ${addr}${node ? ` (node ${node})` : ""}: ${reason}: ${detail}${suppressed ? ` (${suppressed} more suppressed)` : ""}`,
    );
  }
}
