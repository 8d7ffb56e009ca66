import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";

/**
 * A file's text, as readFileSync(path, "utf8") gives it. CIBs are nearly always plain ASCII, and
 * for those a byte-for-byte copy is the same string as a UTF-8 decode; on a 40 MB running CIB it
 * saves ~40 ms.
 */
export function readText(path: string | number): string {
  const bytes = readFileSync(path);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}
