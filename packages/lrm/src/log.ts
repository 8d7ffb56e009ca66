import { createRequire } from "node:module";
import type * as Pino from "pino";
import type { Logger } from "pino";

/**
 * The LRM's root logger, silent unless HBX_LOG_LEVEL asks for more. Made on first use: the
 * command-line tools load the LRM's history writers without running an agent, and loading
 * pino is a noticeable part of a short tool's start.
 */
let root: Logger | undefined;

/** The LRM's logger: one child per component. */
export function lrmLogger(sub?: string): Logger {
  root ??= (createRequire(import.meta.url)("pino") as typeof Pino).pino({
    level: process.env.HBX_LOG_LEVEL ?? "silent",
  });
  return root.child(sub ? { component: "lrm", sub } : { component: "lrm" });
}
