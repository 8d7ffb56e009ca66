import { describe, expect, it } from "vitest";
import {
  INFINITY,
  MINUS_INFINITY,
  addScores,
  formatScore,
  multiplyScore,
  parseScore,
  sumScores,
  tryParseScore,
} from "./score.js";

describe("score arithmetic", () => {
  it("parses INFINITY in all of Pacemaker's spellings", () => {
    expect(parseScore("INFINITY", { attribute: "score" })).toBe(INFINITY);
    expect(parseScore("+INFINITY", { attribute: "score" })).toBe(INFINITY);
    expect(parseScore("-INFINITY", { attribute: "score" })).toBe(MINUS_INFINITY);
    expect(parseScore("infinity", { attribute: "score" })).toBe(INFINITY);
    expect(parseScore(" 150 ", { attribute: "score" })).toBe(150);
    expect(parseScore("-100", { attribute: "score" })).toBe(-100);
  });

  it("caps integers beyond one million", () => {
    expect(parseScore("5000000", { attribute: "score" })).toBe(INFINITY);
    expect(parseScore("-5000000", { attribute: "score" })).toBe(MINUS_INFINITY);
  });

  it("refuses a score of banana naming the attribute and element id", () => {
    expect(() =>
      parseScore("banana", { attribute: "score", element: "rsc_location", elementId: "loc-1" }),
    ).toThrow(/invalid score "banana" in score of <rsc_location id="loc-1">/);
    expect(tryParseScore("12abc")).toBeUndefined();
    expect(tryParseScore("")).toBeUndefined();
  });

  it("saturates sums and lets -INFINITY win", () => {
    expect(addScores(INFINITY, MINUS_INFINITY)).toBe(MINUS_INFINITY);
    expect(addScores(MINUS_INFINITY, INFINITY)).toBe(MINUS_INFINITY);
    expect(addScores(INFINITY, 5)).toBe(INFINITY);
    expect(addScores(999_999, 5)).toBe(INFINITY);
    expect(addScores(-999_999, -5)).toBe(MINUS_INFINITY);
    expect(sumScores(200, 100, -100)).toBe(200);
  });

  it("multiplies failcount by failure stickiness with saturation", () => {
    expect(multiplyScore(-100, 2)).toBe(-200);
    expect(multiplyScore(MINUS_INFINITY, 1)).toBe(MINUS_INFINITY);
    expect(multiplyScore(-100, 0)).toBe(0);
    expect(multiplyScore(-600_000, 2)).toBe(MINUS_INFINITY);
  });

  it("formats like Pacemaker", () => {
    expect(formatScore(INFINITY)).toBe("INFINITY");
    expect(formatScore(MINUS_INFINITY)).toBe("-INFINITY");
    expect(formatScore(42)).toBe("42");
  });
});
