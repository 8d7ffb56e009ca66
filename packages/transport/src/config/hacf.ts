import { readFileSync } from "node:fs";
import { HaCfError, found, type HaCfWarning } from "./errors.js";
import { configLines, type ConfigLine } from "./lines.js";
import { parseHeartbeatBoolean, parseHeartbeatTime } from "./time.js";
import { HA_CF_DEFAULTS, type HaCf, type HaCfMedium } from "./hacf-types.js";
import { OTHER_DIRECTIVES, SYSLOG_FACILITIES, BAUD_RATES } from "./hacf-known.js";
import { parseHttpListen } from "./hacf-http.js";

interface ParseState {
  cf: HaCf;
  file: string;
  times: { keepalive?: number; deadtime?: number; warntime?: number; initdead?: number };
  timeLines: { keepalive?: number; deadtime?: number; warntime?: number; initdead?: number };
  firstPortMediumLine?: number;
  firstSerialLine?: number;
  baudSet: boolean;
}

type Handler = (st: ParseState, at: ConfigLine, args: string[]) => void;

/**
 * Parse ha.cf text as Heartbeat 3.0.6 reads it: one directive per line, `#` starts a comment,
 * directives take effect in file order (so `udpport` and `baud` must come before the media that
 * use them). Throws HaCfError at the first error; Heartbeat's warnings land in `warnings`.
 */
export function parseHaCf(text: string, file: string): HaCf {
  const st: ParseState = {
    file,
    times: {},
    timeLines: {},
    baudSet: false,
    cf: {
      file,
      keepaliveMs: HA_CF_DEFAULTS.keepaliveMs,
      deadtimeMs: HA_CF_DEFAULTS.deadtimeMs,
      warntimeMs: 0,
      initdeadMs: 0,
      udpport: HA_CF_DEFAULTS.udpport,
      baud: HA_CF_DEFAULTS.baud,
      media: [],
      autoFailback: HA_CF_DEFAULTS.autoFailback,
      nodes: [],
      ping: [],
      pingGroups: [],
      respawn: [],
      apiauth: [],
      crm: HA_CF_DEFAULTS.crm,
      hopfudge: HA_CF_DEFAULTS.hopfudge,
      autojoin: HA_CF_DEFAULTS.autojoin,
      traditionalCompression: HA_CF_DEFAULTS.traditionalCompression,
      msgfmt: HA_CF_DEFAULTS.msgfmt,
      other: [],
      warnings: [],
    },
  };
  for (const at of configLines(text)) {
    const args = at.words.slice(1);
    let directive = at.words[0];
    if (directive === "udp") {
      warn(st, at.line, "directive 'udp' replaced by 'bcast'");
      directive = "bcast";
    }
    const handler = HANDLERS[directive];
    if (handler) handler(st, at, args);
    else if (OTHER_DIRECTIVES.has(directive)) {
      if (args.length === 0) fail(st, at.line, `${directive}: expected a value, found nothing`);
      st.cf.other.push({ directive, args, line: at.line });
    } else fail(st, at.line, `expected a ha.cf directive, found ${found(directive)} (unknown directive)`);
  }
  applyTimingRules(st);
  return st.cf;
}

/** Read and parse a ha.cf file. */
export function loadHaCf(path: string): HaCf {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new HaCfError(path, 0, `cannot open config file: ${(e as Error).message}`);
  }
  return parseHaCf(text, path);
}

/**
 * The checks Heartbeat makes before it starts a node, beyond parsing: at least one medium, at
 * least one node (unless `autojoin any`), and no medium this platform cannot drive (serial).
 * haresources2cib skips this, so it can still convert a serial-link cluster's files.
 */
export function assertHaCfRunnable(cf: HaCf): void {
  const serial = cf.media.find((m) => m.kind === "serial");
  if (serial) {
    throw new HaCfError(
      cf.file,
      serial.line,
      `serial: not supported on this platform (expected bcast, mcast or ucast media, found serial ${serial.device})`,
    );
  }
  if (cf.media.length === 0) {
    throw new HaCfError(cf.file, 0, "no heartbeat media defined (expected a bcast, mcast or ucast line)");
  }
  if (cf.nodes.length === 0 && cf.autojoin !== "any") {
    throw new HaCfError(cf.file, 0, "no nodes defined (expected a node line, or autojoin any)");
  }
}

function fail(st: ParseState, line: number, reason: string): never {
  throw new HaCfError(st.file, line, reason);
}

function warn(st: ParseState, line: number, message: string): void {
  const w: HaCfWarning = { file: st.file, line, message };
  st.cf.warnings.push(w);
}

