import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { repoRoot } from "@hbx/cib";
import {
  DEFAULT_SIZES,
  PACEMAKER_DEFAULT_MAX_RESOURCES,
  parseSizes,
  runBench,
  type BenchSize,
} from "./bench.js";
import type { BenchVariant } from "./generate.js";
import { NODE_NAMINGS, type NodeNaming } from "./layout.js";
import { writeBenchmarksMarkdown } from "./report.js";
import { formatTextTable } from "./table.js";

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export const PACEMAKER_CRM_SIMULATE = "/usr/sbin/crm_simulate";
const HBX_CRM_SIMULATE = resolve(repoRoot, "node_modules/.bin/crm_simulate");
const HBX_BUILT_MAIN = resolve(repoRoot, "packages/cli/dist/crm_simulate/main.js");
const HBX_BUILT_DIR = resolve(repoRoot, "packages/cli/dist/crm_simulate");

/**
 * Whether a tool (crm_simulate here) will run from its one-file bundle, as `pnpm run build`
 * leaves it; after a bare `tsc -b` it runs from its modules, and its times include loading them.
 */
export async function bundleFresh(tool = "crm_simulate"): Promise<boolean> {
  const launcher = pathToFileURL(resolve(repoRoot, "packages/cli/bin/launch.js")).href;
  const { bundleIsFresh } = (await import(launcher)) as {
    bundleIsFresh: (bundle: URL, inputs: URL) => boolean;
  };
  const dir = pathToFileURL(`${resolve(HBX_BUILT_DIR, "..", tool)}/`);
  return bundleIsFresh(new URL("bundle.mjs", dir), new URL("bundle.inputs", dir));
}

const USAGE = `Usage: bench [options]
Times hbx's crm_simulate and Pacemaker's on generated CIBs and checks they take the same decisions.

  --sizes LIST               NODESxRESOURCES,... (default 4x100,16x1000,32x2000,64x10000)
  --variants LIST            stopped,running (default both)
  --names LIST               padded (node01),unpadded (node1) (default both)
  --skip-pacemaker-large     do not run Pacemaker above 1000 resources
  --pacemaker-max N          do not run Pacemaker above N resources (default ${PACEMAKER_DEFAULT_MAX_RESOURCES})
  --with-pacemaker-simulate  also time Pacemaker's -S (minutes at large sizes)
  --timeout SECONDS          per program run (default 600)
  --runs N                   run each timing N times and report the median (default 3)
  --hbx PATH                 hbx's crm_simulate (default node_modules/.bin/crm_simulate)
  --pacemaker PATH           Pacemaker's crm_simulate (default ${PACEMAKER_CRM_SIMULATE})
  --keep DIR                 keep the generated CIBs and graphs in DIR
  --no-docs                  do not rewrite docs/benchmarks.md
`;

function pacemakerVersion(binary: string): string | undefined {
  try {
    const out = execFileSync(binary, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out.split("\n")[0].trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `pnpm bench`. Exit 0 when every run completed with the same decisions, 1 otherwise, 2 on misuse. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let values;
  let sizes: BenchSize[];
  let variants: BenchVariant[];
  let names: NodeNaming[];
  let pacemakerMax: number;
  let timeoutSeconds: number;
  let runs: number;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        sizes: { type: "string" },
        variants: { type: "string" },
        names: { type: "string" },
        "skip-pacemaker-large": { type: "boolean" },
        "pacemaker-max": { type: "string" },
        "with-pacemaker-simulate": { type: "boolean" },
        timeout: { type: "string" },
        runs: { type: "string" },
        hbx: { type: "string" },
        pacemaker: { type: "string" },
        keep: { type: "string" },
        "no-docs": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
    sizes = values.sizes === undefined ? [...DEFAULT_SIZES] : parseSizes(values.sizes);
    variants = (values.variants ?? "stopped,running").split(",").map((v) => {
      if (v !== "stopped" && v !== "running")
        throw new Error(`--variants: expected stopped or running, found "${v}"`);
      return v;
    });
    names = (values.names ?? NODE_NAMINGS.join(",")).split(",").map((n) => {
      const naming = NODE_NAMINGS.find((k) => k === n);
      if (naming === undefined) throw new Error(`--names: expected padded or unpadded, found "${n}"`);
      return naming;
    });
    pacemakerMax = values["skip-pacemaker-large"]
      ? 1000
      : values["pacemaker-max"] === undefined
        ? PACEMAKER_DEFAULT_MAX_RESOURCES
        : Number(values["pacemaker-max"]);
    if (!Number.isInteger(pacemakerMax) || pacemakerMax < 0) {
      throw new Error(`--pacemaker-max expects a number of resources, found "${values["pacemaker-max"]}"`);
    }
    timeoutSeconds = values.timeout === undefined ? 600 : Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
      throw new Error(`--timeout expects seconds, found "${values.timeout}"`);
    }
    runs = values.runs === undefined ? 3 : Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) {
      throw new Error(`--runs expects a whole number of runs, 1 or more, found "${values.runs}"`);
    }
  } catch (err) {
    io.stderr.write(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const hbx = values.hbx !== undefined ? resolve(values.hbx) : HBX_CRM_SIMULATE;
  if (values.hbx === undefined && !existsSync(HBX_BUILT_MAIN)) {
    io.stderr.write("bench: hbx crm_simulate is not built: run `pnpm run build` first\n");
    return 2;
  }
  if (values.hbx === undefined && !(await bundleFresh())) {
    io.stderr.write(
      "bench: warning: crm_simulate's bundle is missing or older than its modules, so it runs from " +
        "them and its times include loading them: run `pnpm run build` first\n",
    );
  }
  const pacemaker = values.pacemaker ?? PACEMAKER_CRM_SIMULATE;
  const rows = await runBench({
    sizes,
    variants,
    names,
    hbx,
    pacemaker: existsSync(pacemaker) ? pacemaker : undefined,
    withPacemakerSimulate: values["with-pacemaker-simulate"] ?? false,
    pacemakerMaxResources: pacemakerMax,
    pacemakerSkipReason: values["skip-pacemaker-large"]
      ? "skipped (--skip-pacemaker-large)"
      : `skipped (minutes above ${pacemakerMax} resources; --pacemaker-max)`,
    timeoutMs: timeoutSeconds * 1000,
    runs,
    keepDir: values.keep !== undefined ? resolve(values.keep) : undefined,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  io.stdout.write(formatTextTable(rows));
  if (!values["no-docs"]) {
    const file = resolve(repoRoot, "docs/benchmarks.md");
    writeBenchmarksMarkdown(file, rows, {
      date: new Date(),
      cores: availableParallelism(),
      node: process.versions.node,
      pacemakerVersion: existsSync(pacemaker) ? pacemakerVersion(pacemaker) : undefined,
      timeoutSeconds,
      runs,
    });
    io.stderr.write(`bench: wrote ${file}\n`);
  }
  const ok = rows.every(
    (r) =>
      r.hbx.failure === undefined && r.hbx.exitCode === 0 && (r.decisions === undefined || r.decisions.equal),
  );
  return ok ? 0 : 1;
}
