import pino from "pino";
import { describe, expect, it } from "vitest";
import { type ShutdownDeps, shutDownCleanly } from "./shutdown.js";

/** A node's shutdown against a scripted DC, in virtual time (each poll advances the clock). */
function scenario(over: Partial<ShutdownDeps> & { running: string[] }) {
  let t = 0;
  const calls: string[] = [];
  const deps: ShutdownDeps = {
    requestShutdown: async () => void calls.push("request"),
    shutdownRecorded: () => false,
    active: () => over.running,
    dcCanAct: () => true,
    dcBusy: () => false,
    stopLocally: async () => {
      calls.push("stop-locally");
      over.running.length = 0;
    },
    log: pino({ level: "silent" }),
    escalationMs: 60_000,
    noDcGraceMs: 2_000,
    pollMs: 0,
    now: () => (t += 100),
    ...over,
  };
  return { deps, calls };
}

describe("a node's clean shutdown", () => {
  it("leaves at once when nothing runs here", async () => {
    const { deps, calls } = scenario({ running: [] });
    expect(await shutDownCleanly(deps)).toBe("clean");
    expect(calls).toEqual([]);
  });

  it("asks the DC, then waits for it to move everything away", async () => {
    const running = ["a", "b"];
    let polls = 0;
    const { deps, calls } = scenario({
      running,
      shutdownRecorded: () => calls.includes("request"),
      active: () => (++polls > 50 ? [] : running),
    });
    expect(await shutDownCleanly(deps)).toBe("clean");
    expect(calls).toEqual(["request"]);
  });

  it("waits for the DC's own transition to finish before the DC leaves", async () => {
    let busy = 5;
    const { deps } = scenario({ running: [], dcBusy: () => busy-- > 0 });
    expect(await shutDownCleanly(deps)).toBe("clean");
    expect(busy).toBeLessThan(0);
  });

  it("stops locally when no DC can act within the grace", async () => {
    const { deps, calls } = scenario({ running: ["a"], dcCanAct: () => false });
    expect(await shutDownCleanly(deps)).toBe("stopped-locally");
    expect(calls).toEqual(["stop-locally"]);
  });

  it("stops locally when the DC keeps refusing the request", async () => {
    const { deps, calls } = scenario({
      running: ["a"],
      requestShutdown: async () => {
        calls.push("request");
        throw new Error("cluster partition has no quorum");
      },
    });
    expect(await shutDownCleanly(deps)).toBe("stopped-locally");
    expect(calls.at(-1)).toBe("stop-locally");
    expect(calls.filter((c) => c === "request").length).toBeGreaterThan(1);
  });

  it("gives up loudly at shutdown-escalation when the DC took the request but nothing moves", async () => {
    const { deps, calls } = scenario({ running: ["a"], shutdownRecorded: () => true, escalationMs: 5_000 });
    expect(await shutDownCleanly(deps)).toBe("escalated");
    expect(calls).toEqual([]);
  });
});
