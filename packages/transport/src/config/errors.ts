/**
 * An error in one of the Heartbeat v1 configuration files (ha.cf, authkeys, haresources).
 * `message` is the one line a sysadmin acts on: `file:line: what was expected, what was found`;
 * `reason` is the same without the place, for callers that print the place themselves.
 */
export class HaCfError extends Error {
  override readonly name = "HaCfError";
  constructor(
    readonly file: string,
    /** 1-based line number; 0 when the problem is with the file as a whole (e.g. its mode). */
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
  }
}

/** Something Heartbeat would log as a warning and then carry on. */
export interface HaCfWarning {
  file: string;
  line: number;
  message: string;
}

/** Quote a found value the way every message here does, so empty and spaced values stay visible. */
export function found(value: string | undefined): string {
  return value === undefined || value === "" ? "nothing" : JSON.stringify(value);
}
