import { appendFileSync } from "node:fs";
import pino, { type Logger } from "pino";
import { SyslogWriter, syslogSocketPath } from "./syslog.js";

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "WARN",
  50: "ERROR",
  60: "CRIT",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A pino record as it reaches the stream: time, level, message, then the structured fields. */
export interface LogRecord {
  time: number;
  level: number;
  msg?: string;
  component?: string;
  [field: string]: unknown;
}

/** Parts of a record that are not fields of the event (pino's own, or shown elsewhere in the line). */
const NOT_FIELDS = new Set(["time", "level", "msg", "component", "pid", "hostname", "v"]);

function fieldValue(v: unknown): string {
  if (v instanceof Object && "message" in v && typeof v.message === "string") return fieldValue(v.message);
  if (typeof v !== "string") return JSON.stringify(v);
  // Quoted when it would not read as one word, so `key=value` pairs can still be split.
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

/**
 * The text of a record after the level: the message, then each structured field as
 * `key=value` (`changed=["deadtime"]`, `err="bad file"`), so nothing pino carried is lost.
 */
export function formatLogText(rec: LogRecord): string {
  const fields = Object.entries(rec)
    .filter(([k, v]) => !NOT_FIELDS.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldValue(v)}`);
  return [rec.msg ?? "", ...fields].filter((s) => s !== "").join(" ");
}

/**
 * `Nov 22 02:38:37 node1 crmd: [1234]: info: message key=value`, the shape of Heartbeat's own
 * log lines, where each line is named by the part of the daemon that wrote it (its pino
 * component; `hbxd` for the daemon itself).
 */
export function formatLogLine(rec: LogRecord, node: string, pid: number): string {
  const d = new Date(rec.time);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const stamp = `${MONTHS[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  const who = rec.component ?? "hbxd";
  return `${stamp} ${node} ${who}: [${pid}]: ${LEVELS[rec.level] ?? rec.level}: ${formatLogText(rec)}\n`;
}

/** Where the lines go; read on every line, so a SIGHUP can move the log files of a running daemon. */
export interface LogTargets {
  logfile?: string;
  debugfile?: string;
  /** ha.cf `logfacility` (`local0`, `daemon`, …); `none` or unset: no syslog. */
  logfacility?: string;
}

/**
 * A pino logger writing human-readable lines: info and above to ha.cf's `logfile` and, with a
 * `logfacility`, to syslog; everything (debug too) to `debugfile`; to stderr when ha.cf names
 * none of them. File writes are synchronous so a line is on disk before the event it reports
 * has consequences (and before a kill -9).
 */
export function daemonLogger(opts: {
  targets: LogTargets;
  node: string;
  stderr?: (s: string) => void;
  /** The syslog socket; HBX_SYSLOG_SOCKET or /dev/log by default. */
  syslogSocket?: string;
}): Logger {
  const pid = process.pid;
  const t = opts.targets;
  const socket = opts.syslogSocket ?? syslogSocketPath();
  let syslog: SyslogWriter | undefined;
  const toSyslog = (rec: LogRecord) => {
    const facility = t.logfacility;
    if (facility === undefined || facility === "none") return;
    if (syslog?.facility !== facility) {
      syslog?.close();
      syslog = new SyslogWriter(facility, socket, pid);
    }
    syslog.write(rec.level, `${rec.component ?? "hbxd"}: ${formatLogText(rec)}`);
  };
  const stream = {
    write(json: string) {
      let rec: LogRecord;
      try {
        rec = JSON.parse(json) as LogRecord;
      } catch {
        return;
      }
      const line = formatLogLine(rec, opts.node, pid);
      if (t.debugfile) appendFileSync(t.debugfile, line);
      if (t.logfile && rec.level >= 30) appendFileSync(t.logfile, line);
      if (rec.level >= 30) toSyslog(rec);
      const syslogOn = t.logfacility !== undefined && t.logfacility !== "none";
      if (!t.logfile && !t.debugfile && !syslogOn && rec.level >= 30)
        (opts.stderr ?? ((s) => process.stderr.write(s)))(line);
    },
  };
  return pino({ level: t.debugfile ? "debug" : "info", base: undefined }, stream);
}