function arity(st: ParseState, at: ConfigLine, args: string[], min: number, max: number, what: string): void {
  const d = at.words[0];
  if (args.length < min)
    fail(st, at.line, `${d}: expected ${what}, found ${args.length === 0 ? "nothing" : args.join(" ")}`);
  if (args.length > max)
    fail(st, at.line, `${d}: expected ${what}, found extra ${found(args.slice(max).join(" "))}`);
}

function intIn(st: ParseState, at: ConfigLine, text: string, lo: number, hi: number, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < lo || Number(text) > hi) {
    fail(st, at.line, `${at.words[0]}: expected ${what} (${lo}-${hi}), found ${found(text)}`);
  }
  return Number(text);
}

function oneOf<T extends string>(st: ParseState, at: ConfigLine, text: string, values: readonly T[]): T {
  const v = text.toLowerCase() as T;
  if (!values.includes(v))
    fail(st, at.line, `${at.words[0]}: expected ${values.join(", ")}, found ${found(text)}`);
  return v;
}

function bool(st: ParseState, at: ConfigLine, text: string): boolean {
  const b = parseHeartbeatBoolean(text);
  if (b === undefined)
    fail(st, at.line, `${at.words[0]}: expected on or off (true/yes/1, false/no/0), found ${found(text)}`);
  return b;
}

function time(key: "keepalive" | "deadtime" | "warntime" | "initdead"): Handler {
  return (st, at, args) => {
    arity(st, at, args, 1, 1, "a time such as 2, 1500ms or 30s");
    const ms = parseHeartbeatTime(args[0]);
    if (ms === undefined || (key !== "deadtime" && ms <= 0)) {
      fail(st, at.line, `${key}: expected a time such as 2, 1500ms or 30s, found ${found(args[0])}`);
    }
    st.times[key] = ms;
    st.timeLines[key] = at.line;
  };
}

function single(set: (cf: HaCf, v: string) => void, what = "a value"): Handler {
  return (st, at, args) => {
    arity(st, at, args, 1, 1, what);
    set(st.cf, args[0]);
  };
}

