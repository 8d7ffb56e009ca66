import { isDeepStrictEqual } from "node:util";
import type { Authkeys, HaCf } from "@hbx/transport";
import type { LogTargets } from "./logging.js";

/** What a SIGHUP re-read found, and what of it a running daemon can take. */
export interface ReloadPlan {
  /** New keys to sign and verify with from now on (the file changed). */
  authkeys?: Authkeys;
  /** New log targets (ha.cf's logfile/debugfile moved, logfacility changed). */
  logTargets?: LogTargets;
  /** ha.cf directives that changed but only take effect at a restart; the running values stay. */
  needRestart: string[];
}

/** Read for what they say, not where they came from. */
const NOT_SETTINGS = new Set<keyof HaCf>(["file", "warnings", "logfile", "debugfile", "logfacility"]);

/** ha.cf's own names for the parsed fields, so the log line names what the administrator edited. */
const DIRECTIVE: Partial<Record<keyof HaCf, string>> = {
  keepaliveMs: "keepalive",
  deadtimeMs: "deadtime",
  warntimeMs: "warntime",
  initdeadMs: "initdead",
  media: "media (bcast/mcast/ucast)",
  autoFailback: "auto_failback",
  nodes: "node",
  pingGroups: "ping_group",
  traditionalCompression: "traditional_compression",
  httpAuth: "http_auth",
};

function sameKeys(a: Authkeys, b: Authkeys): boolean {
  return a.activeIndex === b.activeIndex && isDeepStrictEqual([...a.keys.entries()], [...b.keys.entries()]);
}

/**
 * Compare the running configuration with the files as they are now. Keys and log files can be
 * switched live, as Heartbeat does on SIGHUP; media, timings, nodes and the mode are bound into
 * sockets and state machines, so a change there waits for a restart.
 */
export function planReload(
  running: { hacf: HaCf; authkeys: Authkeys },
  fresh: { hacf: HaCf; authkeys: Authkeys },
): ReloadPlan {
  const plan: ReloadPlan = { needRestart: [] };
  if (!sameKeys(running.authkeys, fresh.authkeys)) plan.authkeys = fresh.authkeys;
  const keys = new Set([...Object.keys(running.hacf), ...Object.keys(fresh.hacf)] as (keyof HaCf)[]);
  for (const k of keys) {
    if (NOT_SETTINGS.has(k)) continue;
    if (!isDeepStrictEqual(running.hacf[k], fresh.hacf[k])) plan.needRestart.push(DIRECTIVE[k] ?? k);
  }
  const was = running.hacf;
  const now = fresh.hacf;
  // The debug level is fixed when the loggers are made: a debugfile appearing or going needs a restart.
  const levelKept = Boolean(was.debugfile) === Boolean(now.debugfile);
  if (!levelKept) plan.needRestart.push("debugfile");
  const targets = {
    logfile: now.logfile,
    debugfile: levelKept ? now.debugfile : was.debugfile,
    logfacility: now.logfacility,
  };
  if (
    targets.logfile !== was.logfile ||
    targets.debugfile !== was.debugfile ||
    targets.logfacility !== was.logfacility
  )
    plan.logTargets = targets;
  return plan;
}
