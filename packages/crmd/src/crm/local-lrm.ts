/**
 * A node's side of the "lrm" channel: one-shot operations run once and answer the request;
 * a recurring monitor answers with its first run and keeps running, and every later result
 * whose rc differs from the previous one is reported to the DC (Pacemaker's controller records
 * only changes of a recurring operation). A stop first cancels the resource's monitors; a
 * `cancel` (the pengine's, with the monitor's interval) ends that monitor without running any
 * agent and answers as a cancelled monitor, which recordOperation turns into removing its
 * `rsc_monitor_N` record.
 */
import { ExecStatus, type OperationRequest, type OperationResult, type OperationRunner } from "@hbx/lrm";
import { LrmHistory } from "./lrm-history.js";

export class LocalLrm {
  /** The latest result of each recurring operation running here, by resource and interval. */
  private readonly latest = new Map<string, OperationResult>();
  /** Everything this LRM instance did, as the node reports it when it joins a DC. */
  readonly history = new LrmHistory();

  constructor(
    private readonly runner: OperationRunner,
    /** Where a changed recurring result goes (the DC). */
    private readonly report: (result: OperationResult) => void,
  ) {}

  async run(req: OperationRequest): Promise<OperationResult> {
    const result = await this.runOnce(req);
    this.history.record(result);
    return result;
  }

  private runOnce(req: OperationRequest): Promise<OperationResult> {
    if (req.action === "cancel") return Promise.resolve(this.cancel(req));
    if (req.action === "stop") {
      this.runner.cancelAll(req.rscId);
      for (const [k, r] of this.latest) if (r.request.rscId === req.rscId) this.latest.delete(k);
    }
    if (req.intervalMs <= 0) return this.runner.execute(req);
    const key = recurringKey(req.rscId, req.intervalMs);
    return new Promise((resolve) => {
      let last: number | undefined;
      this.runner.startRecurring(req, (result) => {
        if (result.status === ExecStatus.CANCELLED) return;
        this.latest.set(key, result);
        if (last !== undefined) this.history.record(result);
        if (last === undefined) resolve(result);
        else if (result.rc !== last) this.report(result);
        last = result.rc;
      });
    });
  }

  /**
   * The latest result of every recurring operation running here. A new DC asks for them when
   * the node joins (Pacemaker's controller re-reads each node's executor): a change reported
   * while no DC, or a dying one, was listening is not lost.
   */
  recurringResults(): OperationResult[] {
    return [...this.latest.values()];
  }

  private cancel(req: OperationRequest): OperationResult {
    const monitor: OperationRequest = { ...req, action: "monitor" };
    this.runner.cancel(req.rscId, "monitor", req.intervalMs);
    this.latest.delete(recurringKey(req.rscId, req.intervalMs));
    const now = Date.now();
    return {
      callId: 0,
      request: monitor,
      rc: 0,
      status: ExecStatus.CANCELLED,
      exitReason: "",
      stdout: "",
      stderr: "",
      outputTruncated: false,
      enqueuedAt: now,
      startedAt: now,
      finishedAt: now,
      execTimeMs: 0,
      queueTimeMs: 0,
      pid: 0,
    };
  }

  stop(): void {
    this.runner.cancelAll();
    this.latest.clear();
    this.history.clear();
  }
}

function recurringKey(rscId: string, intervalMs: number): string {
  return `${rscId}\u0000${intervalMs}`;
}
