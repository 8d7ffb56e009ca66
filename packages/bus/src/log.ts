import { pino, type Logger } from "pino";

/** The bus's default logger; the daemon passes its own so logs follow ha.cf's logfile/debugfile. */
export function defaultBusLogger(): Logger {
  return pino({ level: process.env.HBX_LOG_LEVEL ?? "warn" }).child({ component: "bus" });
}

export type { Logger };
