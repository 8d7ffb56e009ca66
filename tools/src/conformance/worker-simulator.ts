import { Worker } from "node:worker_threads";
import type { SimulateResult, Simulator } from "./simulator.js";

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  readonly id: number;
  readonly resolve: (r: SimulateResult) => void;
  readonly started: number;
  readonly timer: NodeJS.Timeout;
  readonly slot: Slot;
}

/**
 * A pool of worker threads that each load hbx's crm_simulate run function once and then run
 * cases in-process: as fast as a direct call, yet a case that hangs (even in a synchronous loop)
 * or brings its thread down is cut off by terminating that thread and starting a fresh one.
 */
export class WorkerSimulator implements Simulator {
  readonly description: string;
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly module: string,
    private readonly timeoutMs: number,
    readonly concurrency: number,
  ) {
    this.description = `${module} (in-process, ${concurrency} worker threads)`;
    for (let i = 0; i < concurrency; i++) this.slots.push({ worker: this.spawn(), busy: false });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: { module: this.module },
      stdout: true,
      stderr: true,
    });
    // A CLI that writes around the captured io must not garble the runner's report.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on("message", (msg: { id: number; result: SimulateResult }) => this.finish(msg.id, msg.result));
    worker.on("error", (err) => this.failWorker(worker, `crashed: ${err.stack ?? err.message}`));
    worker.on("exit", (code) => this.failWorker(worker, `worker exited with code ${code}`));
    return worker;
  }

  private finish(id: number, result: SimulateResult): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(result);
    this.release(p.slot);
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Fails the case the worker was running and puts a fresh worker in its slot. */
  private failWorker(worker: Worker, failure: string): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (slot === undefined) return;
    slot.worker = this.spawn();
    for (const p of this.pending.values()) {
      if (p.slot !== slot) continue;
      this.pending.delete(p.id);
      clearTimeout(p.timer);
      p.resolve({ stdout: "", stderr: "", exitCode: undefined, failure, ms: performance.now() - p.started });
      this.release(slot);
    }
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async simulate(argv: readonly string[]): Promise<SimulateResult> {
    const slot = await this.acquire();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        const worker = slot.worker;
        this.failWorker(worker, `timed out after ${this.timeoutMs} ms`);
        worker.removeAllListeners("exit");
        void worker.terminate();
      }, this.timeoutMs);
      this.pending.set(id, { id, resolve, started, timer, slot });
      slot.worker.postMessage({ id, argv: [...argv] });
    });
  }

  async close(): Promise<void> {
    for (const slot of this.slots) {
      slot.worker.removeAllListeners("exit");
      slot.worker.removeAllListeners("error");
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
