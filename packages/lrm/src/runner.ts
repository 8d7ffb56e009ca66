import { ExecStatus, OcfExitCode } from "./codes.js";
import { type Execution, type ExecuteOptions, executeAgent } from "./execute.js";
import { lrmLogger } from "./log.js";
import { type OperationRequest, type OperationResult, type ResourceId } from "./types.js";

export interface RunnerOptions extends ExecuteOptions {
  /** Operations running at once on this node (Pacemaker's node-action-limit). */
  readonly maxConcurrent?: number;
  /** Run an operation: the real executor by default; the seam lets the crmd simulate agents. */
  readonly execute?: (req: OperationRequest, opts: ExecuteOptions) => Execution;
}

type Listener = (result: OperationResult) => void;

interface Job {
  readonly req: OperationRequest;
  readonly callId: number;
  readonly enqueuedAt: number;
  readonly resolve: (r: OperationResult) => void;
  execution?: Execution;
  cancelled: boolean;
}

interface Recurring {
  readonly req: OperationRequest;
  readonly callId: number;
  readonly onResult?: Listener;
  timer?: NodeJS.Timeout;
  job?: Job;
  stopped: boolean;
}

/** The key Pacemaker gives an operation: rsc_action_interval. */
export function operationKey(rscId: ResourceId, action: string, intervalMs: number): string {
  return `${rscId}_${action}_${intervalMs}`;
}

/**
 * Runs agent operations on this node: one at a time per resource (a stop never overlaps the
 * monitor of the same resource), at most `maxConcurrent` in all, recurring monitors re-armed
 * `interval` after each run ends, each run with its own timeout. Every result goes to the
 * listeners, which record it in the CIB status section.
 */
export class OperationRunner {
  private readonly log = lrmLogger("runner");
  private readonly maxConcurrent: number;
  private readonly exec: (req: OperationRequest, opts: ExecuteOptions) => Execution;
  /** Waiting jobs in arrival order; per-resource order is this order filtered by resource. */
  private pending: Job[] = [];
  private readonly busy = new Set<ResourceId>();
  private readonly running = new Map<Job, ResourceId>();
  private readonly recurring = new Map<string, Recurring>();
  private readonly listeners = new Set<Listener>();
  private nextCallId = 1;

