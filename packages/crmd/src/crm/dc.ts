/**
 * The DC's control loop: whenever the CIB or the membership changes (debounced), schedule() the
 * CIB, run the transition through the transition engine with LRM requests as the executor,
 * record every result in the status section and commit it as a new CIB version, which the
 * caller broadcasts. A failed transition is rescheduled after a pause; the CIB says what ran.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { type XmlElement } from "@hbx/cib";
import { type OperationRequest, type OperationResult, isFailure } from "@hbx/lrm";
import { type PlannedAction, type WorkingSet, schedule } from "@hbx/pengine";
import { type RunningTransition, graphFromTransition, runTransition } from "@hbx/tengine";
import { recordResultLogged } from "./failcount.js";
import { devicesFor, executorsFor, fenceDelayMs, fenceRequest, recordFenced } from "./fencing.js";
import { requestFromAction } from "./lrm-wire.js";
import { clearExpiredFailures, nextRecheckDelayMs } from "./recheck.js";

export interface DcDeps {
  /** The current CIB (a copy). */
  current(): XmlElement;
  /** Read-modify-write the CIB in one transaction; the new version is broadcast by the caller. */
  update(fn: (doc: XmlElement) => void, operation: string): void;
  /** Run one operation on a node's LRM; rejects when the node cannot be reached. */
  runOnNode(node: string, req: OperationRequest): Promise<OperationResult>;
  log: Logger;
  /** This node: it runs fencing devices itself before asking another member. */
  self?: string;
  debounceMs?: number;
  /** Pause before rescheduling after a failed transition, so a failing agent does not spin. */
  retryMs?: number;
}

