import { parseXml } from "@hbx/cib";
import { schedule } from "@hbx/pengine";
import { describe, expect, it } from "vitest";
import { graphFromTransition } from "./from-pengine.js";
import { runTransition } from "./run.js";

describe("runTransition", () => {
  it("runs actions through the executor in dependency order with real timers", async () => {
    const order: string[] = [];
    const graph = {
      actions: [
        { id: 0, deps: [], payload: "stop" },
        { id: 1, deps: [0], payload: "start" },
      ],
    };
    const t = runTransition(graph, {
      execute: async (a) => {
        order.push(`${a.payload}:begin`);
        await new Promise((r) => setTimeout(r, 20));
        order.push(`${a.payload}:end`);
        return { ok: true };
      },
    });
    expect(await t.done).toEqual({ status: "complete" });
    expect(order).toEqual(["stop:begin", "stop:end", "start:begin", "start:end"]);
  });

  it("fails the transition when an action hangs past its timeout", async () => {
    const t0 = Date.now();
    const t = runTransition(
      { actions: [{ id: 0, deps: [], payload: "hang", timeoutMs: 50 }] },
      { execute: () => new Promise(() => {}) },
    );
    const out = await t.done;
    expect(out).toMatchObject({ status: "failed", actionId: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it("treats a rejected execution as a failed action", async () => {
    const t = runTransition(
      { actions: [{ id: 3, deps: [], payload: 1 }] },
      { execute: () => Promise.reject(new Error("peer-down")) },
    );
    expect(await t.done).toEqual({ status: "failed", actionId: 3, reason: "peer-down" });
  });
});

describe("graphFromTransition", () => {
  it("orders a group's second member's start after its first member's start, and each start after its probe", () => {
    const cib = parseXml(
      `<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1"><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
      <nodes><node id="alpha" uname="alpha"/></nodes>
      <resources><group id="g"><primitive id="a" class="ocf" provider="heartbeat" type="Dummy"/><primitive id="b" class="ocf" provider="heartbeat" type="Dummy"/></group></resources><constraints/></configuration>
      <status><node_state id="alpha" uname="alpha" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`,
      "test.xml",
    );
    const g = graphFromTransition(schedule(cib, { now: new Date(0) }));
    const name = (id: number) => {
      const a = g.actions[id].payload;
      return `${a.rsc!.id}_${a.task}_${a.interval}`;
    };
    const byName = new Map(g.actions.map((a) => [name(a.id), a]));
    // Nothing is known about alpha yet, so each member is probed there (monitor, interval 0) first.
    expect([...byName.keys()].sort()).toEqual(["a_monitor_0", "a_start_0", "b_monitor_0", "b_start_0"]);
    const deps = (n: string) => byName.get(n)!.deps.map(name).sort();
    expect(deps("b_start_0")).toContain("a_start_0");
    expect(deps("b_start_0")).toContain("b_monitor_0");
    expect(deps("a_start_0")).toContain("a_monitor_0");
    expect(deps("a_start_0")).not.toContain("b_start_0");
    expect(deps("a_monitor_0")).toEqual([]);
  });
});
