import { appendFileSync } from "node:fs";
import pino, { type Logger } from "pino";

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "WARN",
  50: "ERROR",
  60: "CRIT",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Nov 22 02:38:37 node1 hbxd: [1234]: info: message`, the shape of Heartbeat's own log lines. */
export function formatLogLine(
  rec: { time: number; level: number; msg?: string },
  node: string,
  pid: number,
): string {
  const d = new Date(rec.time);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const stamp = `${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  return `${stamp} ${node} hbxd: [${pid}]: ${LEVELS[rec.level] ?? rec.level}: ${rec.msg ?? ""}\n`;
}

/** Where the lines go; read on every line, so a SIGHUP can move the log files of a running daemon. */
export interface LogTargets {
  logfile?: string;
  debugfile?: string;
}

/**
 * A pino logger writing human-readable lines: info and above to ha.cf's `logfile`, everything
 * (debug too) to `debugfile`; to stderr when ha.cf names neither. Writes are synchronous so a
 * line is on disk before the event it reports has consequences (and before a kill -9).
 */
export function daemonLogger(opts: {
  targets: LogTargets;
  node: string;
  stderr?: (s: string) => void;
}): Logger {
  const pid = process.pid;
  const t = opts.targets;
  const stream = {
    write(json: string) {
      let rec: { time: number; level: number; msg?: string };
      try {
        rec = JSON.parse(json);
      } catch {
        return;
      }
      const line = formatLogLine(rec, opts.node, pid);
      if (t.debugfile) appendFileSync(t.debugfile, line);
      if (t.logfile && rec.level >= 30) appendFileSync(t.logfile, line);
      if (!t.logfile && !t.debugfile && rec.level >= 30)
        (opts.stderr ?? ((s) => process.stderr.write(s)))(line);
    },
  };
  return pino({ level: t.debugfile ? "debug" : "info", base: undefined }, stream);
}
