import { renameSync, writeFileSync } from "node:fs";

/**
 * What the refreshing mode needs from the process it runs in: whether stdout is a terminal,
 * and a way to hear the user quit. main.ts passes the real one; in-process callers pass none
 * and get one-shot behaviour, so a test run on a terminal never starts looping.
 */
export interface MonHost {
  stdoutIsTty: boolean;
  /** Call `onQuit` on q, Q or Ctrl-C at the keyboard, or on SIGINT/SIGTERM; returns the undo. */
  watchQuit(onQuit: () => void): () => void;
  /** The script that runs crm_mon, for --daemonize to start its background copy with. */
  script: string;
}

/** Pacemaker's curses-less redraw: cursor home, then clear the screen. */
export const CLEAR_SCREEN = "\x1b[H\x1b[2J";

/** The real terminal: raw keys while it is a TTY, signals always. */
export function processHost(): MonHost {
  return {
    stdoutIsTty: process.stdout.isTTY === true,
    script: process.argv[1],
    watchQuit(onQuit) {
      const stdin = process.stdin;
      const raw = stdin.isTTY === true;
      const onKey = (b: Buffer) => {
        // q, Q, Ctrl-C (0x03) and Ctrl-D (0x04): raw mode turns Ctrl-C into a byte, not SIGINT.
        if (b.some((c) => c === 0x71 || c === 0x51 || c === 0x03 || c === 0x04)) onQuit();
      };
      if (raw) {
        stdin.setRawMode(true);
        stdin.on("data", onKey);
        stdin.resume();
      }
      process.on("SIGINT", onQuit);
      process.on("SIGTERM", onQuit);
      return () => {
        process.off("SIGINT", onQuit);
        process.off("SIGTERM", onQuit);
        if (raw) {
          stdin.off("data", onKey);
          stdin.setRawMode(false);
          stdin.pause();
        }
      };
    },
  };
}

/**
 * Write a whole file so that a reader (a web server, a browser on file://) never sees half a
 * page: into a temporary name beside it, then renamed over it.
 */
export function writeFileWhole(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

/**
 * Draw `frame()` every `intervalMs` until the host says quit; each draw starts as soon as the
 * previous one is out, so a slow CIB read never overlaps the next.
 */
export async function refreshLoop(
  frame: () => Promise<void>,
  intervalMs: number,
  host: MonHost,
): Promise<void> {
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  let stopped = false;
  const undo = host.watchQuit(() => {
    stopped = true;
    quit();
  });
  try {
    while (!stopped) {
      await frame();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([quitting, new Promise<void>((r) => (timer = setTimeout(r, intervalMs)))]);
      clearTimeout(timer);
    }
  } finally {
    undo();
  }
}
