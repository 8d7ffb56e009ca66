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

export class LocalLrm {
  constructor(
    private readonly runner: OperationRunner,
    /** Where a changed recurring result goes (the DC). */
    private readonly report: (result: OperationResult) => void,
  ) {}

  run(req: OperationRequest): Promise<OperationResult> {
    if (req.action === "cancel") return Promise.resolve(this.cancel(req));
    if (req.action === "stop") this.runner.cancelAll(req.rscId);
    if (req.intervalMs <= 0) return this.runner.execute(req);
    return new Promise((resolve) => {
      let last: number | undefined;
      this.runner.startRecurring(req, (result) => {
        if (result.status === ExecStatus.CANCELLED) return;
        if (last === undefined) resolve(result);
        else if (result.rc !== last) this.report(result);
        last = result.rc;
      });
    });
  }

  private cancel(req: OperationRequest): OperationResult {
    const monitor: OperationRequest = { ...req, action: "monitor" };
    this.runner.cancel(req.rscId, "monitor", req.intervalMs);
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
  }
}
