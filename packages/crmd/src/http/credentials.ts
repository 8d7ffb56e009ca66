/**
 * The status page's logins: HTTP Basic against `user:password` lines in the file ha.cf's
 * `http_auth` names. Kept like authkeys: a file readable by group or others is refused, since
 * whoever reads it can move every resource of the cluster.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { HaCfError } from "@hbx/transport";

export type UserName = string;

export interface Credentials {
  file: string;
  /** sha256 of each user's password: compared in constant time, never held as text. */
  users: ReadonlyMap<UserName, Buffer>;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Parse the credential file; `mode` (st_mode) is checked when given. Throws HaCfError(file, line). */
export function parseCredentials(text: string, file: string, mode?: number): Credentials {
  if (mode !== undefined && (mode & 0o077) !== 0) {
    const m = (mode & 0o777).toString(8).padStart(3, "0");
    throw new HaCfError(file, 0, `bad permissions on http_auth file: expected mode 600, found ${m}`);
  }
  const users = new Map<UserName, Buffer>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const at = line.indexOf(":");
    const user = at < 0 ? line : line.slice(0, at);
    if (at <= 0 || /\s/.test(user) || at === line.length - 1)
      throw new HaCfError(file, i + 1, `expected user:password, found ${JSON.stringify(line.slice(0, 40))}`);
    if (users.has(user)) throw new HaCfError(file, i + 1, `user ${JSON.stringify(user)} is listed twice`);
    users.set(user, digest(line.slice(at + 1)));
  });
  if (users.size === 0) throw new HaCfError(file, 0, "expected at least one user:password line, found none");
  return { file, users };
}

/** Read the credential file, checking the mode of the file actually opened (no stat/open race). */
export function loadCredentials(path: string): Credentials {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new HaCfError(path, 0, `cannot open http_auth file: ${(e as Error).message}`);
  }
  try {
    return parseCredentials(readFileSync(fd, "utf8"), path, fstatSync(fd).mode);
  } finally {
    closeSync(fd);
  }
}

const NOBODY = digest("");

/**
 * The user an `Authorization: Basic …` header proves, or undefined. An unknown user costs the
 * same comparison as a known one, so the answer time does not tell which names exist.
 */
export function authenticate(header: string | undefined, creds: Credentials): UserName | undefined {
  const m = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const at = decoded.indexOf(":");
  if (at <= 0) return undefined;
  const user = decoded.slice(0, at);
  const want = creds.users.get(user);
  const same = timingSafeEqual(digest(decoded.slice(at + 1)), want ?? NOBODY);
  return want !== undefined && same ? user : undefined;
}
