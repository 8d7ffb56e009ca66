import { type XmlElement } from "../xml/node.js";

/**
 * A CIB's version: `admin_epoch.epoch.num_updates`. admin_epoch is only ever raised by an
 * administrator, epoch by every configuration change, num_updates by every status change.
 */
export interface CibVersion {
  readonly adminEpoch: number;
  readonly epoch: number;
  readonly numUpdates: number;
}

/** A version attribute that is present but not a non-negative integer. */
export class CibVersionError extends Error {
  constructor(
    readonly attribute: string,
    readonly found: string,
  ) {
    super(`<cib ${attribute}="${found}">: expected a non-negative integer`);
    this.name = "CibVersionError";
  }
}

function readCounter(cib: XmlElement, attribute: string): number {
  const raw = cib.attrs[attribute];
  // Pacemaker treats a missing counter as 0 (old Heartbeat CIBs often lack num_updates).
  if (raw === undefined || raw.trim() === "") return 0;
  if (!/^\s*\d+\s*$/.test(raw)) throw new CibVersionError(attribute, raw);
  return Number.parseInt(raw, 10);
}

/** The version recorded on the `<cib>` root element. */
export function readVersion(cib: XmlElement): CibVersion {
  return {
    adminEpoch: readCounter(cib, "admin_epoch"),
    epoch: readCounter(cib, "epoch"),
    numUpdates: readCounter(cib, "num_updates"),
  };
}

/**
 * Pacemaker's ordering: admin_epoch first, then epoch, then num_updates.
 * Negative when `a` is older than `b`, 0 when equal, positive when `a` is newer.
 */
export function compareVersions(a: CibVersion, b: CibVersion): number {
  if (a.adminEpoch !== b.adminEpoch) return a.adminEpoch < b.adminEpoch ? -1 : 1;
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (a.numUpdates !== b.numUpdates) return a.numUpdates < b.numUpdates ? -1 : 1;
  return 0;
}

/** "admin_epoch.epoch.num_updates", as Pacemaker's tools print it (e.g. "0.12.3"). */
export function formatVersion(v: CibVersion): string {
  return `${v.adminEpoch}.${v.epoch}.${v.numUpdates}`;
}

/** Parse "0.12.3" back into a version; undefined when the text is not of that shape. */
export function parseVersion(text: string): CibVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  return { adminEpoch: Number(m[1]), epoch: Number(m[2]), numUpdates: Number(m[3]) };
}

/** Write a version onto the `<cib>` root, keeping the attributes' existing order. */
export function writeVersion(cib: XmlElement, v: CibVersion): void {
  cib.attrs.admin_epoch = String(v.adminEpoch);
  cib.attrs.epoch = String(v.epoch);
  cib.attrs.num_updates = String(v.numUpdates);
}

/**
 * A configuration change: epoch + 1 and num_updates back to 0, as Pacemaker does.
 * Updates the root in place and returns the new version.
 */
export function bumpEpoch(cib: XmlElement): CibVersion {
  const v = readVersion(cib);
  const next = { adminEpoch: v.adminEpoch, epoch: v.epoch + 1, numUpdates: 0 };
  writeVersion(cib, next);
  return next;
}

/** A status-only change: num_updates + 1. Updates the root in place and returns the new version. */
export function bumpNumUpdates(cib: XmlElement): CibVersion {
  const v = readVersion(cib);
  const next = { ...v, numUpdates: v.numUpdates + 1 };
  writeVersion(cib, next);
  return next;
}
