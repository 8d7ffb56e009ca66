import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "@hbx/cib";
import { OutputBuffer, type SimulateResult } from "./simulator.js";

/** An output sink callable as `sink(text)` (hbx's CliIo) and as `sink.write(text)` (a stream). */
export type OutputSink = ((text: string) => void) & { write(text: string): unknown };

/** What the run function gets: hbx's CLI io (packages/cli/src/common/io.ts), fields a run may use. */
export interface SimulateIo {
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  now(): Date;
  readStdin(): Promise<string>;
}

/**
 * hbx's crm_simulate as a function: `run(argv, io) → exit code` (sync or async), the shape every
 * hbx CLI exposes beside its main.ts.
 */
export type SimulateRunFn = (
  argv: string[],
  io: SimulateIo,
) => number | undefined | void | Promise<number | undefined | void>;

function sink(buffer: OutputBuffer): OutputSink {
  const write = (text: string): void => {
    buffer.write(text);
  };
  return Object.assign(write, { write: (text: string) => buffer.write(text) });
}

/** Where the run function is looked for, built JS first (workers cannot load TypeScript). */
export function defaultRunModuleCandidates(preferSource = false): string[] {
  const dir = resolve(repoRoot, "packages/cli");
  const built = ["run.js", "simulate.js", "index.js"].map((f) => resolve(dir, "dist/crm_simulate", f));
  const source = ["run.ts", "simulate.ts", "index.ts"].map((f) => resolve(dir, "src/crm_simulate", f));
  return preferSource ? [...source, ...built] : built;
}

const EXPORT_NAMES = ["run", "runCrmSimulate", "crmSimulate", "default"];

/** Imports the first candidate module that exists and exports a run function. */
export async function loadSimulateRun(
  candidates: readonly string[],
): Promise<{ run: SimulateRunFn; module: string } | undefined> {
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const name of EXPORT_NAMES) {
      const fn = mod[name];
      if (typeof fn === "function") return { run: fn as SimulateRunFn, module: file };
    }
  }
  return undefined;
}

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/**
 * Calls the run function with captured io. While it runs, process.exit and direct writes to
 * process.stdout/stderr are captured too, so a CLI that bypasses io is still judged (and cannot
 * end the runner).
 */
export async function invokeRun(run: SimulateRunFn, argv: readonly string[]): Promise<SimulateResult> {
  const stdout = new OutputBuffer();
  const stderr = new OutputBuffer();
  const started = performance.now();
  const saved = { exit: process.exit, out: process.stdout.write, err: process.stderr.write };
  process.exit = ((code?: number) => {
    throw new ExitCalled(code ?? 0);
  }) as typeof process.exit;
  process.stdout.write = ((chunk: unknown) => stdout.write(chunk)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => stderr.write(chunk)) as typeof process.stderr.write;
  let exitCode: number | undefined;
  let failure: string | undefined;
  try {
    const code = await run([...argv], {
      stdout: sink(stdout),
      stderr: sink(stderr),
      env: process.env,
      cwd: process.cwd(),
      now: () => new Date(),
      readStdin: async () => "",
    });
    exitCode = typeof code === "number" ? code : 0;
  } catch (err) {
    if (err instanceof ExitCalled) exitCode = err.code;
    else failure = `crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  } finally {
    process.exit = saved.exit;
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
  return { stdout: stdout.text(), stderr: stderr.text(), exitCode, failure, ms: performance.now() - started };
}
