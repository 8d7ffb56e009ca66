import { type CibVersion, formatVersion } from "../version/version.js";

/** An update computed from a version older than the store's current one (a lost update, if taken). */
export class StaleUpdateError extends Error {
  constructor(
    readonly basedOn: CibVersion,
    readonly current: CibVersion,
  ) {
    super(
      `update based on CIB version ${formatVersion(basedOn)} refused: the current version ${formatVersion(current)} is newer ` +
        `(re-read the CIB and apply the change again, or force it)`,
    );
    this.name = "StaleUpdateError";
  }
}

/** The state directory cannot be used (damaged database, unreadable files). */
export class CibStoreError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "CibStoreError";
  }
}
