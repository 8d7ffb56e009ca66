/**
 * The simulated network between the nodes' SimTransports: every packet is a broadcast (as
 * Heartbeat's UDP media are), delivered after a seeded delay, possibly lost or duplicated, and
 * dropped by one-way cuts. A partition is a set of cuts in both directions. Timers are the
 * caller's (fake) ones, so delivery order follows virtual time and the seed alone.
 */
import type { HbMessage } from "@hbx/transport";

/** What travels: a status heartbeat (`status`) or a cluster message (`msg`), both sequenced. */
export interface SimPacket {
  from: string;
  generation: number;
  seq: number;
  status?: string;
  msg?: HbMessage;
  /** Heartbeat's `dest`: only that node takes the message up; every node sees its seq. */
  to?: string;
}

export interface NetworkFaults {
  lossRate: number;
  dupRate: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const CALM: NetworkFaults = { lossRate: 0, dupRate: 0, minDelayMs: 1, maxDelayMs: 5 };

export interface Endpoint {
  receive(p: SimPacket): void;
}

export class SimNetwork {
  private readonly endpoints = new Map<string, Endpoint>();
  /** "a>b": nothing a sends reaches b. */
  private readonly cuts = new Set<string>();
  faults: NetworkFaults = { ...CALM };
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly nodes: readonly string[],
    private readonly random: () => number,
  ) {}

  attach(name: string, e: Endpoint): void {
    this.endpoints.set(name, e);
  }

  detach(name: string, e: Endpoint): void {
    if (this.endpoints.get(name) === e) this.endpoints.delete(name);
  }

  cut(from: string, to: string): void {
    this.cuts.add(`${from}>${to}`);
  }

  /** Split the nodes into groups that hear only each other. */
  partition(groups: readonly (readonly string[])[]): void {
    for (const g of groups)
      for (const h of groups) if (g !== h) for (const a of g) for (const b of h) this.cut(a, b);
  }

  heal(): void {
    this.cuts.clear();
    this.faults = { ...CALM };
  }

  isCut(from: string, to: string): boolean {
    return this.cuts.has(`${from}>${to}`);
  }

  describeCuts(): string[] {
    return [...this.cuts].sort();
  }

  send(p: SimPacket): void {
    for (const to of this.nodes) {
      if (to === p.from) continue;
      if (this.cuts.has(`${p.from}>${to}`) || this.random() < this.faults.lossRate) {
        this.dropped++;
        continue;
      }
      const copies = this.random() < this.faults.dupRate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        // Each copy its own delay: jitter larger than the send interval reorders packets.
        const { minDelayMs, maxDelayMs } = this.faults;
        const delay = minDelayMs + Math.floor(this.random() * (maxDelayMs - minDelayMs + 1));
        setTimeout(() => {
          this.delivered++;
          this.endpoints.get(to)?.receive(p);
        }, delay);
      }
    }
  }
}
