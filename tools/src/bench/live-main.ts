import { DUMMY, FAST, measureScale } from "./live-scale.js";
import {
  SCALE_USAGE,
  type ScaleRun,
  formatScaleTable,
  scaleVerdicts,
  takeScaleArgs,
} from "./live-scale-report.js";
import { runLiveWrites } from "./live-writes.js";

/** `pnpm bench:live`: the CIB-writes table, then the live-scale table; exit 1 if either missed. */
async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = takeScaleArgs(argv);
  } catch (e) {
    process.stderr.write(`bench:live: ${(e as Error).message}\n${SCALE_USAGE}`);
    return 2;
  }
  const io = { stdout: process.stdout, stderr: process.stderr };
  if (args.rest.includes("-h") || args.rest.includes("--help")) {
    await runLiveWrites(args.rest, io);
    process.stdout.write(SCALE_USAGE);
    return 0;
  }
  let code = 0;
  if (!args.skipWrites) code = await runLiveWrites(args.rest, io);
  if (code === 2 || args.skipScale) return code;
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const runs: ScaleRun[] = [await measureScale(FAST, args.scale, log)];
  if (args.dummy > 0) runs.push(await measureScale(DUMMY, args.dummy, log));
  process.stdout.write(`\nLive scale on 3 nodes (loopback), one node put in standby:\n`);
  process.stdout.write(formatScaleTable(runs));
  const missed = runs.some((r) => Object.values(scaleVerdicts(r)).includes("MISS"));
  return missed ? 1 : code;
}

process.exitCode = await main(process.argv.slice(2));
