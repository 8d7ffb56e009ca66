import { describe, expect, it } from "vitest";
import { collapseWhitespace, isEmptyDiff, multisetDiff, orderedDiff, sameSequence } from "./compare.js";

describe("multisetDiff", () => {
  it("ignores order", () => {
    expect(isEmptyDiff(multisetDiff(["a", "b", "c"], ["c", "a", "b"]))).toBe(true);
  });

  it("counts duplicates: one expected line cancels one actual line", () => {
    expect(multisetDiff(["a", "a", "b"], ["a", "b"])).toEqual({ missing: ["a"], unexpected: [] });
    expect(multisetDiff(["a"], ["a", "a"])).toEqual({ missing: [], unexpected: ["a"] });
  });

  it("reports a changed line as one missing and one unexpected", () => {
    expect(multisetDiff(["  * Start rsc1 ( node2 )"], ["  * Start rsc1 ( node1 )"])).toEqual({
      missing: ["  * Start rsc1 ( node2 )"],
      unexpected: ["  * Start rsc1 ( node1 )"],
    });
  });

  it("is exact about padding unless whitespace is collapsed first", () => {
    const expected = ["  * Stop       rsc1     (   hb2 )  due to node availability"];
    const actual = ["  * Stop       rsc1     ( hb2 )  due to node availability"];
    expect(isEmptyDiff(multisetDiff(expected, actual))).toBe(false);
    expect(isEmptyDiff(multisetDiff(expected.map(collapseWhitespace), actual.map(collapseWhitespace)))).toBe(
      true,
    );
  });
});

describe("ordered comparison", () => {
  it("sameSequence requires the same order", () => {
    expect(sameSequence(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameSequence(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameSequence(["a"], ["a", ""])).toBe(false);
  });

  it("orderedDiff marks removed and added lines around common ones", () => {
    expect(orderedDiff(["x", "old", "y"], ["x", "new", "y"])).toEqual(["  x", "+ new", "- old", "  y"]);
  });
});
