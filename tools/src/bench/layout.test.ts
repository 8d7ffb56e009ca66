import { describe, expect, it } from "vitest";
import { placeResources } from "./layout.js";

describe("placeResources", () => {
  const layout = placeResources(16, 1000);

  it("puts a fifth of the primitives in groups of five and pairs the groups", () => {
    const groups = layout.items.filter((i) => i.kind === "group");
    expect(groups).toHaveLength(40);
    expect(groups.every((g) => g.kind === "group" && g.members.length === 5)).toBe(true);
    expect(layout.primitives).toHaveLength(1000);
    expect(layout.items).toHaveLength(40 + 800);
    expect(layout.groupPairs).toHaveLength(20);
    expect(layout.groupPairs[0]).toEqual({ primary: "grp01", dependent: "grp02" });
  });

  it("prefers a node for every third top-level resource, never for a dependent group", () => {
    const dependents = new Set(layout.groupPairs.map((p) => p.dependent));
    const expected = layout.items.filter((item, k) => k % 3 === 0 && !dependents.has(item.id));
    expect(layout.locations.map((l) => l.rsc)).toEqual(expected.map((i) => i.id));
    expect(layout.locations.every((l) => l.score >= 50 && l.score <= 90)).toBe(true);
  });

  it("places preferred resources on their node, groups together, dependents with their primary", () => {
    for (const l of layout.locations) {
      const item = layout.items.find((i) => i.id === l.rsc);
      const first = item?.kind === "group" ? item.members[0] : l.rsc;
      expect(layout.placement.get(first)).toBe(l.node);
    }
    for (const item of layout.items) {
      if (item.kind !== "group") continue;
      expect(new Set(item.members.map((m) => layout.placement.get(m))).size).toBe(1);
    }
    for (const pair of layout.groupPairs) {
      const g = (id: string) => layout.items.find((i) => i.id === id);
      const p = g(pair.primary);
      const d = g(pair.dependent);
      if (p?.kind !== "group" || d?.kind !== "group") throw new Error("pairs are groups");
      expect(layout.placement.get(d.members[0])).toBe(layout.placement.get(p.members[0]));
    }
  });

  it("spreads the load: no node carries more than a group above the average", () => {
    const load = new Map<string, number>();
    for (const node of layout.placement.values()) load.set(node, (load.get(node) ?? 0) + 1);
    expect(load.size).toBe(16);
    expect(Math.max(...load.values()) - 1000 / 16).toBeLessThanOrEqual(10);
  });

  it("names nodes node01… when padded and node1… when not, so only unpadded names sort apart by strcmp", () => {
    expect(placeResources(16, 10).nodes.slice(0, 2)).toEqual(["node01", "node02"]);
    const unpadded = placeResources(16, 10, "unpadded").nodes;
    expect(unpadded[0]).toBe("node1");
    expect(unpadded[15]).toBe("node16");
    expect([...unpadded].sort()[1]).toBe("node10");
  });

  it("rejects sizes that are not positive integers", () => {
    expect(() => placeResources(0, 10)).toThrow(/nodes must be ≥ 1, found 0/);
    expect(() => placeResources(2, 1.5)).toThrow(/resources must be ≥ 1, found 1.5/);
  });
});
