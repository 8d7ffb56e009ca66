import { helpText, parseHbxdCommand, USAGE, UsageError, versionText } from "./options.js";
import { startHbxd } from "./daemon.js";

/** The signals hbxd acts on: SIGTERM/SIGINT stop it, SIGHUP re-reads its configuration. */
export type HbxdSignal = "SIGTERM" | "SIGINT" | "SIGHUP";

export interface HbxdIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Subscribe to signals (process signals in production); ones that came earlier are replayed. */
  onSignal(cb: (signal: HbxdSignal) => void): void;
}

/**
 * hbxd's body: returns the exit code once stopped (0 after --help, --version or SIGTERM; 1 on bad
 * config or when another hbxd runs here; 2 on usage).
 */
export async function run(argv: string[], io: HbxdIo): Promise<number> {
  let cmd;
  try {
    cmd = parseHbxdCommand(argv, io.env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`hbxd: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (cmd.kind === "help") {
    io.stdout(helpText());
    return 0;
  }
  if (cmd.kind === "version") {
    io.stdout(versionText());
    return 0;
  }
  let daemon;
  try {
    daemon = await startHbxd(cmd.options, io.stderr);
  } catch (e) {
    io.stderr(`hbxd: ${(e as Error).message}\n`);
    return 1;
  }
  const d = daemon;
  const signal = await new Promise<HbxdSignal>((resolve) => {
    let stopping = false;
    io.onSignal((sig) => {
      if (sig === "SIGHUP") {
        if (!stopping) d.reload();
        return;
      }
      if (stopping) {
        d.log.warn({ signal: sig }, `received ${sig}: already stopping`);
        return;
      }
      stopping = true;
      resolve(sig);
    });
  });
  d.log.info({ signal }, `received ${signal}, stopping`);
  await d.stop();
  return 0;
}
