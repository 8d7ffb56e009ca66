import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "pino";

/** Another hbxd holds the lock: the message names it, for the one line hbxd prints. */
export class AlreadyRunningError extends Error {}

export interface PidfileLock {
  readonly path: string;
  /** Remove the pidfile, but only while it is still the one this process created. */
  release(): void;
}

interface Holder {
  pid: number;
  socket?: string;
}

function readHolder(path: string): { text: string; holder?: Holder } | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const [pidLine, socket] = text.split("\n");
  const pid = Number(pidLine.trim());
  return {
    text,
    holder: Number.isSafeInteger(pid) && pid > 0 ? { pid, socket: socket || undefined } : undefined,
  };
}

/** Alive and an hbxd: its command line names hbxd (or it is this very process, as in tests). */
function isRunningHbxd(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive but someone else's; only an hbxd run as another user could hold our lock.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("hbxd");
  } catch {
    return true; // no /proc: trust a live pid
  }
}

function createExclusive(path: string, socket: string): number {
  const fd = openSync(path, "wx", 0o600);
  try {
    // Line 1 is the pid, as systemd's PIDFile= and start-stop-daemon read it; line 2 the socket,
    // so a refused second daemon can say where the running one serves.
    writeSync(fd, `${process.pid}\n${socket}\n`);
    return statSync(path).ino;
  } finally {
    closeSync(fd);
  }
}

/**
 * Take the one-daemon-per-node lock: create `path` exclusively. A pidfile whose pid is gone or is
 * not an hbxd is stale (a kill -9, a reboot) and is taken over with a log line; a live hbxd's
 * makes this throw AlreadyRunningError naming its pid and socket.
 */
export function acquirePidfile(path: string, socket: string, log: Logger): PidfileLock {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  let ino: number | undefined;
  for (let attempt = 0; ino === undefined; attempt++) {
    try {
      ino = createExclusive(path, socket);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const found = readHolder(path);
      if (found === undefined) continue; // removed meanwhile: try again
      const h = found.holder;
      if (h && isRunningHbxd(h.pid)) {
        throw new AlreadyRunningError(
          `hbxd is already running (pid ${h.pid}${h.socket ? `, socket ${h.socket}` : ""}, pidfile ${path}); not starting a second one`,
        );
      }
      if (attempt > 2)
        throw new AlreadyRunningError(`cannot take over the pidfile ${path}: it keeps changing`);
      // Remove it only if it is still the stale one we read, not a new daemon's fresh lock.
      if (readHolder(path)?.text === found.text) {
        unlinkSync(path);
        log.warn(
          { pidfile: path, stalePid: h?.pid },
          `stale pidfile ${path} (pid ${h?.pid ?? "unreadable"} is not a running hbxd) taken over`,
        );
      }
    }
  }
  const ours = ino;
  return {
    path,
    release() {
      try {
        if (statSync(path).ino === ours && readHolder(path)?.holder?.pid === process.pid) unlinkSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    },
  };
}
