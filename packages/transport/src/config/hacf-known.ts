/**
 * ha.cf directives Heartbeat 3.0.6 accepts that hbx reads without acting on them. They are kept
 * in `HaCf.other` so a config that runs under Heartbeat is never refused by hbx.
 */
export const OTHER_DIRECTIVES: ReadonlySet<string> = new Set([
  "cluster",
  "deadping",
  "rtprio",
  "hbgenmethod",
  "realtime",
  "debug",
  "normalpoll",
  "use_logd",
  "conn_logd_time",
  "log_badpack",
  "use_apphbd",
  "syslogmsgfmt",
  "coredumps",
  "coreroot",
  "uuidfrom",
  "compression_threshold",
  "env",
  "max_rexmit_delay",
  "record_config_changes",
  "record_pengine_inputs",
  "enable_config_writes",
  "memreserve",
  "quorum_server",
  "stonith",
  "stonith_host",
  "hbaping",
  "mcast6",
  "ucast6",
  "crm_daemon_dir",
  "crmd_spawns_pengine",
]);

/** Facilities cl_syslogfac_str2int knows, plus `none` (no syslog). */
export const SYSLOG_FACILITIES = [
  "none",
  "auth",
  "authpriv",
  "cron",
  "daemon",
  "ftp",
  "kern",
  "lpr",
  "mail",
  "news",
  "syslog",
  "user",
  "uucp",
  "local0",
  "local1",
  "local2",
  "local3",
  "local4",
  "local5",
  "local6",
  "local7",
] as const;

/** The rates StringToBaud accepts on Linux. */
export const BAUD_RATES: readonly number[] = [9600, 19200, 38400, 57600, 115200, 230400, 460800];