function addMedium(st: ParseState, medium: HaCfMedium): void {
  st.cf.media.push(medium);
  if ((medium.kind === "bcast" || medium.kind === "ucast") && st.firstPortMediumLine === undefined) {
    st.firstPortMediumLine = medium.line;
  }
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const HANDLERS: Record<string, Handler> = {
  logfile: single((cf, v) => (cf.logfile = v), "a file name"),
  debugfile: single((cf, v) => (cf.debugfile = v), "a file name"),
  logfacility: (st, at, args) => {
    arity(st, at, args, 1, 1, "a syslog facility");
    st.cf.logfacility = oneOf(st, at, args[0], SYSLOG_FACILITIES);
  },
  keepalive: time("keepalive"),
  deadtime: time("deadtime"),
  warntime: time("warntime"),
  initdead: time("initdead"),
  udpport: (st, at, args) => {
    arity(st, at, args, 1, 1, "a UDP port");
    const port = intIn(st, at, args[0], 1, 65535, "a UDP port");
    if (st.firstPortMediumLine !== undefined) {
      fail(
        st,
        at.line,
        `udpport: expected before the media lines that use it, found after the medium on line ${st.firstPortMediumLine}`,
      );
    }
    st.cf.udpport = port;
  },
  baud: (st, at, args) => {
    arity(st, at, args, 1, 1, "a baud rate");
    if (st.baudSet) fail(st, at.line, `baud: expected once, found a second baud line`);
    if (!BAUD_RATES.includes(Number(args[0]))) {
      fail(st, at.line, `baud: expected one of ${BAUD_RATES.join(", ")}, found ${found(args[0])}`);
    }
    if (st.firstSerialLine !== undefined) {
      fail(
        st,
        at.line,
        `baud: expected before the serial lines, found after the serial line ${st.firstSerialLine}`,
      );
    }
    st.baudSet = true;
    st.cf.baud = Number(args[0]);
  },
  bcast: (st, at, args) => {
    arity(st, at, args, 1, Infinity, "one or more interface names");
    for (const iface of args) addMedium(st, { kind: "bcast", iface, port: st.cf.udpport, line: at.line });
  },
  ucast: (st, at, args) => {
    arity(st, at, args, 2, 2, "an interface and a peer address (ucast IF PEER)");
    addMedium(st, { kind: "ucast", iface: args[0], peer: args[1], port: st.cf.udpport, line: at.line });
  },
  mcast: (st, at, args) => {
    arity(st, at, args, 5, 5, "mcast IF GROUP PORT TTL LOOP");
    const [iface, group, port, ttl, loop] = args;
    const m = IPV4.exec(group);
    if (!m || Number(m[1]) < 224 || Number(m[1]) > 239 || m.slice(2).some((o) => Number(o) > 255)) {
      fail(
        st,
        at.line,
        `mcast: expected a class D group address (224.0.0.0-239.255.255.255), found ${found(group)}`,
      );
    }
    addMedium(st, {
      kind: "mcast",
      iface,
      group,
      port: intIn(st, at, port, 1, 65535, "a UDP port"),
      ttl: intIn(st, at, ttl, 1, 255, "a TTL"),
      loop: intIn(st, at, loop, 0, 1, "a loop flag") === 1,
      line: at.line,
    });
  },
  serial: (st, at, args) => {
    arity(st, at, args, 1, Infinity, "one or more serial devices");
    for (const device of args) addMedium(st, { kind: "serial", device, baud: st.cf.baud, line: at.line });
    st.firstSerialLine ??= at.line;
  },
  watchdog: (st, at, args) => {
    arity(st, at, args, 1, 1, "a watchdog device");
    if (st.cf.watchdog !== undefined)
      fail(st, at.line, "watchdog: expected once, found a second watchdog line");
    st.cf.watchdog = args[0];
  },
  auto_failback: (st, at, args) => {
    arity(st, at, args, 1, 1, "on, off or legacy");
    if (args[0].toLowerCase() === "legacy") st.cf.autoFailback = "legacy";
    else {
      const b = parseHeartbeatBoolean(args[0]);
      if (b === undefined)
        fail(st, at.line, `auto_failback: expected on, off or legacy, found ${found(args[0])}`);
      st.cf.autoFailback = b ? "on" : "off";
    }
  },
  nice_failback: (st, at, args) => {
    arity(st, at, args, 1, 1, "on or off");
    // Heartbeat maps the obsolete flag: nice_failback on is auto_failback off, off is legacy.
    st.cf.autoFailback = bool(st, at, args[0]) ? "off" : "legacy";
    warn(st, at.line, "nice_failback flag is obsolete. Use auto_failback {on, off, legacy} instead.");
  },
  node: (st, at, args) => {
    arity(st, at, args, 1, Infinity, "one or more node names");
    for (const n of args) {
      const name = n.toLowerCase();
      if (st.cf.nodes.includes(name))
        fail(st, at.line, `node: expected each node once, found ${found(n)} again`);
      st.cf.nodes.push(name);
    }
  },
  ping: (st, at, args) => {
    arity(st, at, args, 1, Infinity, "one or more addresses");
    st.cf.ping.push(...args);
  },
  ping_group: (st, at, args) => {
    arity(st, at, args, 2, Infinity, "a group name and one or more addresses");
    st.cf.pingGroups.push({ name: args[0], addresses: args.slice(1), line: at.line });
  },
  respawn: respawnHandler(false),
  failfast: respawnHandler(true),
  apiauth: (st, at, args) => {
    arity(st, at, args, 2, 3, "apiauth CLIENT [uid=LIST] [gid=LIST]");
    const entry = { client: args[0], uids: [] as string[], gids: [] as string[], line: at.line };
    for (const a of args.slice(1)) {
      const m = /^(uid|gid)=(.+)$/.exec(a);
      if (!m) fail(st, at.line, `apiauth: expected uid=LIST or gid=LIST, found ${found(a)}`);
      const list = m[1] === "uid" ? entry.uids : entry.gids;
      if (list.length > 0) fail(st, at.line, `apiauth: expected one ${m[1]} list, found a second`);
      list.push(...m[2].split(",").filter((x) => x !== ""));
    }
    if (st.cf.apiauth.some((x) => x.client === entry.client)) {
      fail(st, at.line, `apiauth: expected one line per client, found ${found(entry.client)} again`);
    }
    st.cf.apiauth.push(entry);
  },
  crm: crmHandler,
  pacemaker: crmHandler,
  // hbx's own: the status page (packages/crmd/src/http), off unless written.
  http: (st, at, args) => {
    arity(st, at, args, 1, 1, "PORT or ADDRESS:PORT");
    const listen = parseHttpListen(args[0], at.line);
    if (typeof listen === "string") fail(st, at.line, `http: ${listen}`);
    st.cf.http = listen;
  },
  http_auth: (st, at, args) => {
    arity(st, at, args, 1, 1, "the full path of a credential file");
    if (!args[0].startsWith("/"))
      fail(st, at.line, `http_auth: expected a full path name, found ${found(args[0])}`);
    st.cf.httpAuth = { file: args[0], line: at.line };
  },
  hopfudge: (st, at, args) => {
    arity(st, at, args, 1, 1, "a hop count");
    st.cf.hopfudge = intIn(st, at, args[0], 0, 255, "a hop count");
  },
  autojoin: (st, at, args) => {
    arity(st, at, args, 1, 1, "none, other or any");
    st.cf.autojoin = oneOf(st, at, args[0], ["none", "other", "any"] as const);
  },
  compression: (st, at, args) => {
    arity(st, at, args, 1, 1, "zlib or bz2");
    st.cf.compression = oneOf(st, at, args[0], ["zlib", "bz2"] as const);
  },
  traditional_compression: (st, at, args) => {
    arity(st, at, args, 1, 1, "on or off");
    st.cf.traditionalCompression = bool(st, at, args[0]);
  },
  msgfmt: (st, at, args) => {
    arity(st, at, args, 1, 1, "classic or netstring");
    st.cf.msgfmt = oneOf(st, at, args[0], ["classic", "netstring"] as const);
  },
};

function respawnHandler(failfast: boolean): Handler {
  return (st, at, args) => {
    arity(st, at, args, 2, Infinity, `${at.words[0]} USER /PATH [ARGS...]`);
    const [user, path, ...rest] = args;
    if (!path.startsWith("/"))
      fail(st, at.line, `${at.words[0]}: expected a full path name, found ${found(path)}`);
    st.cf.respawn.push({ user, path, args: rest, failfast, line: at.line });
  };
}

function crmHandler(st: ParseState, at: ConfigLine, args: string[]): void {
  arity(st, at, args, 1, 1, "on, off, respawn, minimal or manual");
  const v = args[0].toLowerCase();
  if (v === "respawn" || v === "minimal" || v === "manual") st.cf.crm = v;
  else {
    const b = parseHeartbeatBoolean(v);
    if (b === undefined)
      fail(
        st,
        at.line,
        `${at.words[0]}: expected on, off, respawn, minimal or manual, found ${found(args[0])}`,
      );
    st.cf.crm = b ? "on" : "off";
  }
}

/** Heartbeat's timing defaults and checks, applied once the whole file is read. */
function applyTimingRules(st: ParseState): void {
  const cf = st.cf;
  const { times, timeLines } = st;
  cf.keepaliveMs = times.keepalive ?? cf.keepaliveMs;
  cf.deadtimeMs = times.deadtime ?? cf.deadtimeMs;
  const deadLine = timeLines.deadtime ?? timeLines.keepalive ?? 0;
  // Heartbeat refuses a deadtime that is not more than two keepalives: one lost packet would kill a node.
  if (cf.deadtimeMs <= 2 * cf.keepaliveMs) {
    fail(
      st,
      deadLine,
      `deadtime: expected more than twice keepalive (${2 * cf.keepaliveMs}ms), found ${cf.deadtimeMs}ms`,
    );
  }
  // Heartbeat 3.0.6 checks only warntime's syntax (0 or none means deadtime/2): warntime decides
  // when a late heartbeat is logged, not when a node dies, so a copied ha.cf with `warntime
  // DEADTIME` must start. Values that make the warning useless are pointed out, not refused.
  cf.warntimeMs = times.warntime || Math.floor(cf.deadtimeMs / 2);
  if (times.warntime && (cf.warntimeMs <= cf.keepaliveMs || cf.warntimeMs > cf.deadtimeMs)) {
    warn(
      st,
      timeLines.warntime ?? 0,
      `warntime ${cf.warntimeMs}ms is not between keepalive (${cf.keepaliveMs}ms) and deadtime (${cf.deadtimeMs}ms): ${cf.warntimeMs <= cf.keepaliveMs ? "every heartbeat will be logged as late" : "a node is declared dead before its heartbeat is logged as late"}`,
    );
  }
  if (times.initdead === undefined) {
    cf.initdeadMs = cf.deadtimeMs > 10000 ? cf.deadtimeMs : cf.deadtimeMs < 6000 ? 12000 : 2 * cf.deadtimeMs;
    return;
  }
  cf.initdeadMs = times.initdead;
  const line = timeLines.initdead ?? 0;
  if (cf.initdeadMs < cf.deadtimeMs) {
    fail(st, line, `initdead: expected at least deadtime (${cf.deadtimeMs}ms), found ${cf.initdeadMs}ms`);
  }
  if (cf.initdeadMs < 2 * cf.deadtimeMs) {
    warn(
      st,
      line,
      `initdead ${cf.initdeadMs}ms is less than twice deadtime (${2 * cf.deadtimeMs}ms); slow network start-up may declare nodes dead`,
    );
  }
}
