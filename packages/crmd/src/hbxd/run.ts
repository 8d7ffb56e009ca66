import { parseHbxdArgs, USAGE, UsageError } from "./options.js";
import { startHbxd } from "./daemon.js";

export interface HbxdIo {
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Resolves when the daemon should stop (SIGTERM/SIGINT in production). */
  stopSignal: Promise<string>;
}

/** hbxd's body: returns the exit code once stopped (0 on SIGTERM, 1 on bad config, 2 on usage). */
export async function run(argv: string[], io: HbxdIo): Promise<number> {
  let opts;
  try {
    opts = parseHbxdArgs(argv, io.env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`hbxd: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  let daemon;
  try {
    daemon = await startHbxd(opts, io.stderr);
  } catch (e) {
    io.stderr(`hbxd: ${(e as Error).message}\n`);
    return 1;
  }
  const signal = await io.stopSignal;
  daemon.log.info({ signal }, `received ${signal}, stopping`);
  await daemon.stop();
  return 0;
}
