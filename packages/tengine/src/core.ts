/**
 * The transition engine as a sans-I/O state machine: it is handed a graph of actions with their
 * dependencies, says which action to execute when its inputs are done, and ends the transition
 * complete, or failed at the first failed or timed-out action (the DC then reschedules from the
 * CIB, which records what did happen). Time is an input: the adapter feeds `timer` events at
 * `nextDeadline()`.
 */

/** One action of a transition graph; `deps` are ids of actions that must succeed first. */
export interface GraphAction<P = unknown> {
  readonly id: number;
  readonly deps: readonly number[];
  /** What the executor needs to run it (an LRM request, ...). */
  readonly payload: P;
  /** Per-action timeout; the engine's default when absent. */
  readonly timeoutMs?: number;
}

export interface TransitionGraph<P = unknown> {
  readonly actions: readonly GraphAction<P>[];
}

export type TeEvent =
  | { type: "start" }
  | { type: "result"; id: number; ok: boolean; detail?: string }
  | { type: "timer" }
  /** Abandon the transition (a newer CIB or membership makes it obsolete). */
  | { type: "abort"; reason: string };

export type TransitionOutcome =
  | { status: "complete" }
  | { status: "failed"; actionId: number; reason: string }
  | { status: "aborted"; reason: string };

export type TeEffect<P = unknown> =
  { type: "execute"; action: GraphAction<P> } | { type: "done"; outcome: TransitionOutcome };

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GraphError";
  }
}

type ActionState = "waiting" | "running" | "succeeded" | "failed";

export interface TransitionCoreOptions {
  defaultTimeoutMs?: number;
}

export class TransitionCore<P = unknown> {
  private readonly byId = new Map<number, GraphAction<P>>();
  private readonly state = new Map<number, ActionState>();
  /** Dependents of each action, so a success wakes only those that waited for it. */
  private readonly dependents = new Map<number, number[]>();
  private readonly remainingDeps = new Map<number, number>();
  private readonly deadlines = new Map<number, number>();
  private readonly defaultTimeoutMs: number;
  private failure?: { actionId: number; reason: string };
  private finished?: TransitionOutcome;
  private succeeded = 0;

  constructor(graph: TransitionGraph<P>, opts: TransitionCoreOptions = {}) {
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 20_000;
    for (const a of graph.actions) {
      if (this.byId.has(a.id)) throw new GraphError(`action ${a.id} appears twice in the graph`);
      this.byId.set(a.id, a);
      this.state.set(a.id, "waiting");
      this.dependents.set(a.id, []);
    }
    for (const a of graph.actions) {
      for (const d of a.deps) {
        if (!this.byId.has(d))
          throw new GraphError(`action ${a.id} depends on ${d}, which is not in the graph`);
        this.dependents.get(d)!.push(a.id);
      }
      this.remainingDeps.set(a.id, new Set(a.deps).size);
    }
    this.checkAcyclic(graph);
  }

  /** Kahn's algorithm: every action must become ready at some point, else there is a cycle. */
  private checkAcyclic(graph: TransitionGraph<P>): void {
    const left = new Map(this.remainingDeps);
    const ready = graph.actions.filter((a) => left.get(a.id) === 0).map((a) => a.id);
    let seen = 0;
    while (ready.length > 0) {
      const id = ready.pop()!;
      seen++;
      for (const d of new Set(this.dependents.get(id))) {
        const n = left.get(d)! - 1;
        left.set(d, n);
        if (n === 0) ready.push(d);
      }
    }
    if (seen !== graph.actions.length) throw new GraphError("the transition graph has a dependency cycle");
  }

  get outcome(): TransitionOutcome | undefined {
    return this.finished;
  }

  /** Running actions' earliest timeout, or undefined when none runs. */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const d of this.deadlines.values()) if (min === undefined || d < min) min = d;
    return min;
  }

  step(now: number, ev: TeEvent): TeEffect<P>[] {
    if (this.finished) return [];
    const out: TeEffect<P>[] = [];
    switch (ev.type) {
      case "start":
        for (const a of this.byId.values()) if (this.remainingDeps.get(a.id) === 0) this.launch(now, a, out);
        break;
      case "result":
        if (this.state.get(ev.id) !== "running") break; // late result of a timed-out action
        this.deadlines.delete(ev.id);
        if (ev.ok) this.succeed(now, ev.id, out);
        else this.fail(ev.id, ev.detail ?? "action failed");
        break;
      case "timer":
        for (const [id, d] of [...this.deadlines]) {
          if (d > now) continue;
          this.deadlines.delete(id);
          this.fail(id, `timed out after ${this.byId.get(id)!.timeoutMs ?? this.defaultTimeoutMs} ms`);
        }
        break;
      case "abort":
        this.finished = { status: "aborted", reason: ev.reason };
        this.deadlines.clear();
        out.push({ type: "done", outcome: this.finished });
        return out;
    }
    this.maybeFinish(out);
    return out;
  }

  private launch(now: number, a: GraphAction<P>, out: TeEffect<P>[]): void {
    this.state.set(a.id, "running");
    this.deadlines.set(a.id, now + (a.timeoutMs ?? this.defaultTimeoutMs));
    out.push({ type: "execute", action: a });
  }

  private succeed(now: number, id: number, out: TeEffect<P>[]): void {
    this.state.set(id, "succeeded");
    this.succeeded++;
    // After a failure nothing new starts: the DC reschedules from what the CIB then records.
    if (this.failure) return;
    for (const d of new Set(this.dependents.get(id))) {
      const n = this.remainingDeps.get(d)! - 1;
      this.remainingDeps.set(d, n);
      if (n === 0 && this.state.get(d) === "waiting") this.launch(now, this.byId.get(d)!, out);
    }
  }

  private fail(id: number, reason: string): void {
    this.state.set(id, "failed");
    this.failure ??= { actionId: id, reason };
  }

  /** Done when nothing runs any more: complete if all succeeded, else failed (after in-flight ones end). */
  private maybeFinish(out: TeEffect<P>[]): void {
    if (this.deadlines.size > 0) return;
    if (this.failure) this.finished = { status: "failed", ...this.failure };
    else if (this.succeeded === this.byId.size) this.finished = { status: "complete" };
    else return;
    out.push({ type: "done", outcome: this.finished });
  }
}
