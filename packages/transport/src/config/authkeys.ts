import { openSync, fstatSync, readFileSync, closeSync } from "node:fs";
import { HaCfError, found } from "./errors.js";

export type AuthMethod = "crc" | "md5" | "sha1";

export interface AuthKey {
  method: AuthMethod;
  /** The shared secret; empty for crc, which signs without one. */
  key: string;
  line: number;
}

/** A parsed authkeys file: the index used to sign outgoing packets and every key accepted inbound. */
export interface Authkeys {
  file: string;
  activeIndex: number;
  keys: Map<number, AuthKey>;
}

/** Heartbeat's MAXAUTH: key indexes run 0..15. */
const MAX_AUTH = 16;
const METHODS: readonly AuthMethod[] = ["crc", "md5", "sha1"];

/**
 * Parse authkeys text: `auth N` names the signing key, `N crc`, `N md5 KEY` and `N sha1 KEY`
 * declare keys. When `mode` (the file's st_mode) is given, a file readable by group or others
 * is refused, as Heartbeat refuses it.
 */
export function parseAuthkeys(text: string, file: string, mode?: number): Authkeys {
  if (mode !== undefined && (mode & 0o044) !== 0) {
    throw new HaCfError(
      file,
      0,
      `bad permissions on keyfile: expected mode 600 (no group or other read), found ${(mode & 0o777).toString(8).padStart(3, "0")}`,
    );
  }
  let active: { index: number; line: number } | undefined;
  const keys = new Map<number, AuthKey>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const body = lines[i].trim();
    // Only whole-line comments: a key may itself contain '#'.
    if (body === "" || body.startsWith("#")) continue;
    const words = body.split(/\s+/);
    if (words[0] === "auth") {
      if (words.length < 2 || !/^\d+$/.test(words[1])) {
        throw new HaCfError(file, line, `auth: expected a key index (auth N), found ${found(words[1])}`);
      }
      if (active) {
        throw new HaCfError(
          file,
          line,
          `auth: expected one auth line, found a second (first on line ${active.line})`,
        );
      }
      trailing(file, line, words, 2);
      active = { index: Number(words[1]), line };
      continue;
    }
    if (!/^\d+$/.test(words[0])) {
      throw new HaCfError(file, line, `expected "auth N" or "N METHOD [KEY]", found ${found(words[0])}`);
    }
    const index = Number(words[0]);
    if (index >= MAX_AUTH)
      throw new HaCfError(file, line, `expected a key index 0-${MAX_AUTH - 1}, found ${index}`);
    const method = (words[1] ?? "").toLowerCase() as AuthMethod;
    if (!METHODS.includes(method)) {
      throw new HaCfError(file, line, `expected an auth method (crc, md5 or sha1), found ${found(words[1])}`);
    }
    let key = "";
    if (method === "crc") trailing(file, line, words, 2);
    else {
      // The key is the third word taken literally (it may contain or start with '#'), as sscanf reads it.
      key = words[2] ?? "";
      if (key === "") throw new HaCfError(file, line, `${method}: expected a key, found nothing`);
      trailing(file, line, words, 3);
    }
    const prev = keys.get(index);
    if (prev)
      throw new HaCfError(
        file,
        line,
        `expected each key index once, found key ${index} again (first on line ${prev.line})`,
      );
    keys.set(index, { method, key, line });
  }
  if (!active) throw new HaCfError(file, 0, 'missing auth directive: expected a line "auth N"');
  if (!keys.has(active.index)) {
    throw new HaCfError(
      file,
      active.line,
      `auth ${active.index}: expected a key with index ${active.index}, found none in the file`,
    );
  }
  return { file, activeIndex: active.index, keys };
}

/** Words after the expected ones may only be a trailing comment. */
function trailing(file: string, line: number, words: string[], from: number): void {
  const extra = words[from];
  if (extra !== undefined && !extra.startsWith("#")) {
    throw new HaCfError(file, line, `expected end of line, found ${found(extra)}`);
  }
}

/** Read authkeys, checking its mode on the open file as Heartbeat does (fstat, not a racy stat). */
export function loadAuthkeys(path: string): Authkeys {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new HaCfError(path, 0, `cannot open keyfile: ${(e as Error).message}`);
  }
  try {
    const mode = fstatSync(fd).mode;
    return parseAuthkeys(readFileSync(fd, "utf8"), path, mode);
  } finally {
    closeSync(fd);
  }
}
