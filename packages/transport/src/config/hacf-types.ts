import type { HaCfWarning } from "./errors.js";
import type { HttpAuthFile, HttpListen } from "./hacf-http.js";

/** A heartbeat medium from ha.cf, in file order. `line` is where it was declared. */
export type HaCfMedium =
  | { kind: "bcast"; iface: string; port: number; line: number }
  | { kind: "ucast"; iface: string; peer: string; port: number; line: number }
  | { kind: "mcast"; iface: string; group: string; port: number; ttl: number; loop: boolean; line: number }
  | { kind: "serial"; device: string; baud: number; line: number };

export type AutoFailback = "on" | "off" | "legacy";
/** `crm` (alias `pacemaker`): off is Heartbeat v1 haresources mode; on/respawn/minimal/manual run the CRM. */
export type CrmMode = "off" | "on" | "respawn" | "minimal" | "manual";
export type AutoJoin = "none" | "other" | "any";
export type MsgFmt = "classic" | "netstring";

export interface RespawnClient {
  user: string;
  /** Absolute path of the program. */
  path: string;
  args: string[];
  /** True for `failfast` (the node reboots when it dies), false for `respawn`. */
  failfast: boolean;
  line: number;
}

export interface ApiAuth {
  client: string;
  uids: string[];
  gids: string[];
  line: number;
}

export interface PingGroup {
  name: string;
  addresses: string[];
  line: number;
}

/** A directive Heartbeat knows that hbx reads but does not act on; kept so nothing is lost. */
export interface OtherDirective {
  directive: string;
  args: string[];
  line: number;
}

/** A parsed ha.cf with Heartbeat 3.0.6's defaults filled in. Times are in milliseconds. */
export interface HaCf {
  file: string;
  logfile?: string;
  debugfile?: string;
  /** Syslog facility name, or "none" to disable syslog. */
  logfacility?: string;
  keepaliveMs: number;
  deadtimeMs: number;
  warntimeMs: number;
  initdeadMs: number;
  /** Port for bcast/ucast media (mcast names its own). */
  udpport: number;
  baud: number;
  media: HaCfMedium[];
  watchdog?: string;
  autoFailback: AutoFailback;
  /** Cluster node names as Heartbeat keeps them: lower-cased, in declaration order. */
  nodes: string[];
  ping: string[];
  pingGroups: PingGroup[];
  respawn: RespawnClient[];
  apiauth: ApiAuth[];
  crm: CrmMode;
  hopfudge: number;
  autojoin: AutoJoin;
  compression?: "zlib" | "bz2";
  traditionalCompression: boolean;
  msgfmt: MsgFmt;
  /** hbx's status page: `http [ADDRESS:]PORT`; none unless written. */
  http?: HttpListen;
  /** `http_auth FILE`: the 0600 file of `user:password` lines the page's logins are checked against. */
  httpAuth?: HttpAuthFile;
  other: OtherDirective[];
  warnings: HaCfWarning[];
}

/** Heartbeat 3.0.6's defaults (config.c init_config and its Directives table). */
export const HA_CF_DEFAULTS = {
  keepaliveMs: 1000,
  deadtimeMs: 30000,
  udpport: 694,
  baud: 19200,
  hopfudge: 1,
  autoFailback: "legacy",
  crm: "off",
  autojoin: "none",
  msgfmt: "classic",
  traditionalCompression: false,
} as const;
