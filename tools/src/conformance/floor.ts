import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "@hbx/cib";
import type { TierFigures } from "./report.js";

/**
 * The conformance ratchet: per tier, the lowest decisions and status percentages the engine may
 * score. It only goes up — raiseFloor keeps the higher of the old floor and today's figure.
 */
export interface TierFloor {
  readonly decisions: number;
  readonly status: number;
}

export interface ConformanceFloor {
  readonly description?: string;
  readonly tiers: Readonly<Record<string, TierFloor>>;
}

export const DEFAULT_FLOOR_FILE = resolve(repoRoot, "tools/conformance-floor.json");

export class FloorFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "FloorFileError";
  }
}

export function readFloor(file: string = DEFAULT_FLOOR_FILE): ConformanceFloor {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new FloorFileError(file, (err as Error).message);
  }
  const tiers = (data as { tiers?: unknown }).tiers;
  if (typeof tiers !== "object" || tiers === null) {
    throw new FloorFileError(file, 'expected an object "tiers" of {decisions, status} per tier');
  }
  for (const [tier, f] of Object.entries(tiers)) {
    const floor = f as Partial<TierFloor>;
    for (const key of ["decisions", "status"] as const) {
      const v = floor[key];
      if (typeof v !== "number" || v < 0 || v > 100) {
        throw new FloorFileError(
          file,
          `tier ${tier}: expected "${key}" a percentage 0-100, found ${JSON.stringify(v)}`,
        );
      }
    }
  }
  return data as ConformanceFloor;
}

/** A percentage as the floor records it: rounded down to a tenth, so today's run always passes. */
export function floorPercent(percent: number): number {
  return Math.floor(percent * 10 + 1e-9) / 10;
}

export interface FloorViolation {
  readonly tier: string;
  readonly figure: "decisions" | "status";
  readonly floor: number;
  readonly actual: number;
}

/** The figures that dropped below their floor (the "all" row has no floor). */
export function checkFloor(figures: readonly TierFigures[], floor: ConformanceFloor): FloorViolation[] {
  const violations: FloorViolation[] = [];
  for (const f of figures) {
    if (f.tier === "all") continue;
    const tierFloor = floor.tiers[String(f.tier)];
    if (tierFloor === undefined) continue;
    for (const figure of ["decisions", "status"] as const) {
      const actual = f[figure].percent;
      if (actual + 1e-9 < tierFloor[figure]) {
        violations.push({ tier: String(f.tier), figure, floor: tierFloor[figure], actual });
      }
    }
  }
  return violations;
}

/** The floor raised to today's figures where they are higher; never lowered. */
export function raiseFloor(floor: ConformanceFloor, figures: readonly TierFigures[]): ConformanceFloor {
  const tiers: Record<string, TierFloor> = { ...floor.tiers };
  for (const f of figures) {
    if (f.tier === "all") continue;
    const key = String(f.tier);
    const old = tiers[key] ?? { decisions: 0, status: 0 };
    tiers[key] = {
      decisions: Math.max(old.decisions, floorPercent(f.decisions.percent)),
      status: Math.max(old.status, floorPercent(f.status.percent)),
    };
  }
  return { ...floor, tiers };
}

export function writeFloor(floor: ConformanceFloor, file: string = DEFAULT_FLOOR_FILE): void {
  writeFileSync(file, JSON.stringify(floor, null, 2) + "\n");
}

export function formatViolations(violations: readonly FloorViolation[]): string {
  return violations
    .map((v) => `tier ${v.tier} ${v.figure}: ${v.actual.toFixed(1)}% is below the floor of ${v.floor}%`)
    .join("\n");
}
