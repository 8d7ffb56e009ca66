import { parseHaresources, type AutoFailback } from "@hbx/transport";
import { describe, expect, it } from "vitest";
import { groupsFromHaresources } from "../groups.js";
import { type NodeName, type ResourceSet } from "../types.js";
import { noGroupActiveTwice } from "./invariants.js";
import { V1Simulator } from "./simulator.js";

const NODES = ["alpha", "bravo", "charlie"];
const HARESOURCES = [
  "alpha 127.0.0.100/8/lo web app #g1",
  "bravo 127.0.0.101/8/lo mail #g2",
  "charlie db cache search #g3",
  "alpha ftp #g4",
].join("\n");

function simulator(
  seed: number,
  nodes: NodeName[],
  autoFailback: AutoFailback,
  startFailure = 0.05,
  dropRate = 0,
): V1Simulator {
  const lines = parseHaresources(HARESOURCES, "haresources").filter((l) => nodes.includes(l.node));
  return new V1Simulator({
    seed,
    nodes,
    groups: groupsFromHaresources(lines, nodes),
    autoFailback,
    maxDelayMs: 40,
    deadtimeMs: 2000,
    initdeadMs: 4000,
    startFailure,
    dropRate,
  });
}

/** Random crashes, restarts, standby/takeover and shutdowns; the invariant is checked at every step. */
function chaos(sim: V1Simulator, nodes: NodeName[], rounds: number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(sim.rand() * xs.length)];
  const sets: ResourceSet[] = ["local", "foreign", "all"];
  for (let r = 0; r < rounds && !sim.violation; r++) {
    const alive = [...sim.aliveNodes];
    const dead = nodes.filter((n) => !alive.includes(n));
    const roll = sim.rand();
    if (roll < 0.25 && alive.length > 0) sim.crash(pick(alive));
    else if (roll < 0.5 && dead.length > 0) sim.restart(pick(dead));
    else if (roll < 0.62 && alive.length > 0)
      sim.command(pick(alive), { type: "standby", which: pick(sets) });
    else if (roll < 0.74 && alive.length > 0)
      sim.command(pick(alive), { type: "takeover", which: pick(sets) });
    else if (roll < 0.78 && alive.length > 0) sim.command(pick(alive), { type: "shutdown" });
    sim.runUntil(sim.now + 20 + Math.floor(sim.rand() * 3000));
  }
}

describe("v1 simulator: seeded node deaths, restarts and message delays", () => {
  for (const failback of ["on", "off"] as const) {
    for (const nodes of [NODES.slice(0, 2), NODES]) {
      it(`never runs a group on two nodes (${nodes.length} nodes, auto_failback ${failback}, 150 seeds)`, () => {
        let steps = 0;
        for (let seed = 1; seed <= 150; seed++) {
          const sim = simulator(seed, nodes, failback);
          chaos(sim, nodes, 60);
          expect(
            sim.violation,
            `seed ${seed} (${nodes.length} nodes, failback ${failback}) at ${sim.now} ms`,
          ).toBeUndefined();
          // Then a quiet cluster: everyone up, no failures: every group runs on exactly one node.
          for (const n of nodes) sim.restart(n);
          sim.opts = { ...sim.opts, startFailure: 0 };
          sim.runUntil(sim.now + 30000);
          expect(sim.violation, `seed ${seed}`).toBeUndefined();
          for (const g of sim.opts.groups) {
            const holders = nodes.filter((n) => sim.activeGroups(n).includes(g.id));
            const failedEverywhere = nodes.every((n) => sim.manager(n).groupState(g.id) === "failed");
            if (!failedEverywhere) expect(holders, `seed ${seed}: group ${g.id}`).toHaveLength(1);
            for (const h of holders)
              expect(sim.manager(h).groupState(g.id), `seed ${seed}: ${g.id} on ${h}`).toBe("started");
          }
          steps += sim.steps;
        }
        expect(steps).toBeGreaterThan(10000);
      });
    }
  }

  it("never runs a group on two nodes when 10% of messages are lost (3 nodes, 100 seeds)", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const sim = simulator(seed, NODES, seed % 2 ? "on" : "off", 0.05, 0.1);
      chaos(sim, NODES, 60);
      expect(sim.violation, `seed ${seed} with message loss at ${sim.now} ms`).toBeUndefined();
      // Periodic announcements and claim retries bring it to rest despite the losses.
      for (const n of NODES) sim.restart(n);
      sim.opts = { ...sim.opts, startFailure: 0 };
      sim.runUntil(sim.now + 30000);
      expect(sim.violation, `seed ${seed}`).toBeUndefined();
      for (const g of sim.opts.groups) {
        const holders = NODES.filter((n) => sim.activeGroups(n).includes(g.id));
        if (!NODES.every((n) => sim.manager(n).groupState(g.id) === "failed")) {
          expect(holders, `seed ${seed}: group ${g.id}`).toHaveLength(1);
        }
      }
    }
  });

  it("detects a group active twice (the invariant can fail)", () => {
    const active = new Map([
      ["alpha", new Map([["g1", new Set([0])]])],
      ["bravo", new Map([["g1", new Set([1])]])],
    ]);
    expect(noGroupActiveTwice(active, new Set(["alpha", "bravo"]))).toBe(
      "group g1 active on alpha and bravo",
    );
    expect(noGroupActiveTwice(active, new Set(["alpha"]))).toBeUndefined();
  });
});

describe("v1 simulator: placement after failures heal", () => {
  it("auto_failback on: a group returns to its preferred node after it restarts", () => {
    const sim = simulator(7, NODES.slice(0, 2), "on", 0);
    sim.runUntil(10000);
    expect(sim.activeGroups("alpha").sort()).toEqual(["g1", "g4"]);
    expect(sim.activeGroups("bravo")).toEqual(["g2"]);
    sim.crash("alpha");
    sim.runUntil(sim.now + 5000);
    expect(sim.activeGroups("bravo").sort()).toEqual(["g1", "g2", "g4"]);
    sim.restart("alpha");
    sim.runUntil(sim.now + 10000);
    expect(sim.activeGroups("alpha").sort()).toEqual(["g1", "g4"]);
    expect(sim.activeGroups("bravo")).toEqual(["g2"]);
  });

  it("auto_failback off: a group stays on the survivor after its preferred node returns", () => {
    const sim = simulator(7, NODES.slice(0, 2), "off", 0);
    sim.runUntil(10000);
    sim.crash("alpha");
    sim.runUntil(sim.now + 5000);
    sim.restart("alpha");
    sim.runUntil(sim.now + 10000);
    expect(sim.activeGroups("alpha")).toEqual([]);
    expect(sim.activeGroups("bravo").sort()).toEqual(["g1", "g2", "g4"]);
    expect(sim.manager("alpha").rscStatus()).toBe("none");
    expect(sim.manager("bravo").rscStatus()).toBe("all");
  });

  it("three nodes: a dead node's group goes to the first live node in ha.cf order", () => {
    const sim = simulator(3, NODES, "on", 0);
    sim.runUntil(10000);
    expect(sim.activeGroups("charlie")).toEqual(["g3"]);
    sim.crash("charlie");
    sim.runUntil(sim.now + 5000);
    expect(sim.activeGroups("alpha").sort()).toEqual(["g1", "g3", "g4"]);
  });
});
