import { spawn } from "node:child_process";
import { BoundedOutput } from "./bounded-output.js";

export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Written to the agent's stdin, then stdin is closed (fence agents read their options there). */
  readonly stdin?: string;
  readonly cwd?: string;
  readonly timeoutMs: number;
  /** How long after SIGTERM the process group gets SIGKILL. */
  readonly killGraceMs?: number;
  readonly headBytes?: number;
  readonly tailBytes?: number;
}

export interface ProcessOutcome {
  readonly pid: number;
  /** Exit status when the agent exited by itself. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** errno code when the agent could not be started at all (ENOENT, EACCES …). */
  readonly spawnError?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface RunningProcess {
  readonly pid: number;
  readonly done: Promise<ProcessOutcome>;
  /** Kill the agent's process group (TERM, then KILL after the grace period). */
  cancel(): void;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Spawn an agent as the leader of its own process group, so that a timeout or a cancel reaches
 * every process it started (a `sleep` in a shell agent, a daemon that has not yet detached).
 * The outcome is settled when the agent itself exits: a daemon it left running on success
 * keeps running, as with Pacemaker's executor.
 */
export function runProcess(spec: ProcessSpec): RunningProcess {
  const startedAt = Date.now();
  const grace = spec.killGraceMs ?? 2000;
  const out = new BoundedOutput(spec.headBytes, spec.tailBytes);
  const err = new BoundedOutput(spec.headBytes, spec.tailBytes);
  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  let exited = false;

  const child = spawn(spec.command, [...spec.args], {
    env: { ...spec.env },
    cwd: spec.cwd ?? "/",
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const pid = child.pid ?? 0;

  const terminate = (): void => {
    if (exited || killTimer) return;
    killGroup(pid, "SIGTERM");
    killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), grace);
  };

  const done = new Promise<ProcessOutcome>((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // After a timeout or cancel, nothing of the agent may survive it: KILL what is left.
      if (timedOut || cancelled) killGroup(pid, "SIGKILL");
      resolve({
        pid,
        exitCode,
        signal,
        timedOut,
        cancelled,
        spawnError,
        stdout: out.text(),
        stderr: err.text(),
        truncated: out.truncated || err.truncated,
        startedAt,
        finishedAt: Date.now(),
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, spec.timeoutMs);

    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e: NodeJS.ErrnoException) => {
      exited = true;
      finish(null, null, e.code ?? "EIO");
    });
    child.on("exit", (code, signal) => {
      exited = true;
      // Read what is still in the pipes, but do not wait for a daemon that inherited them.
      let closed = false;
      const drained = (): void => {
        if (closed) return;
        closed = true;
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      };
      child.on("close", drained);
      setTimeout(drained, 100).unref();
    });
  });

  child.stdin.on("error", () => {
    // EPIPE: the agent did not read its stdin; that is its business.
  });
  child.stdin.end(spec.stdin ?? "");

  return {
    pid,
    done,
    cancel: () => {
      cancelled = true;
      terminate();
    },
  };
}
