import { chmodSync, mkdirSync, statSync } from "node:fs";
import type { Logger } from "pino";

/** Group and others may at most enter and read the state directory: no writes, nothing for others. */
const STATE_DIR_MODE = 0o750;

/**
 * Create the state directory 0750, or tighten an existing looser one: it holds the CIB (agent
 * passwords included) and its history, which Pacemaker keeps in a 0750 directory too. Every
 * file inside is created 0600 by its writer (and the process umask is 027 as a backstop).
 */
export function closeStateDirectory(dir: string, log?: Logger): void {
  mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
  const mode = statSync(dir).mode & 0o777;
  if ((mode & ~STATE_DIR_MODE) !== 0) {
    chmodSync(dir, mode & STATE_DIR_MODE);
    log?.warn(
      { dir, was: mode.toString(8), now: (mode & STATE_DIR_MODE).toString(8) },
      `state directory ${dir} was ${mode.toString(8)}; tightened to ${(mode & STATE_DIR_MODE).toString(8)}`,
    );
  }
}
