import { describe, expect, it } from "vitest";
import { CcmMessageError, decodeViews, encodeViews } from "./codec.js";
import { CcmCore, hasQuorum } from "./core.js";
import { SimNetwork } from "./sim/network.js";
import {
  type PeerView,
  agreedMembership,
  chooseSet,
  electDc,
  maximalCliques,
  mutualEdges,
} from "./membership.js";

const view = (node: string, hears: string[], extra: Partial<PeerView> = {}): PeerView => ({
  node,
  generation: 1,
  seq: 1,
  viewId: 1,
  hears: [...hears, node].sort(),
  seen: {},
  quorate: false,
  members: 1,
  ...extra,
});
const views = (...vs: PeerView[]) => new Map(vs.map((v) => [v.node, v]));

describe("the agreement rule", () => {
  it("counts an edge only where both nodes hear each other", () => {
    const adj = mutualEdges(views(view("a", ["b", "c"]), view("b", ["a"]), view("c", ["b"])));
    expect([...adj.get("a")!]).toEqual(["b"]);
    expect([...adj.get("c")!]).toEqual([]);
  });

  it("finds every maximal fully connected set", () => {
    const v = views(view("a", ["b"]), view("b", ["a", "c"]), view("c", ["b"]));
    expect(maximalCliques(mutualEdges(v))).toEqual([
      ["a", "b"],
      ["b", "c"],
    ]);
  });

  it("prefers the larger set, then the one holding a quorate DC, then the smaller names", () => {
    const a = view("a", ["b"]);
    const b = view("b", ["a", "c"]);
    const c = view("c", ["b"], { dc: "c", quorate: true });
    expect(chooseSet(views(a, b, c))).toEqual(["b", "c"]);
    expect(chooseSet(views(a, b, { ...c, dc: undefined }))).toEqual(["a", "b"]);
    expect(agreedMembership("a", views(a, b, c))).toEqual(["a"]);
  });

  it("keeps a claiming DC, prefers a quorate one when two meet, and elects the lowest name otherwise", () => {
    const m = ["a", "b", "c"];
    expect(electDc(m, views(view("a", []), view("b", []), view("c", [])))).toBe("a");
    expect(electDc(m, views(view("a", []), view("c", [], { dc: "c" })))).toBe("c");
    const two = views(
      view("b", [], { dc: "b", members: 1 }),
      view("c", [], { dc: "c", quorate: true, members: 2 }),
    );
    expect(electDc(m, two)).toBe("c");
    const tie = views(view("c", [], { dc: "c" }), view("b", [], { dc: "b" }));
    expect(electDc(m, tie)).toBe("b");
  });

  it("counts quorum as more than half of the configured nodes", () => {
    expect(hasQuorum(2, 3)).toBe(true);
    expect(hasQuorum(1, 2)).toBe(false);
    expect(hasQuorum(2, 4)).toBe(false);
    expect(hasQuorum(1, 1)).toBe(true);
  });
});

describe("the ccm message codec", () => {
  it("round-trips views", () => {
    const v = [view("a", ["b"], { seen: { b: 3 }, dc: "a" })];
    expect(decodeViews("a", encodeViews(v))).toEqual(v);
  });

  it("refuses a malformed message with one line naming the sender and the field", () => {
    expect(() => decodeViews("b", "{")).toThrow(new CcmMessageError("b", "not JSON"));
    const bad = JSON.stringify({ v: 1, views: [{ ...view("a", []), seq: -1 }] });
    expect(() => decodeViews("b", bad)).toThrow("ccm message from b: views[0].seq is malformed");
  });
});

describe("CcmCore", () => {
  it("installs a one-node cluster at once, itself DC and quorate", () => {
    const ccm = new CcmCore({ self: "solo", nodes: ["solo"] });
    expect(ccm.start(0).map((e) => e.type)).toEqual(["dc", "publish"]);
    expect(ccm.view()).toEqual({ members: ["solo"], quorate: true, twoNode: false, dc: "solo" });
  });

  it("ignores views from a node it does not hear, and nodes not in ha.cf", () => {
    const ccm = new CcmCore({ self: "a", nodes: ["a", "b"], deadtimeMs: 5000 });
    ccm.start(0);
    expect(ccm.step(1, { type: "views", from: "b", views: [view("b", ["a"])] })).toEqual([]);
    expect(ccm.step(1, { type: "node", node: "pinghost", up: true })).toEqual([]);
    expect(ccm.heldViews().map((v) => v.node)).toEqual(["a"]);
  });

  it("publishes its view on a change and again every keepalive, with a growing sequence number", () => {
    const ccm = new CcmCore({ self: "a", nodes: ["a", "b"], keepaliveMs: 1000, deadtimeMs: 5000 });
    const pub = (effs: ReturnType<CcmCore["step"]>) => effs.find((e) => e.type === "publish");
    expect(pub(ccm.start(0))).toBeDefined();
    expect(pub(ccm.step(500, { type: "tick" }))).toBeUndefined();
    const onChange = pub(ccm.step(600, { type: "node", node: "b", up: true }));
    expect(onChange).toMatchObject({ views: [{ node: "a", hears: ["a", "b"], seq: 2, viewId: 2 }] });
    expect(pub(ccm.step(1600, { type: "tick" }))).toMatchObject({ views: [{ seq: 3, viewId: 2 }] });
  });
});

/** A cluster of 3 or 4 cores on a delaying network, settled, for the death and leave properties. */
function settledCluster(seed: number) {
  const nodes = ["alpha", "bravo", "charlie", "delta"].slice(0, 3 + (seed % 2));
  const net = new SimNetwork({
    nodes,
    keepaliveMs: 200,
    deadtimeMs: 1000,
    initdeadMs: 2000,
    seed,
    maxDelayMs: 150,
  });
  for (const n of nodes) net.start(n);
  net.run(4000);
  net.drainEffects();
  return { net, nodes };
}

describe("a clean leave", () => {
  it("never leaves out a node that stays, whichever peer hears the leave first", async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { net, nodes } = settledCluster(seed);
      const leaver = nodes[seed % nodes.length];
      const stay = nodes.filter((n) => n !== leaver);
      net.leave(leaver);
      for (let t = 0; t < 3000; t += 50) {
        net.run(50);
        for (const n of stay) {
          const members = net.view(n).members;
          // Never alone while the others still hear it: the stayers always keep each other.
          expect(
            members.filter((m) => stay.includes(m)),
            `seed ${seed}: ${n} installed ${members}`,
          ).toEqual(stay);
        }
      }
      for (const n of stay) expect(net.view(n).members, `seed ${seed}`).toEqual(stay);
    }
  });

  it("never leaves out a survivor of a crash, though survivors notice the death at different moments", async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { net, nodes } = settledCluster(seed);
      // The DC among them, half the time: its death is the case the old rule got wrong.
      const victim = seed % 4 < 2 ? "alpha" : nodes[1 + (seed % (nodes.length - 1))];
      const stay = nodes.filter((n) => n !== victim);
      net.crash(victim);
      for (let t = 0; t < 4000; t += 20) {
        net.run(20);
        for (const n of stay) {
          const members = net.view(n).members;
          expect(members.includes(n) && members.length > 1, `seed ${seed}: ${n} installed ${members}`).toBe(
            true,
          );
        }
      }
      for (const n of stay) expect(net.view(n).members, `seed ${seed}`).toEqual(stay);
    }
  });
});
