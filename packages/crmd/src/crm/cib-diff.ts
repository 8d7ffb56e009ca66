/**
 * CIB versions replicated as differences: the DC sends each new version to the members as a
 * format-2 patchset (Pacemaker's own replication format, the one `crm_diff` prints and
 * `cibadmin -P` applies), carrying the version it applies to (`<version><source>`), the version
 * it makes (`<target>`) and the whole-CIB digest after it (`digest` on `<diff>`, as Pacemaker's
 * patchsets carry since feature set 3.0.5). A member applies it only to exactly the source
 * version and keeps the result only if the digest matches; otherwise it asks for the whole CIB.
 * An operation result then costs a patch of a few hundred bytes on the bus, not the whole CIB.
 */
import {
  type CibVersion,
  TRUSTED_XML_LIMITS,
  type XmlElement,
  applyPatchChanges,
  cibDigest,
  compareVersions,
  firstChild,
  formatVersion,
  makePatch,
  parseXml,
  patchChanges,
  serializeXml,
} from "@hbx/cib";

/** A version as the DC sends it: a patch from what the members hold, or the whole CIB. */
export type VersionPayload = { kind: "diff"; xml: string } | { kind: "full"; xml: string };

/**
 * What goes to the members for `after`, given the version they were last sent (`before`): a
 * patch, unless there is no earlier version to diff against or the patch is not smaller.
 */
export function versionPayload(before: XmlElement | undefined, after: XmlElement): VersionPayload {
  if (!before) return { kind: "full", xml: serializeXml(after) };
  const diff = makePatch(before, after);
  diff.attrs.digest = cibDigest(after);
  const xml = serializeXml(diff);
  if (xml.length < 64 * 1024) return { kind: "diff", xml };
  // A patch the size of the CIB (a replace of everything) saves nothing and costs an apply.
  const whole = serializeXml(after);
  return xml.length * 2 < whole.length ? { kind: "diff", xml } : { kind: "full", xml: whole };
}

/** Reading a patchset: its versions, its digest, its changes. */
export interface CibDiff {
  source: CibVersion;
  target: CibVersion;
  digest: string;
  changes: XmlElement[];
}

function counters(el: XmlElement | undefined, what: string): CibVersion {
  if (!el) throw new Error(`CIB patchset without <version><${what}>`);
  const n = (a: string) => {
    const v = Number(el.attrs[a] ?? "0");
    if (!Number.isSafeInteger(v) || v < 0)
      throw new Error(`CIB patchset <${what}> ${a}="${el.attrs[a]}" is not a count`);
    return v;
  };
  return { adminEpoch: n("admin_epoch"), epoch: n("epoch"), numUpdates: n("num_updates") };
}

export function readDiff(xml: string, from: string): CibDiff {
  const diff = parseXml(xml, `CIB patchset from ${from}`, TRUSTED_XML_LIMITS);
  const changes = patchChanges(diff);
  const version = firstChild(diff, "version");
  const digest = diff.attrs.digest;
  if (!digest) throw new Error(`CIB patchset from ${from} has no digest`);
  return {
    source: counters(version && firstChild(version, "source"), "source"),
    target: counters(version && firstChild(version, "target"), "target"),
    digest,
    changes,
  };
}

/** What a member does with a patchset, given what it holds. */
export type DiffOutcome =
  | { kind: "applied"; doc: XmlElement }
  /** It already holds the target (a duplicate): nothing to do. */
  | { kind: "held" }
  /**
   * It holds a newer version (its counter ran ahead in a partition): it does not hold the
   * target, and must not say so; the DC's join push settles it.
   */
  | { kind: "ahead" }
  /** It cannot apply it (another base, a change that does not apply, a digest that differs). */
  | { kind: "need-full"; why: string };

export function applyDiff(current: XmlElement, currentVersion: CibVersion, diff: CibDiff): DiffOutcome {
  const cmp = compareVersions(diff.target, currentVersion);
  if (cmp < 0) return { kind: "ahead" };
  if (cmp === 0)
    return cibDigest(current) === diff.digest
      ? { kind: "held" }
      : { kind: "need-full", why: `holds ${formatVersion(currentVersion)} with another digest` };
  if (compareVersions(diff.source, currentVersion) !== 0)
    return {
      kind: "need-full",
      why: `the patch applies to ${formatVersion(diff.source)}, this node holds ${formatVersion(currentVersion)}`,
    };
  let doc: XmlElement;
  try {
    doc = applyPatchChanges(current, diff.changes);
  } catch (e) {
    return { kind: "need-full", why: `the patch does not apply: ${(e as Error).message}` };
  }
  const digest = cibDigest(doc);
  if (digest !== diff.digest)
    return { kind: "need-full", why: `digest after the patch is ${digest}, the DC's is ${diff.digest}` };
  return { kind: "applied", doc };
}
