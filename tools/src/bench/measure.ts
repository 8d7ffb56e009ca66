import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const GNU_TIME = "/usr/bin/time";

/** One timed run of a program. */
export interface Measurement {
  readonly seconds: number;
  /** Peak resident memory in MB, undefined when it could not be measured. */
  readonly peakMb: number | undefined;
  /** User + system CPU seconds (GNU time), less disturbed by a busy machine than wall time. */
  readonly cpuSeconds: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
  /** Why the run did not complete (timeout, signal, missing program). */
  readonly failure?: string;
}

/** Peak RSS of a running process from /proc (VmHWM, kB), for when GNU time is absent. */
function readVmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `program args` and measures wall time (here, with a monotonic clock) and peak memory
 * (GNU time's %M, which covers the whole process tree's largest member; else /proc polling).
 * A run past timeoutMs is killed and reported as a failure.
 */
export function measure(
  program: string,
  args: readonly string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  const useGnuTime = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), "hbx-measure-"));
  const timeFile = join(dir, "time");
  const [cmd, argv] = useGnuTime
    ? [GNU_TIME, ["-f", "%e %M %U %S", "-o", timeFile, program, ...args]]
    : [program, [...args]];
  const started = performance.now();
  return new Promise((resolve) => {
    const out: string[] = [];
    const err: string[] = [];
    const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], detached: true, env });
    child.stdout.setEncoding("utf8").on("data", (c: string) => out.push(c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => err.push(c));
    let peakKb: number | undefined;
    let cpuSeconds: number | undefined;
    const poll = useGnuTime
      ? undefined
      : setInterval(() => {
          const kb = child.pid === undefined ? undefined : readVmHwmKb(child.pid);
          if (kb !== undefined) peakKb = Math.max(peakKb ?? 0, kb);
        }, 20);
    let timedOut = false;
    let spawnError: Error | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      // The process group, so GNU time's child dies too.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => (spawnError = e));
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      if (useGnuTime && existsSync(timeFile)) {
        // GNU time writes "Command exited with non-zero status N" before the format line.
        const last = readFileSync(timeFile, "utf8").trim().split("\n").at(-1) ?? "";
        const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(last);
        if (m) {
          peakKb = Number(m[2]);
          cpuSeconds = Number(m[3]) + Number(m[4]);
        }
      }
      rmSync(dir, { recursive: true, force: true });
      let failure: string | undefined;
      if (spawnError) failure = `could not start ${program}: ${spawnError.message}`;
      else if (timedOut) failure = `timed out after ${timeoutMs / 1000} s`;
      else if (signal) failure = `killed by ${signal}`;
      resolve({
        seconds,
        peakMb: peakKb === undefined ? undefined : peakKb / 1024,
        cpuSeconds,
        stdout: out.join(""),
        stderr: err.join(""),
        exitCode: failure === undefined && code !== null ? code : undefined,
        failure,
      });
    });
  });
}

/**
 * Runs the program `runs` times and keeps the run with the median wall time (a failed run is
 * returned at once): on a shared machine a single run can be slowed by whatever else runs.
 */
export async function measureMedian(
  program: string,
  args: readonly string[],
  timeoutMs: number,
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  const done: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await measure(program, args, timeoutMs, env);
    if (m.failure !== undefined) return m;
    done.push(m);
  }
  done.sort((a, b) => a.seconds - b.seconds);
  return done[Math.floor((done.length - 1) / 2)];
}
