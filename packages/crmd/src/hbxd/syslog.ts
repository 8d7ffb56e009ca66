import { type ChildProcess, spawn } from "node:child_process";

/** Syslog facility numbers (RFC 3164 §4.1.1) of the names ha.cf's `logfacility` takes. */
const FACILITIES: Record<string, number> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

/** pino levels to syslog severities: trace and debug are debug(7), info 6, warn 4, error 3, fatal 2. */
export function syslogSeverity(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

/** RFC 3164's PRI: facility × 8 + severity; undefined for a facility syslog does not know. */
export function syslogPriority(facility: string, level: number): number | undefined {
  const f = FACILITIES[facility];
  return f === undefined ? undefined : f * 8 + syslogSeverity(level);
}

/** Where hbxd's syslog lines go: `/dev/log` unless HBX_SYSLOG_SOCKET names another socket. */
export function syslogSocketPath(env: Record<string, string | undefined> = process.env): string {
  return env.HBX_SYSLOG_SOCKET || "/dev/log";
}

/**
 * Lines to the local syslog socket, RFC 3164 as the C library's syslog() sends them
 * (`<PRI>Mmm dd hh:mm:ss hbxd[pid]: text`; the syslog daemon adds the host name).
 *
 * /dev/log is a unix datagram socket, which Node cannot open; util-linux's `logger` (always on
 * Debian) can. One long-lived `logger` reads our lines on stdin, each with its own <PRI> prefix;
 * on a unix socket it writes syslog()'s local form, without the host name (`--rfc3164` would add
 * one, which rsyslog's local input then takes for the tag), so a line costs a pipe write, not a process. If the socket is missing, lines are dropped
 * silently, as syslog() drops them: syslog never stops the daemon.
 */
export class SyslogWriter {
  private child: ChildProcess | undefined;
  /** When the last logger was started: one that died is replaced at most every 10 s. */
  private startedAt = -Infinity;

  constructor(
    readonly facility: string,
    readonly socket: string,
    private readonly pid: number = process.pid,
  ) {}

  write(level: number, text: string): void {
    const pri = syslogPriority(this.facility, level);
    if (pri === undefined) return;
    const child = this.start();
    if (child === undefined) return;
    // One datagram per line: a newline inside the text would split it into two messages.
    child.stdin?.write(`<${pri}>${text.replace(/[\r\n]+/g, " ")}\n`);
  }

  /** Stop the logger once it has sent what it was given. */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private start(): ChildProcess | undefined {
    if (this.child) return this.child;
    if (Date.now() - this.startedAt < 10_000) return undefined;
    this.startedAt = Date.now();
    const child = spawn(
      "logger",
      ["--prio-prefix", "-t", "hbxd", `--id=${this.pid}`, "-u", this.socket, "--socket-errors=off"],
      { stdio: ["pipe", "ignore", "inherit"] },
    );
    child.on("error", () => undefined);
    child.on("exit", () => {
      if (this.child === child) this.child = undefined;
    });
    child.stdin?.on("error", () => undefined);
    // The logger must not keep a stopping daemon alive; it ends when our end of the pipe closes.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
