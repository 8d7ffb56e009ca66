import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Heartbeat's group for the users allowed to talk to the daemon. */
export const DEFAULT_SOCKET_GROUP = "haclient";

/**
 * A group's gid through the system's name service (`getent`, so LDAP/sssd groups count), falling
 * back to /etc/group where getent is missing; undefined when no such group exists.
 */
export function lookupGroupId(name: string): number | undefined {
  let line: string | undefined;
  try {
    line = execFileSync("getent", ["group", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch (e) {
    // Exit 2 is getent's "not found"; anything else (ENOENT) means getent itself is missing.
    if ((e as { status?: number }).status === 2) return undefined;
    line = readFileSync("/etc/group", "utf8")
      .split("\n")
      .find((l) => l.split(":")[0] === name);
  }
  const gid = Number(line?.trim().split(":")[2]);
  return line !== undefined && Number.isInteger(gid) ? gid : undefined;
}

/**
 * The gid the IPC socket gets: the named group (an error naming it if it does not exist), or
 * `haclient` when that group exists and this process may give a file to it (root, or a member),
 * or else the daemon's own group.
 */
export function resolveSocketGroup(name: string | undefined): { name: string; gid: number } {
  if (name !== undefined) {
    const gid = /^\d+$/.test(name) ? Number(name) : lookupGroupId(name);
    if (gid === undefined) throw new Error(`--socket-group ${name}: no such group`);
    return { name, gid };
  }
  const hac = lookupGroupId(DEFAULT_SOCKET_GROUP);
  const mayChown = (gid: number) => process.getuid?.() === 0 || (process.getgroups?.() ?? []).includes(gid);
  if (hac !== undefined && mayChown(hac)) return { name: DEFAULT_SOCKET_GROUP, gid: hac };
  const own = process.getgid?.() ?? 0;
  return { name: String(own), gid: own };
}