  constructor(private readonly opts: RunnerOptions = {}) {
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 4);
    this.exec = opts.execute ?? executeAgent;
  }

  /** Listen to every result (one-shot and each recurring run). Returns an unsubscribe function. */
  onResult(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Operations running now. */
  get activeCount(): number {
    return this.running.size;
  }

  /** Operations queued and not yet started. */
  get queuedCount(): number {
    return this.pending.length;
  }

  /** Queue a one-shot operation; resolves with its result. */
  execute(req: OperationRequest): Promise<OperationResult> {
    return this.enqueue(req, this.nextCallId++);
  }

  /**
   * Start a recurring operation (a monitor with interval > 0): it runs now, then `intervalMs`
   * after each run finishes, until cancelled. Replaces one with the same key.
   */
  startRecurring(req: OperationRequest, onResult?: Listener): string {
    if (req.intervalMs <= 0) throw new Error(`recurring ${req.action} of ${req.rscId} needs an interval > 0`);
    const key = operationKey(req.rscId, req.action, req.intervalMs);
    this.cancel(req.rscId, req.action, req.intervalMs);
    const rec: Recurring = { req, callId: this.nextCallId++, onResult, stopped: false };
    this.recurring.set(key, rec);
    this.runRecurring(rec);
    return key;
  }

  private runRecurring(rec: Recurring): void {
    if (rec.stopped) return;
    rec.timer = undefined;
    void this.enqueue(rec.req, rec.callId, (job) => (rec.job = job)).then((result) => {
      rec.job = undefined;
      rec.onResult?.(result);
      if (rec.stopped) return;
      rec.timer = setTimeout(() => this.runRecurring(rec), rec.req.intervalMs);
    });
  }

  /**
   * Cancel a recurring operation (or a queued one-shot with that key). An in-flight run is
   * killed and reported with op-status 1 (cancelled). Returns whether anything was cancelled.
   */
  cancel(rscId: ResourceId, action: string, intervalMs: number): boolean {
    const key = operationKey(rscId, action, intervalMs);
    let found = false;
    const rec = this.recurring.get(key);
    if (rec) {
      found = true;
      rec.stopped = true;
      if (rec.timer) clearTimeout(rec.timer);
      if (rec.job) this.cancelJob(rec.job);
      this.recurring.delete(key);
    }
    for (const job of [...this.pending]) {
      const r = job.req;
      if (r.rscId === rscId && r.action === action && r.intervalMs === intervalMs) {
        this.cancelJob(job);
        found = true;
      }
    }
    return found;
  }

  /** Cancel every recurring operation of a resource (before a stop), or of all resources. */
  cancelAll(rscId?: ResourceId): void {
    for (const rec of [...this.recurring.values()]) {
      if (rscId === undefined || rec.req.rscId === rscId)
        this.cancel(rec.req.rscId, rec.req.action, rec.req.intervalMs);
    }
  }

  /** Keys of the recurring operations in force. */
  recurringKeys(): string[] {
    return [...this.recurring.keys()];
  }

  /** Cancel everything and wait for what runs to end. */
  async shutdown(): Promise<void> {
    this.cancelAll();
    for (const job of [...this.pending]) this.cancelJob(job);
    for (const job of [...this.running.keys()]) this.cancelJob(job);
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private cancelJob(job: Job): void {
    job.cancelled = true;
    if (job.execution) {
      job.execution.cancel();
      return;
    }
    const i = this.pending.indexOf(job);
    if (i >= 0) {
      this.pending.splice(i, 1);
      const now = Date.now();
      this.finish(job, {
        rc: OcfExitCode.OK,
        status: ExecStatus.CANCELLED,
        exitReason: "",
        pid: 0,
        stdout: "",
        stderr: "",
        outputTruncated: false,
        startedAt: now,
        finishedAt: now,
      });
    }
  }

  private enqueue(
    req: OperationRequest,
    callId: number,
    onJob?: (job: Job) => void,
  ): Promise<OperationResult> {
    return new Promise((resolve) => {
      const job: Job = { req, callId, enqueuedAt: Date.now(), resolve, cancelled: false };
      onJob?.(job);
      this.pending.push(job);
      this.log.debug({ rsc: req.rscId, op: req.action, interval: req.intervalMs, callId }, "queued");
      this.pump();
    });
  }

  /** Start queued jobs while there are free slots; a resource's jobs run strictly one at a time. */
  private pump(): void {
    if (this.running.size >= this.maxConcurrent) return;
    const blocked = new Set<ResourceId>();
    for (let i = 0; i < this.pending.length && this.running.size < this.maxConcurrent;) {
      const job = this.pending[i];
      const rsc = job.req.rscId;
      if (this.busy.has(rsc) || blocked.has(rsc)) {
        blocked.add(rsc);
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      this.start(job);
    }
  }

  private start(job: Job): void {
    const rsc = job.req.rscId;
    this.busy.add(rsc);
    this.running.set(job, rsc);
    const execution = this.exec(job.req, this.opts);
    job.execution = execution;
    void execution.done.then((o) => {
      this.busy.delete(rsc);
      this.running.delete(job);
      this.finish(job, o);
      this.pump();
    });
  }

  private finish(job: Job, o: Awaited<Execution["done"]>): void {
    const result: OperationResult = {
      callId: job.callId,
      request: job.req,
      rc: o.rc,
      status: o.status,
      exitReason: o.exitReason,
      stdout: o.stdout,
      stderr: o.stderr,
      outputTruncated: o.outputTruncated,
      enqueuedAt: job.enqueuedAt,
      startedAt: o.startedAt,
      finishedAt: o.finishedAt,
      execTimeMs: Math.max(0, o.finishedAt - o.startedAt),
      queueTimeMs: Math.max(0, o.startedAt - job.enqueuedAt),
      pid: o.pid,
    };
    // A recurring monitor that finds the resource as it should be is routine: debug, so ha.cf's
    // logfile keeps the operations that changed something.
    const routine = job.req.intervalMs > 0 && (o.rc === 0 || o.rc === 8);
    this.log[routine ? "debug" : "info"](
      {
        rsc: job.req.rscId,
        op: job.req.action,
        interval: job.req.intervalMs,
        rc: o.rc,
        status: o.status,
        callId: job.callId,
        execMs: result.execTimeMs,
      },
      "operation finished",
    );
    for (const l of this.listeners) l(result);
    job.resolve(result);
  }
}