export class DcLoop {
  private readonly uuid = randomUUID();
  private timer?: NodeJS.Timeout;
  /** The self-scheduled recheck: the earliest failure-timeout expiry or cluster-recheck-interval. */
  private recheckTimer?: NodeJS.Timeout;
  private running?: RunningTransition;
  private pendingReason?: string;
  private transitionId = 0;
  private stopped = false;
  /** Resolves when the loop is idle: no transition running and nothing pending. */
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: DcDeps) {}

  /** Something changed: schedule again after the debounce (once the running transition ends). */
  kick(reason: string, delayMs = this.deps.debounceMs ?? 50): void {
    if (this.stopped) return;
    this.pendingReason ??= reason;
    if (this.running) return;
    // An urgent kick (delay 0: a node was lost) does not wait out a debounce already armed.
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce();
    }, delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.running?.abort("no longer DC");
  }

  idle(): boolean {
    return !this.running && !this.timer && this.pendingReason === undefined;
  }

  /** A transition is being carried out now (a retry merely waiting does not count). */
  transitionRunning(): boolean {
    return this.running !== undefined;
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    const reason = this.pendingReason ?? "recheck";
    this.pendingReason = undefined;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
    const id = ++this.transitionId;
    const log = this.deps.log;
    const now = new Date();
    let graph;
    try {
      this.clearExpired(now);
      // Only the graph outlives this block: the working set (the whole scheduler state) is dropped.
      const t = schedule(this.deps.current(), { now });
      logMultipleActive(t.ws, log);
      graph = graphFromTransition(t);
    } catch (e) {
      log.error({ err: (e as Error).message, transition: id }, `scheduling failed: ${(e as Error).message}`);
      return;
    }
    if (graph.actions.length === 0) {
      log.debug({ transition: id, reason }, "transition empty: nothing to do");
      this.afterTransition();
      return;
    }
    log.info(
      { transition: id, reason, actions: graph.actions.map((a) => describe(a.payload)) },
      `transition ${id} (${reason}): ${graph.actions.map((a) => describe(a.payload)).join(", ")}`,
    );
    this.running = runTransition(
      graph,
      { execute: (a) => this.execute(a.payload, id) },
      { defaultTimeoutMs: 30_000 },
    );
    const outcome = await this.running.done;
    this.running = undefined;
    if (outcome.status === "complete") log.info({ transition: id }, `transition ${id} complete`);
    else if (outcome.status === "failed" && this.probeFindings.has(outcome.reason)) {
      // A probe found a resource in a state the transition did not assume: not a failure, the
      // transition is just out of date (Pacemaker aborts it and schedules again at once).
      this.probeFindings.clear();
      log.info(
        { transition: id, reason: outcome.reason },
        `transition ${id} aborted: ${outcome.reason}; scheduling again`,
      );
      this.pendingReason ??= `transition ${id}: ${outcome.reason}`;
    } else {
      log.warn(
        { transition: id, outcome },
        `transition ${id} ${outcome.status}: ${"reason" in outcome ? outcome.reason : ""}`,
      );
      this.pendingReason ??= `transition ${id} ${outcome.status}`;
      if (!this.stopped) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.runOnce();
        }, this.deps.retryMs ?? 1000);
      }
      return;
    }
    this.afterTransition();
  }

  /** Details of probe results that only mean "the state differs": they abort, they do not fail. */
  private readonly probeFindings = new Set<string>();

  private afterTransition(): void {
    if (this.pendingReason !== undefined) return this.kick(this.pendingReason);
    this.armRecheck();
  }

  /**
   * Expired fail-counts are deleted before scheduling, in their own CIB version, as Pacemaker's
   * controller clears them: the status then says what the policy engine already ignores.
   */
  private clearExpired(now: Date): void {
    // Checked on a copy first, so a recheck with nothing expired writes no new version.
    if (clearExpiredFailures(this.deps.current(), now).length === 0) return;
    this.deps.update((doc) => {
      for (const f of clearExpiredFailures(doc, now))
        this.deps.log.info(
          { node: f.node, rsc: f.rsc, cleared: f.names },
          `failure-timeout of ${f.rsc} on ${f.node} expired: ${f.names.join(" ")} cleared`,
        );
    }, "clear expired fail-counts");
  }

  /** Schedule again by ourselves when the next failure expires (at most cluster-recheck-interval). */
  private armRecheck(): void {
    if (this.stopped) return;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
    let delay: number | undefined;
    try {
      delay = nextRecheckDelayMs(this.deps.current(), new Date());
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, `recheck not armed: ${(e as Error).message}`);
    }
    if (delay === undefined) return;
    this.deps.log.debug({ delayMs: delay }, `recheck in ${delay} ms`);
    // Expiry is compared in whole seconds; a few ms late makes sure it has passed.
    this.recheckTimer = setTimeout(
      () => {
        this.recheckTimer = undefined;
        this.kick("recheck");
      },
      Math.min(delay + 5, 2 ** 31 - 1),
    );
    this.recheckTimer.unref?.();
  }

  private async execute(action: PlannedAction, transitionId: number): Promise<StepOutcome> {
    if (action.kind === "crm_event") return this.fence(action, transitionId);
    const node = action.node!.name;
    const req = requestFromAction(action, transitionId, this.uuid);
    const result = await this.deps.runOnNode(node, req);
    // The history and, for a failure, the fail-count in one version: the next schedule sees both.
    this.deps.update(
      (doc) => recordResultLogged(doc, node, result, this.deps.log),
      `${req.action} ${req.rscId} on ${node}`,
    );
    const failed = isFailure(result);
    const finding = failed ? probeFinding(req, result.rc, node) : undefined;
    if (finding) {
      this.deps.log.info(
        { transition: transitionId, node, rsc: req.rscId, rc: result.rc },
        `${req.rscId}_${req.action}_${req.intervalMs} on ${node}: rc=${result.rc} (${finding})`,
      );
      this.probeFindings.add(finding);
      return { ok: false, detail: finding };
    }
    this.deps.log.info(
      {
        transition: transitionId,
        node,
        rsc: req.rscId,
        op: req.action,
        rc: result.rc,
        status: result.status,
      },
      `${req.rscId}_${req.action}_${req.intervalMs} on ${node}: rc=${result.rc}${failed ? " (failed)" : ""}`,
    );
    return failed
      ? { ok: false, detail: `${req.rscId} ${req.action} on ${node} rc=${result.rc} ${result.exitReason}` }
      : { ok: true };
  }

  /**
   * Fence a node as Pacemaker's fencer would: each device that can reach it, highest priority
   * first, run by the DC or another member, until one succeeds; then the node is recorded down
   * and the transition goes on (its resources start elsewhere only now). With no device, or
   * every attempt failed, the transition fails and is retried: nothing the node ran moves.
   */
  private async fence(action: PlannedAction, transitionId: number): Promise<StepOutcome> {
    const what = action.fence?.action ?? "reboot";
    const log = this.deps.log;
    // The devices and who may run them come from the CIB as it is now, as Pacemaker's fencer
    // reads them (it too runs the scheduler over the CIB to see where a device may run).
    const ws = schedule(this.deps.current(), { now: new Date() }).ws;
    const target = ws.nodeByName.get(action.fence?.target.name ?? "");
    if (!target) {
      const detail = `cannot fence ${action.fence?.target.name ?? "?"}: no such node in the CIB`;
      log.error({ transition: transitionId, target: action.fence?.target.name }, detail);
      return { ok: false, detail };
    }
    const devices = devicesFor(target, ws);
    if (devices.length === 0) {
      const detail = `cannot fence ${target.name}: no stonith device reaches it (pcmk_host_list, pcmk_host_map)`;
      log.error({ transition: transitionId, target: target.name }, detail);
      return { ok: false, detail };
    }
    const failures: string[] = [];
    for (const dev of devices) {
      const delay = fenceDelayMs(dev);
      if (delay > 0) {
        log.warn(
          { target: target.name, device: dev.rsc.id, delayMs: delay },
          `fencing ${target.name}: ${dev.rsc.id} waits ${delay} ms (pcmk_delay_base/max)`,
        );
        await new Promise((r) => setTimeout(r, delay));
        if (this.stopped) return { ok: false, detail: "no longer DC" };
      }
      const req = fenceRequest(dev, target, what, ws);
      for (const node of executorsFor(dev, target, ws, this.deps.self)) {
        log.warn(
          { transition: transitionId, target: target.name, device: dev.rsc.id, node },
          `fencing ${target.name} (${what}) with ${dev.rsc.id} on ${node}`,
        );
        try {
          const result = await this.deps.runOnNode(node, req);
          if (!isFailure(result)) {
            if (what !== "on")
              this.deps.update((doc) => recordFenced(doc, target.name), `fenced ${target.name}`);
            log.warn(
              { transition: transitionId, target: target.name, device: dev.rsc.id, node },
              `${target.name} fenced (${what}) by ${dev.rsc.id} on ${node}`,
            );
            return { ok: true };
          }
          failures.push(`${dev.rsc.id} on ${node}: rc=${result.rc} ${result.exitReason}`.trim());
        } catch (e) {
          failures.push(`${dev.rsc.id} on ${node}: ${(e as Error).message}`);
        }
      }
    }
    const detail = `fencing ${target.name} (${what}) failed: ${failures.join("; ") || "no member can run a device for it"}`;
    log.error({ transition: transitionId, target: target.name }, detail);
    return { ok: false, detail };
  }
}

