import { createRequire } from "node:module";
import type * as Pino from "pino";
import type { Logger } from "pino";

/**
 * The LRM's root logger. In hbxd it is the daemon's own (`useLrmLogger`), so agent results
 * reach ha.cf's logfile, debugfile and syslog like every other line. Elsewhere (the tools, which
 * load the LRM's history writers, and tests) it is a stderr logger, silent unless HBX_LOG_LEVEL
 * asks for more; it is made on first use because loading pino is a noticeable part of a short
 * tool's start.
 */
let root: Logger | undefined;

/** Log the LRM through `logger` from now on (hbxd calls this before it makes its runners). */
export function useLrmLogger(logger: Logger): void {
  root = logger;
}

/** The LRM's logger: one child per component. */
export function lrmLogger(sub?: string): Logger {
  root ??= (createRequire(import.meta.url)("pino") as typeof Pino).pino({
    level: process.env.HBX_LOG_LEVEL ?? "silent",
  });
  return root.child(sub ? { component: "lrm", sub } : { component: "lrm" });
}
