import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replace `path` with `text` so that a reader (or a crash) sees either the old file or the new
 * one, never a mix: write a temporary file beside it, fsync it, rename it over the target, then
 * fsync the directory so the rename itself is durable.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  renameSync(writeTemporary(path, text, mode), path);
  syncDirectory(dirname(path));
}

/** Write and fsync a temporary file beside `path`; the caller renames it into place. */
export function writeTemporary(path: string, text: string, mode = 0o600): string {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  return tmp;
}

export function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
