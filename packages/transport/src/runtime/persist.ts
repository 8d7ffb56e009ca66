import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The heartbeat generation (`hg`): read, incremented and written back before the first packet,
 * so every restart is visible to peers as a higher generation, as Heartbeat's hb_generation file.
 */
export function nextGeneration(stateDir: string, now = Date.now()): number {
  mkdirSync(stateDir, { recursive: true, mode: 0o750 });
  const file = join(stateDir, "hb_generation");
  let prev = 0;
  try {
    prev = Number.parseInt(readFileSync(file, "utf8").trim(), 10) || 0;
  } catch {
    // First start: seed from the clock so a lost state dir still yields a newer generation.
    prev = Math.floor(now / 1000);
  }
  const gen = prev + 1;
  writeAtomic(file, `${gen}\n`);
  return gen;
}

/** This node's 16-byte uuid (the `srcuuid` field), created once. */
export function nodeUuid(stateDir: string): Buffer {
  mkdirSync(stateDir, { recursive: true, mode: 0o750 });
  const file = join(stateDir, "hb_uuid");
  try {
    const b = readFileSync(file);
    if (b.length === 16) return b;
  } catch {
    // created below
  }
  const uuid = randomBytes(16);
  uuid[6] = (uuid[6] & 0x0f) | 0x40; // RFC 4122 version 4
  uuid[8] = (uuid[8] & 0x3f) | 0x80;
  writeAtomic(file, uuid);
  return uuid;
}

/** Write a state file whole (a crash leaves the old or the new one), readable by its owner only. */
export function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}
