/**
 * What a node's own LRM has done, kept by the node itself: per resource the last one-shot
 * operation, the last failure, and the latest result of each recurring operation. It is what
 * Pacemaker's executor keeps and its controller sends to the DC on join, so the DC's copy of a
 * node's history is replaced by the node's own account (a stale "running" record the DC kept
 * through a partition cannot restart a healthy copy), and what a stopping node looks at to know
 * that nothing runs here any more.
 */
import { ExecStatus, OcfExitCode, type OperationRequest, type OperationResult, isFailure } from "@hbx/lrm";

interface ResourceHistory {
  last?: OperationResult;
  lastFailure?: OperationResult;
  /** Latest result by interval. */
  recurring: Map<number, OperationResult>;
}

/** Actions after which a successful result means the resource runs here. */
const LEAVES_ACTIVE = new Set(["start", "promote", "demote", "migrate_from", "reload", "reload-agent"]);

export class LrmHistory {
  private readonly byRsc = new Map<string, ResourceHistory>();
  /** The highest call id this LRM instance has recorded: the DC keeps newer records it holds. */
  private lastCallId = 0;

  record(result: OperationResult): void {
    const req = result.request;
    this.lastCallId = Math.max(this.lastCallId, result.callId);
    let h = this.byRsc.get(req.rscId);
    if (!h) this.byRsc.set(req.rscId, (h = { recurring: new Map() }));
    if (req.intervalMs > 0) {
      if (result.status === ExecStatus.CANCELLED) h.recurring.delete(req.intervalMs);
      else h.recurring.set(req.intervalMs, result);
    } else {
      h.last = result;
      // A stop ends the resource's monitors (recordOperation drops their records as well).
      if (req.action === "stop" && !isFailure(result)) h.recurring.clear();
    }
    if (isFailure(result)) h.lastFailure = result;
  }

  /** Every result worth replaying into a CIB, in the order the LRM produced them. */
  results(): OperationResult[] {
    const out: OperationResult[] = [];
    for (const h of this.byRsc.values()) {
      if (h.lastFailure && h.lastFailure !== h.last) out.push(h.lastFailure);
      if (h.last) out.push(h.last);
      for (const r of h.recurring.values()) if (r !== h.lastFailure) out.push(r);
    }
    return out.sort((a, b) => a.callId - b.callId || a.finishedAt - b.finishedAt);
  }

  get highestCallId(): number {
    return this.lastCallId;
  }

  /**
   * Resources this node believes may be running: the last one-shot operation left it active
   * (or failed to stop it), and no later recurring monitor found it stopped.
   */
  active(): string[] {
    const out: string[] = [];
    for (const [id, h] of this.byRsc) {
      if (!h.last) continue;
      const { action, intervalMs } = h.last.request;
      const rc = h.last.rc;
      let running: boolean;
      if (action === "stop") running = isFailure(h.last);
      else if (action === "monitor" && intervalMs === 0)
        running = rc === OcfExitCode.OK || rc === OcfExitCode.RUNNING_PROMOTED;
      else running = LEAVES_ACTIVE.has(action) && !isFailure(h.last) ? true : rc !== OcfExitCode.NOT_RUNNING;
      const last = h.last;
      const monitorsSayStopped = [...h.recurring.values()].some(
        (r) => r.rc === OcfExitCode.NOT_RUNNING && r.finishedAt >= last.finishedAt,
      );
      if (running && !monitorsSayStopped) out.push(id);
    }
    return out;
  }

  /**
   * A stop for every resource that may run here, the latest started first (a group stops right
   * to left), built from the request that last acted on it (its agent and parameters).
   */
  stopRequests(): OperationRequest[] {
    const active = new Set(this.active());
    return [...this.byRsc.entries()]
      .filter(([id]) => active.has(id))
      .map(([, h]) => h.last!)
      .sort((a, b) => b.callId - a.callId)
      .map((r) => ({ ...r.request, action: "stop", intervalMs: 0, transitionKey: undefined }));
  }

  clear(): void {
    this.byRsc.clear();
  }
}
