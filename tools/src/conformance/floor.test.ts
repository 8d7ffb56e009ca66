import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFloor, floorPercent, raiseFloor, readFloor, type ConformanceFloor } from "./floor.js";
import { ratio, type TierFigures } from "./report.js";

const fig = (tier: number | "all", d: [number, number], s: [number, number]): TierFigures => ({
  tier,
  cases: s[1],
  decisions: ratio(...d),
  decisionsLoose: ratio(...d),
  status: ratio(...s),
  failures: 0,
});

describe("the conformance floor", () => {
  const floor: ConformanceFloor = {
    tiers: { "1": { decisions: 50, status: 60 }, "2": { decisions: 10, status: 10 } },
  };

  it("flags each figure that dropped below its tier's floor", () => {
    const v = checkFloor(
      [fig(1, [1, 3], [7, 10]), fig(2, [5, 10], [5, 10]), fig("all", [0, 1], [0, 1])],
      floor,
    );
    expect(v).toEqual([{ tier: "1", figure: "decisions", floor: 50, actual: 100 / 3 }]);
  });

  it("only ever raises: a lower figure keeps the old floor, a higher one replaces it rounded down", () => {
    const raised = raiseFloor(floor, [fig(1, [2, 3], [5, 10]), fig(3, [1, 3], [1, 1])]);
    expect(raised.tiers).toEqual({
      "1": { decisions: 66.6, status: 60 },
      "2": { decisions: 10, status: 10 },
      "3": { decisions: 33.3, status: 100 },
    });
    expect(checkFloor([fig(1, [2, 3], [6, 10])], raised)).toEqual([]);
  });

  it("rounds down to a tenth so today's figure always meets the floor it sets", () => {
    expect(floorPercent(95.99)).toBe(95.9);
    expect(floorPercent(100)).toBe(100);
  });

  it("rejects a floor file whose figure is not a percentage, naming the file and tier", () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-floor-"));
    try {
      const file = join(dir, "floor.json");
      writeFileSync(file, JSON.stringify({ tiers: { "1": { decisions: "high", status: 1 } } }));
      expect(() => readFloor(file)).toThrow(
        `${file}: tier 1: expected "decisions" a percentage 0-100, found "high"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the committed floor file is well-formed", () => {
    expect(Object.keys(readFloor().tiers).sort()).toEqual(["1", "2", "3"]);
  });
});
