import { spawn } from "node:child_process";
import { OutputBuffer, type SimulateResult, type Simulator } from "./simulator.js";

/**
 * Runs crm_simulate as a program, one child process per case (hbx's built binary or
 * Pacemaker's /usr/sbin/crm_simulate). A case past its timeout is killed with SIGKILL.
 */
export class ProcessSimulator implements Simulator {
  readonly description: string;

  constructor(
    readonly binary: string,
    readonly timeoutMs: number,
    readonly concurrency: number,
  ) {
    this.description = `${binary} (one process per case, ${concurrency} at a time)`;
  }

  simulate(argv: readonly string[]): Promise<SimulateResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const stdout = new OutputBuffer();
      const stderr = new OutputBuffer();
      let timedOut = false;
      let spawnError: Error | undefined;
      const child = spawn(this.binary, [...argv], { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.setEncoding("utf8").on("data", (c: string) => stdout.write(c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => stderr.write(c));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, this.timeoutMs);
      child.on("error", (err) => {
        spawnError = err;
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const ms = performance.now() - started;
        let failure: string | undefined;
        if (spawnError) failure = `could not start ${this.binary}: ${spawnError.message}`;
        else if (timedOut) failure = `timed out after ${this.timeoutMs} ms`;
        else if (signal) failure = `killed by ${signal}`;
        resolve({
          stdout: stdout.text(),
          stderr: stderr.text(),
          exitCode: failure === undefined && code !== null ? code : undefined,
          failure,
          ms,
        });
      });
    });
  }

  async close(): Promise<void> {}
}
