import { describe, expect, it } from "vitest";
import { GraphError, type GraphAction, type TeEffect, TransitionCore } from "./core.js";

const act = (id: number, deps: number[] = [], timeoutMs?: number): GraphAction<string> => ({
  id,
  deps,
  payload: `a${id}`,
  timeoutMs,
});
const executed = (effs: TeEffect<string>[]): number[] =>
  effs.flatMap((e) => (e.type === "execute" ? [e.action.id] : [])).sort((a, b) => a - b);
const outcome = (effs: TeEffect<string>[]) => effs.find((e) => e.type === "done");

describe("TransitionCore", () => {
  it("starts only the actions without inputs, then each dependent once all its inputs succeeded", () => {
    // stop(0) -> start(1), start(2); start(1) + start(2) -> monitor(3)
    const core = new TransitionCore({ actions: [act(0), act(1, [0]), act(2, [0]), act(3, [1, 2])] });
    expect(executed(core.step(0, { type: "start" }))).toEqual([0]);
    expect(executed(core.step(1, { type: "result", id: 0, ok: true }))).toEqual([1, 2]);
    expect(executed(core.step(2, { type: "result", id: 1, ok: true }))).toEqual([]);
    const last = core.step(3, { type: "result", id: 2, ok: true });
    expect(executed(last)).toEqual([3]);
    expect(outcome(last)).toBeUndefined();
    expect(outcome(core.step(4, { type: "result", id: 3, ok: true }))).toEqual({
      type: "done",
      outcome: { status: "complete" },
    });
  });

  it("completes an empty graph at once", () => {
    expect(outcome(new TransitionCore({ actions: [] }).step(0, { type: "start" }))?.type).toBe("done");
  });

  it("stops at a failed action: starts nothing more and fails once the actions in flight end", () => {
    const core = new TransitionCore({ actions: [act(0), act(1), act(2, [0]), act(3, [1])] });
    expect(executed(core.step(0, { type: "start" }))).toEqual([0, 1]);
    const afterFail = core.step(1, { type: "result", id: 0, ok: false, detail: "rc=1" });
    expect(afterFail).toEqual([]);
    // 1 succeeds, but its dependent 3 must not start after a failure.
    const end = core.step(2, { type: "result", id: 1, ok: true });
    expect(executed(end)).toEqual([]);
    expect(outcome(end)).toEqual({
      type: "done",
      outcome: { status: "failed", actionId: 0, reason: "rc=1" },
    });
  });

  it("fails an action that does not answer within its timeout and ignores its late result", () => {
    const core = new TransitionCore({ actions: [act(0, [], 100), act(1, [0])] }, { defaultTimeoutMs: 5000 });
    core.step(0, { type: "start" });
    expect(core.nextDeadline()).toBe(100);
    expect(core.step(99, { type: "timer" })).toEqual([]);
    const end = core.step(100, { type: "timer" });
    expect(outcome(end)).toEqual({
      type: "done",
      outcome: { status: "failed", actionId: 0, reason: "timed out after 100 ms" },
    });
    expect(core.step(150, { type: "result", id: 0, ok: true })).toEqual([]);
  });

  it("uses the default timeout for actions without their own", () => {
    const core = new TransitionCore({ actions: [act(0)] }, { defaultTimeoutMs: 700 });
    core.step(10, { type: "start" });
    expect(core.nextDeadline()).toBe(710);
  });

  it("ends aborted when told the transition is obsolete, and ignores what comes after", () => {
    const core = new TransitionCore({ actions: [act(0), act(1, [0])] });
    core.step(0, { type: "start" });
    expect(outcome(core.step(1, { type: "abort", reason: "new CIB" }))).toEqual({
      type: "done",
      outcome: { status: "aborted", reason: "new CIB" },
    });
    expect(core.step(2, { type: "result", id: 0, ok: true })).toEqual([]);
  });

  it("refuses graphs with a cycle, an unknown input or a duplicate id", () => {
    expect(() => new TransitionCore({ actions: [act(0, [1]), act(1, [0])] })).toThrow(GraphError);
    expect(() => new TransitionCore({ actions: [act(0, [7])] })).toThrow(/depends on 7/);
    expect(() => new TransitionCore({ actions: [act(0), act(0)] })).toThrow(/twice/);
  });
});
