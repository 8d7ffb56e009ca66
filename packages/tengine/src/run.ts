import {
  type GraphAction,
  type TeEffect,
  type TeEvent,
  TransitionCore,
  type TransitionGraph,
  type TransitionOutcome,
} from "./core.js";

/** Runs one action somewhere (an LRM over the bus, a fake in tests); rejects or returns ok=false on failure. */
export interface ActionExecutor<P> {
  execute(action: GraphAction<P>): Promise<{ ok: boolean; detail?: string }>;
}

export interface RunningTransition {
  readonly done: Promise<TransitionOutcome>;
  abort(reason: string): void;
}

/**
 * The adapter around TransitionCore: the wall clock, one timer for the earliest action timeout,
 * and the executor's promises turned into `result` events.
 */
export function runTransition<P>(
  graph: TransitionGraph<P>,
  executor: ActionExecutor<P>,
  opts: { defaultTimeoutMs?: number; now?: () => number } = {},
): RunningTransition {
  const now = opts.now ?? Date.now;
  const core = new TransitionCore<P>(graph, opts);
  let timer: NodeJS.Timeout | undefined;
  let settle!: (o: TransitionOutcome) => void;
  const done = new Promise<TransitionOutcome>((r) => (settle = r));

  const feed = (ev: TeEvent): void => apply(core.step(now(), ev));
  const apply = (effects: TeEffect<P>[]): void => {
    for (const e of effects) {
      if (e.type === "done") {
        if (timer) clearTimeout(timer);
        settle(e.outcome);
        continue;
      }
      const id = e.action.id;
      executor.execute(e.action).then(
        (r) => feed({ type: "result", id, ok: r.ok, detail: r.detail }),
        (err: unknown) => feed({ type: "result", id, ok: false, detail: (err as Error).message }),
      );
    }
    armTimer();
  };
  const armTimer = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const d = core.nextDeadline();
    if (d === undefined || core.outcome) return;
    timer = setTimeout(() => feed({ type: "timer" }), Math.max(0, d - now()));
  };
  feed({ type: "start" });
  return { done, abort: (reason) => feed({ type: "abort", reason }) };
}
