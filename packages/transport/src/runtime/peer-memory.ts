import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LastAccepted, NodeName } from "../liveness/types.js";
import { writeAtomic } from "./persist.js";

/** `STATE_DIR/hb_peers`: one `node generation seq` line per peer, owner-only (0600). */
export const PEER_MEMORY_FILE = "hb_peers";

/**
 * What this node last accepted from each peer, kept across its own restarts so that packets
 * captured from a peer's earlier life cannot pass for a live peer after a restart (the liveness
 * core refuses anything at or below it). Written when something worth keeping changed (a peer's
 * new generation, a peer's death, this node's stop), never per packet: between those writes the
 * running core's own window does the refusing.
 */
export class PeerMemory {
  private readonly file: string;
  private written = new Map<NodeName, LastAccepted>();

  constructor(stateDir: string) {
    this.file = join(stateDir, PEER_MEMORY_FILE);
  }

  /** The remembered peers; an unreadable line is skipped (the rest still protects). */
  load(): Record<NodeName, LastAccepted> {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return {};
    }
    const out: Record<NodeName, LastAccepted> = {};
    for (const line of text.split("\n")) {
      const [node, g, s] = line.trim().split(/\s+/);
      const generation = Number(g);
      const seq = Number(s);
      if (node && Number.isSafeInteger(generation) && Number.isSafeInteger(seq)) {
        out[node] = { generation, seq };
        this.written.set(node, { generation, seq });
      }
    }
    return out;
  }

  /** Whether `now` differs from what the file holds in its generation (a new life to remember). */
  generationChanged(node: NodeName, now: LastAccepted | undefined): boolean {
    return now !== undefined && now.generation !== this.written.get(node)?.generation;
  }

  /** Write every peer's entry if any differs from the file; returns whether it wrote. */
  save(peers: Map<NodeName, LastAccepted>): boolean {
    let changed = false;
    for (const [n, v] of peers) {
      const w = this.written.get(n);
      if (!w || w.generation !== v.generation || w.seq !== v.seq) changed = true;
    }
    if (!changed) return false;
    const merged = new Map(this.written);
    for (const [n, v] of peers) merged.set(n, { ...v });
    writeAtomic(this.file, [...merged].map(([n, v]) => `${n} ${v.generation} ${v.seq}\n`).join(""));
    this.written = merged;
    return true;
  }
}
