import { hostname } from "node:os";
import { resolveSocketPath } from "../ipc/protocol.js";

export interface HbxdOptions {
  haDir: string;
  node: string;
  stateDir: string;
  bind?: string;
  socket: string;
}

export class UsageError extends Error {}

export const USAGE =
  "usage: hbxd [--ha-dir DIR] [--node NAME] [--state-dir DIR] [--bind ADDR] [--socket PATH]";

/** Parse hbxd's flags; the node name defaults to `uname -n`, lower-cased as Heartbeat does. */
export function parseHbxdArgs(argv: string[], env: Record<string, string | undefined>): HbxdOptions {
  const flags: Record<string, string> = {};
  const known = new Set(["--ha-dir", "--node", "--state-dir", "--bind", "--socket"]);
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (!known.has(a)) throw new UsageError(`unknown option ${a}`);
    v ??= argv[++i];
    if (v === undefined || v === "") throw new UsageError(`${a} needs a value`);
    flags[a] = v;
  }
  return {
    haDir: flags["--ha-dir"] ?? "/etc/ha.d",
    node: (flags["--node"] ?? hostname()).toLowerCase(),
    stateDir: flags["--state-dir"] ?? "/var/lib/hbx",
    bind: flags["--bind"],
    socket: resolveSocketPath(flags["--socket"], env),
  };
}