/** How one action of a transition went, for the transition engine. */
type StepOutcome = { ok: boolean; detail?: string };

/**
 * A primitive found active on several nodes is what a cluster manager exists to prevent: say so
 * with the nodes' names (Pacemaker: "Resource X is active on 2 nodes"); the policy engine then
 * applies its multiple-active policy (stop_start by default).
 */
function logMultipleActive(ws: WorkingSet, log: Logger): void {
  for (const rsc of ws.resourceById.values()) {
    if (rsc.children.length > 0 || rsc.runningOn.length < 2) continue;
    const nodes = rsc.runningOn.map((n) => n.name);
    if (rsc.parent?.variant.kind === "clone") continue;
    log.error(
      { rsc: rsc.id, nodes, policy: rsc.multipleActive },
      `${rsc.id} is active on ${nodes.length} nodes (${nodes.join(", ")}): multiple-active=${rsc.multipleActive}`,
    );
  }
}

/**
 * A probe (monitor, interval 0) answers a state: "running" (0) or "running promoted" (8) where
 * the transition assumed "not running" is news, not an agent failure. Anything else a probe
 * answers (an error, not installed) stays a failure.
 */
function probeFinding(req: OperationRequest, rc: number, node: string): string | undefined {
  if (req.action !== "monitor" || req.intervalMs !== 0) return undefined;
  if (rc === 0) return `probe found ${req.rscId} running on ${node}`;
  if (rc === 8) return `probe found ${req.rscId} running promoted on ${node}`;
  return undefined;
}

function describe(a: PlannedAction): string {
  return `${a.rsc?.id ?? ""}_${a.task}_${a.interval}@${a.node?.name ?? "?"}`;
}

/**
 * Run the scheduler once on the CIB this node holds and drop the result, so that its code is
 * compiled before this node may have to act as DC: in the failover harness a non-DC node's
 * first transition, computed cold after the DC died, took about 70 ms longer than a warm one.
 */
export function warmScheduler(cib: XmlElement, log: Logger): void {
  const started = performance.now();
  try {
    graphFromTransition(schedule(cib, { now: new Date() }));
  } catch (e) {
    log.debug({ err: (e as Error).message }, `scheduler warm-up failed: ${(e as Error).message}`);
    return;
  }
  log.debug({ ms: Math.round(performance.now() - started) }, "scheduler warmed up");
}
