/**
 * A node's side of the "lrm" channel: one-shot operations run once and answer the request;
 * a recurring monitor answers with its first run and keeps running, and every later result
 * whose rc differs from the previous one is reported to the DC (Pacemaker's controller records
 * only changes of a recurring operation). A stop first cancels the resource's monitors.
 */
import { ExecStatus, type OperationRequest, type OperationResult, type OperationRunner } from "@hbx/lrm";

export class LocalLrm {
  constructor(
    private readonly runner: OperationRunner,
    /** Where a changed recurring result goes (the DC). */
    private readonly report: (result: OperationResult) => void,
  ) {}

  run(req: OperationRequest): Promise<OperationResult> {
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

  stop(): void {
    this.runner.cancelAll();
  }
}
