import { pino, type Logger } from "pino";

/** The LRM's logger: one child per component, silent unless HBX_LOG_LEVEL asks for more. */
const root: Logger = pino({ level: process.env.HBX_LOG_LEVEL ?? "silent" });

export function lrmLogger(sub?: string): Logger {
  return root.child(sub ? { component: "lrm", sub } : { component: "lrm" });
}
