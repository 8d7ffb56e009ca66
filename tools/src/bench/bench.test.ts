import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSizes, type BenchRow } from "./bench.js";
import { compareDecisions } from "./decisions.js";
import { measure, measureMedian, type Measurement } from "./measure.js";
import { decisionsCell, formatMarkdownTable, speedUp } from "./table.js";

const OUT = (lines: string[]): string =>
  ["Current cluster status:", "  * Node List:", "", "Transition Summary:", ...lines, ""].join("\n");

describe("compareDecisions", () => {
  it("treats the Transition Summaries as multisets and counts differing lines", () => {
    const pcmk = OUT(["  * Start      a     ( n1 )", "  * Start      b     ( n2 )"]);
    expect(
      compareDecisions(pcmk, OUT(["  * Start      b     ( n2 )", "  * Start      a     ( n1 )"]))?.equal,
    ).toBe(true);
    const other = compareDecisions(pcmk, OUT(["  * Start      a     ( n1 )", "  * Start      b     ( n1 )"]));
    expect(other).toMatchObject({ equal: false, differences: 2, pacemakerLines: 2, hbxLines: 2 });
  });

  it("cannot compare output without a Transition Summary", () => {
    expect(compareDecisions(OUT([]), "Error: no such file\n")).toBeUndefined();
  });
});

describe("parseSizes", () => {
  it("reads NODESxRESOURCES lists", () => {
    expect(parseSizes("16x1000, 32×2000")).toEqual([
      { nodes: 16, resources: 1000 },
      { nodes: 32, resources: 2000 },
    ]);
  });
  it("names the bad item", () => {
    expect(() => parseSizes("16x1000,big")).toThrow(
      '--sizes: expected NODESxRESOURCES like 16x1000, found "big"',
    );
  });
});

const m = (seconds: number, failure?: string): Measurement => ({
  seconds,
  peakMb: 100,
  cpuSeconds: undefined,
  stdout: "",
  stderr: "",
  exitCode: failure ? undefined : 0,
  failure,
});

describe("the bench table", () => {
  const row: BenchRow = {
    size: { nodes: 16, resources: 1000 },
    names: "padded",
    variant: "stopped",
    cibMb: 1,
    hbx: m(0.4),
    hbxSimulate: m(0.9),
    pacemaker: m(4.4),
    decisions: {
      equal: true,
      differences: 0,
      diff: { missing: [], unexpected: [] },
      pacemakerLines: 1000,
      hbxLines: 1000,
    },
  };

  it("gives the speed-up as Pacemaker's time over hbx's", () => {
    expect(speedUp(row)).toBe("11.0×");
    expect(speedUp({ ...row, pacemaker: m(60, "timed out after 60 s") })).toBe("-");
  });

  it("says whether the decisions are the same", () => {
    expect(decisionsCell(row)).toBe("yes (1000)");
    expect(decisionsCell({ ...row, decisions: { ...row.decisions!, equal: false, differences: 3 } })).toBe(
      "no (3 differ)",
    );
    expect(
      decisionsCell({ ...row, pacemaker: undefined, decisions: undefined, pacemakerSkipped: "skipped" }),
    ).toBe("-");
  });

  it("renders a Markdown row per run", () => {
    const md = formatMarkdownTable([row]).split("\n");
    expect(md).toHaveLength(3);
    expect(md[2]).toBe(
      "| 16 × 1000 | padded | stopped | 0.40 s | 100 | 0.90 s | 4.40 s | 100 | - | 11.0× | yes (1000) |",
    );
  });
});

describe("measure", () => {
  it("times a real program and reports its peak memory", async () => {
    const r = await measure("/bin/sh", ["-c", "echo hi; sleep 0.2"], 5000);
    expect(r).toMatchObject({ stdout: "hi\n", exitCode: 0, failure: undefined });
    expect(r.seconds).toBeGreaterThanOrEqual(0.2);
    expect(r.peakMb).toBeGreaterThan(0);
    expect(r.cpuSeconds).toBeGreaterThanOrEqual(0);
  });

  it("kills a run past its timeout and says so", async () => {
    const r = await measure("/bin/sh", ["-c", "sleep 20"], 300);
    expect(r.failure).toBe("timed out after 0.3 s");
    expect(r.seconds).toBeLessThan(5);
  });

  it("reports the run with the median wall time of several", async () => {
    // Three runs sleep 0.6 s, 0.05 s and 0.3 s in turn (a counter file says which run it is).
    const dir = mkdtempSync(join(tmpdir(), "hbx-median-"));
    const script =
      `n=$(cat ${dir}/n 2>/dev/null || echo 0); echo $((n + 1)) > ${dir}/n; ` +
      `case $n in 0) sleep 0.6;; 1) sleep 0.05;; *) sleep 0.3;; esac; echo run$n`;
    const r = await measureMedian("/bin/sh", ["-c", script], 5000, 3);
    expect(r.stdout).toBe("run2\n");
    expect(r.seconds).toBeGreaterThanOrEqual(0.3);
  });

  it("stops at the first failed run and reports it", async () => {
    const r = await measureMedian("/bin/sh", ["-c", "sleep 20"], 300, 3);
    expect(r.failure).toBe("timed out after 0.3 s");
  });
});
