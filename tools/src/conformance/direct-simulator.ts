import { invokeRun, type SimulateRunFn } from "./in-process.js";
import type { SimulateResult, Simulator } from "./simulator.js";

/**
 * Runs the engine in this very thread, one case at a time: the fastest path and the one tests
 * use (vitest loads the TypeScript sources). An asynchronous hang is cut by the timeout; a
 * synchronous endless loop cannot be, which is why the CLI prefers the worker pool.
 */
export class DirectSimulator implements Simulator {
  readonly concurrency = 1;
  readonly description: string;

  constructor(
    private readonly run: SimulateRunFn,
    module: string,
    private readonly timeoutMs: number,
  ) {
    this.description = `${module} (in-process)`;
  }

  simulate(argv: readonly string[]): Promise<SimulateResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SimulateResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            stdout: "",
            stderr: "",
            exitCode: undefined,
            failure: `timed out after ${this.timeoutMs} ms`,
            ms: this.timeoutMs,
          }),
        this.timeoutMs,
      );
    });
    return Promise.race([invokeRun(this.run, argv), timeout]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {}
}
