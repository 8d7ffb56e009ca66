import { createRequire } from "node:module";
import { hostname } from "node:os";
import { join } from "node:path";
import { resolveSocketPath } from "../ipc/protocol.js";

export interface HbxdOptions {
  haDir: string;
  node: string;
  stateDir: string;
  bind?: string;
  socket: string;
  /** The lock that keeps a second hbxd off this state directory: <state-dir>/hbxd.pid by default. */
  pidfile?: string;
  /** The socket's group (Heartbeat's `haclient`); undefined: haclient if it exists, else ours. */
  socketGroup?: string;
}

/** What the command line asks for: run the daemon, or only answer --help / --version. */
export type HbxdCommand = { kind: "run"; options: HbxdOptions } | { kind: "help" } | { kind: "version" };

export class UsageError extends Error {}

interface OptionRow {
  long: string;
  short?: string;
  arg?: string;
  help: string;
}

/** One table for parsing and for --help, so the two cannot drift. */
const OPTIONS: readonly OptionRow[] = [
  { long: "--help", short: "-?", help: "Show help options" },
  { long: "--version", short: "-$", help: "Display software version and exit" },
  { long: "--ha-dir", arg: "DIR", help: "Directory of ha.cf, authkeys and haresources (default /etc/ha.d)" },
  { long: "--node", arg: "NAME", help: "This node's name (default: uname -n, lower-cased)" },
  { long: "--state-dir", arg: "DIR", help: "State directory, kept 0750 (default /var/lib/hbx)" },
  { long: "--bind", arg: "ADDR", help: "Local address the heartbeat media bind to" },
  {
    long: "--socket",
    arg: "PATH",
    help: "IPC socket for the tools (default $HBX_SOCKET or /run/hbx/hbxd.sock)",
  },
  {
    long: "--socket-group",
    arg: "NAME",
    help: "Group of the 0660 IPC socket (default haclient if it exists)",
  },
  { long: "--pidfile", arg: "PATH", help: "Lock against a second hbxd (default <state-dir>/hbxd.pid)" },
];

export const USAGE = `usage: hbxd ${OPTIONS.filter((o) => o.arg)
  .map((o) => `[${o.long} ${o.arg}]`)
  .join(" ")}`;

/** Pacemaker's daemons' --help shape: Usage, then the help and application option groups. */
export function helpText(): string {
  const row = (o: OptionRow) => {
    const names = `${o.short ? `${o.short}, ` : ""}${o.long}${o.arg ? `=${o.arg}` : ""}`;
    return `  ${names.padEnd(30)}${o.help}\n`;
  };
  const help = OPTIONS.filter((o) => o.long === "--help");
  const app = OPTIONS.filter((o) => o.long !== "--help");
  return (
    "Usage:\n  hbxd [OPTION?]\n\nhbx node daemon: heartbeat, membership, CIB, resource manager\n\n" +
    `Help Options:\n${help.map(row).join("")}\nApplication Options:\n${app.map(row).join("")}`
  );
}

/** `hbxd <version>`, the version of the package that holds the daemon. */
export function versionText(): string {
  // src/hbxd and dist/hbxd are both two levels below the package root.
  const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
  return `hbxd ${pkg.version}\nWritten by the hbx project contributors\n`;
}

/** Parse hbxd's flags; the node name defaults to `uname -n`, lower-cased as Heartbeat does. */
export function parseHbxdCommand(argv: string[], env: Record<string, string | undefined>): HbxdCommand {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const opt = OPTIONS.find((o) => o.long === a || o.short === a || (a === "-h" && o.long === "--help"));
    if (!opt) throw new UsageError(`unknown option ${a}`);
    if (!opt.arg) {
      if (v !== undefined) throw new UsageError(`${opt.long} takes no value`);
      return opt.long === "--help" ? { kind: "help" } : { kind: "version" };
    }
    v ??= argv[++i];
    if (v === undefined || v === "") throw new UsageError(`${a} needs a value`);
    flags[opt.long] = v;
  }
  const stateDir = flags["--state-dir"] ?? "/var/lib/hbx";
  return {
    kind: "run",
    options: {
      haDir: flags["--ha-dir"] ?? "/etc/ha.d",
      node: (flags["--node"] ?? hostname()).toLowerCase(),
      stateDir,
      bind: flags["--bind"],
      socket: resolveSocketPath(flags["--socket"], env),
      pidfile: flags["--pidfile"] ?? join(stateDir, "hbxd.pid"),
      socketGroup: flags["--socket-group"],
    },
  };
}

/** The daemon's options; --help and --version are a usage error here (callers that run it). */
export function parseHbxdArgs(argv: string[], env: Record<string, string | undefined>): HbxdOptions {
  const cmd = parseHbxdCommand(argv, env);
  if (cmd.kind !== "run") throw new UsageError(`--${cmd.kind} does not start the daemon`);
  return cmd.options;
}
