import { DEFAULT_XML_LIMITS, XML_MAX_BYTES_ENV } from "@hbx/cib";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareDecisions, type DecisionComparison } from "./decisions.js";
import { generateBenchCibText, type BenchVariant } from "./generate.js";
import type { NodeNaming } from "./layout.js";
import { measureMedian, type Measurement } from "./measure.js";

export interface BenchSize {
  readonly nodes: number;
  readonly resources: number;
}

export interface BenchOptions {
  readonly sizes: readonly BenchSize[];
  readonly variants: readonly BenchVariant[];
  /** Node namings to generate each size with. */
  readonly names: readonly NodeNaming[];
  /** hbx's crm_simulate program. */
  readonly hbx: string;
  /** Pacemaker's crm_simulate; undefined to skip it. */
  readonly pacemaker?: string;
  /** Also time Pacemaker's -S (minutes at the large sizes). */
  readonly withPacemakerSimulate: boolean;
  /** Skip Pacemaker on sizes of more than this many resources. */
  readonly pacemakerMaxResources?: number;
  /** What the table says when Pacemaker is skipped for size. */
  readonly pacemakerSkipReason?: string;
  readonly timeoutMs: number;
  /** Runs of each timing; the median (by wall time) is reported. */
  readonly runs: number;
  /** Keep the generated files here instead of a temporary directory. */
  readonly keepDir?: string;
  readonly log: (line: string) => void;
}

export interface BenchRow {
  readonly size: BenchSize;
  readonly names: NodeNaming;
  readonly variant: BenchVariant;
  readonly cibMb: number;
  readonly hbx: Measurement;
  readonly hbxSimulate: Measurement;
  readonly pacemaker?: Measurement;
  readonly pacemakerSimulate?: Measurement;
  /** Why Pacemaker did not run, when it did not. */
  readonly pacemakerSkipped?: string;
  readonly decisions?: DecisionComparison;
}

export const DEFAULT_SIZES: readonly BenchSize[] = [
  { nodes: 4, resources: 100 },
  { nodes: 16, resources: 1000 },
  { nodes: 32, resources: 2000 },
  { nodes: 64, resources: 10_000 },
];

/**
 * Above this many resources Pacemaker's crm_simulate takes minutes (it scales worse than
 * linearly), so by default the bench times only hbx there.
 */
export const PACEMAKER_DEFAULT_MAX_RESOURCES = 2000;

/** "16x1000,32x2000" → sizes; names the bad item otherwise. */
export function parseSizes(text: string): BenchSize[] {
  return text.split(",").map((item) => {
    const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(item);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
      throw new Error(`--sizes: expected NODESxRESOURCES like 16x1000, found "${item}"`);
    }
    return { nodes: Number(m[1]), resources: Number(m[2]) };
  });
}

function describeRun(m: Measurement): string {
  const mb = m.peakMb === undefined ? "?" : `${m.peakMb.toFixed(0)} MB`;
  return m.failure ?? `${m.seconds.toFixed(2)} s, ${mb}${m.exitCode ? `, exit ${m.exitCode}` : ""}`;
}

/** Generates each CIB, times hbx and Pacemaker on it, and compares their decisions. */
export async function runBench(options: BenchOptions): Promise<BenchRow[]> {
  const dir = options.keepDir ?? mkdtempSync(join(tmpdir(), "hbx-bench-"));
  if (options.keepDir) mkdirSync(dir, { recursive: true });
  const rows: BenchRow[] = [];
  try {
    const cases = options.sizes.flatMap((size) =>
      options.names.flatMap((names) => options.variants.map((variant) => ({ size, names, variant }))),
    );
    for (const { size, names, variant } of cases) {
      const label = `${size.nodes}x${size.resources}-${names}-${variant}`;
      const cib = join(dir, `${label}.xml`);
      writeFileSync(cib, generateBenchCibText({ ...size, variant, names }));
      const cibBytes = statSync(cib).size;
      const cibMb = cibBytes / 1024 / 1024;
      options.log(`bench: ${label}: CIB ${cibMb.toFixed(1)} MB`);
      // hbx refuses XML over 64 MiB unless told otherwise; the largest running CIBs are bigger.
      const hbxEnv =
        cibBytes > DEFAULT_XML_LIMITS.maxBytes
          ? { ...process.env, [XML_MAX_BYTES_ENV]: String(cibBytes) }
          : process.env;
      const graph = (who: string): string => join(dir, `${label}.${who}.graph.xml`);

      const hbx = await measureMedian(
        options.hbx,
        ["-x", cib, "-G", graph("hbx")],
        options.timeoutMs,
        options.runs,
        hbxEnv,
      );
      options.log(`bench: ${label}: hbx -G ${describeRun(hbx)}`);
      const hbxSimulate = await measureMedian(
        options.hbx,
        ["-x", cib, "-S"],
        options.timeoutMs,
        options.runs,
        hbxEnv,
      );
      options.log(`bench: ${label}: hbx -S ${describeRun(hbxSimulate)}`);

      let pacemaker: Measurement | undefined;
      let pacemakerSimulate: Measurement | undefined;
      let pacemakerSkipped: string | undefined;
      if (options.pacemaker === undefined || !existsSync(options.pacemaker)) {
        pacemakerSkipped = "Pacemaker's crm_simulate is not installed";
      } else if (
        options.pacemakerMaxResources !== undefined &&
        size.resources > options.pacemakerMaxResources
      ) {
        pacemakerSkipped = options.pacemakerSkipReason ?? "skipped";
      } else {
        pacemaker = await measureMedian(
          options.pacemaker,
          ["-x", cib, "-G", graph("pacemaker")],
          options.timeoutMs,
          options.runs,
        );
        options.log(`bench: ${label}: Pacemaker -G ${describeRun(pacemaker)}`);
        if (options.withPacemakerSimulate) {
          pacemakerSimulate = await measureMedian(
            options.pacemaker,
            ["-x", cib, "-S"],
            options.timeoutMs,
            options.runs,
          );
          options.log(`bench: ${label}: Pacemaker -S ${describeRun(pacemakerSimulate)}`);
        }
      }
      const decisions =
        pacemaker && pacemaker.failure === undefined && hbx.failure === undefined
          ? compareDecisions(pacemaker.stdout, hbx.stdout)
          : undefined;
      if (decisions && !decisions.equal) {
        options.log(`bench: ${label}: ${decisions.differences} Transition Summary lines differ, e.g.`);
        for (const l of decisions.diff.missing.slice(0, 3)) options.log(`  Pacemaker only: ${l.trim()}`);
        for (const l of decisions.diff.unexpected.slice(0, 3)) options.log(`  hbx only:       ${l.trim()}`);
      }
      rows.push({
        size,
        names,
        variant,
        cibMb,
        hbx,
        hbxSimulate,
        pacemaker,
        pacemakerSimulate,
        pacemakerSkipped,
        decisions,
      });
    }
  } finally {
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
