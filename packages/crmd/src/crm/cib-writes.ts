/**
 * How the DC takes a client's CIB write: a patch is applied to the DC's current document in
 * arrival order, a whole replace is a compare-and-swap on the configuration version, and either
 * keeps what only the DC may set (`<cib>`'s own attributes and the status section). Pure
 * functions: mode.ts stores, broadcasts and reschedules what they return.
 */
import type { MembershipView } from "@hbx/ccm";
import {
  CibPatchError,
  CibVersionError,
  type XmlElement,
  type XmlNode,
  applyPatchChanges,
  cloneElement,
  element,
  firstChild,
  formatVersion,
  patchChanges,
  readVersion,
  serializeXml,
} from "@hbx/cib";
import { effectiveQuorum, noQuorumPolicy } from "./status.js";

/** Why the DC refused a write; the IPC client turns each into Pacemaker's exit code. */
export type CibWriteRefusal = "old" | "conflict" | "quorum" | "status" | "invalid";

export class CibWriteError extends Error {
  constructor(
    readonly reason: CibWriteRefusal,
    message: string,
    /** The element a conflicting change named. */
    readonly xpath?: string,
  ) {
    super(message);
    this.name = "CibWriteError";
  }
}

/**
 * `<cib>` attributes the DC sets and a client never does: the quorum and DC the membership
 * decided, the status counter, the time of the last write, the feature set the DC speaks (a
 * client's could claim features no member has), and who wrote last.
 */
export const DC_OWNED_ATTRS = [
  "have-quorum",
  "dc-uuid",
  "num_updates",
  "cib-last-written",
  "crm_feature_set",
  "update-origin",
  "update-client",
  "update-user",
] as const;

function section(cib: XmlElement, name: string): string {
  const el = firstChild(cib, name);
  return el ? serializeXml(el, { pretty: false }) : "";
}

/** `next` with the DC's values of the attributes it owns (and `extra` ones), absent where the DC has none. */
function keepDcAttrs(next: XmlElement, current: XmlElement, extra: readonly string[] = []): void {
  for (const name of [...DC_OWNED_ATTRS, ...extra]) {
    const v = current.attrs[name];
    if (v === undefined) delete next.attrs[name];
    else next.attrs[name] = v;
  }
}

/** `next` with the DC's status section in place of whatever the client had. */
function keepDcStatus(next: XmlElement, current: XmlElement): void {
  const status = firstChild(current, "status");
  next.children = next.children.filter((c) => !(c.kind === "element" && c.name === "status"));
  if (status) next.children.push(cloneElement(status));
}

/**
 * A client's format-2 patch applied to the DC's current document. The patch was made from the
 * version the client read; it applies to a newer one as long as every change does (concurrent
 * writers of different attributes both land). A change whose element is gone, or whose parent
 * is, or that would create an id that is already there with other content, refuses the whole
 * patch (nothing changed). Changes to the status section are refused (the status is the DC's); changes to the
 * version counters or the DC's `<cib>` attributes are dropped: the DC counts versions itself,
 * except that a raised admin_epoch (cibadmin --upgrade) is taken with the epoch it comes with.
 */
export function applyClientPatch(current: XmlElement, patch: XmlElement): XmlElement {
  let next: XmlElement;
  try {
    const changes = patchChanges(patch);
    next = applyOutsideStatus(current, changes) ?? applyPatchChanges(current, changes);
  } catch (e) {
    if (!(e instanceof CibPatchError)) throw e;
    if (e.operation === "patch") throw new CibWriteError("invalid", `cib.patch: ${e.why}`);
    throw new CibWriteError(
      "conflict",
      `patch conflicts with the current CIB ${formatVersion(readVersion(current))}: ${e.message} (changed by another write since this one was made); nothing was changed`,
      e.xpath,
    );
  }
  if (
    firstChild(next, "status") !== firstChild(current, "status") &&
    section(next, "status") !== section(current, "status")
  )
    throw new CibWriteError(
      "status",
      "cib.patch changes the status section, which only the DC writes (node attributes: crm_attribute -l reboot; resource history: crm_resource -C); nothing was changed",
    );
  // admin_epoch raised on purpose (cibadmin --upgrade) starts a new count, as in a replace;
  // otherwise the DC counts the versions.
  const raised = Number(next.attrs.admin_epoch ?? "0") > Number(current.attrs.admin_epoch ?? "0");
  keepDcAttrs(next, current, raised ? [] : ["admin_epoch", "epoch"]);
  if (raised) next.attrs.num_updates = "0";
  return next;
}

const isStatus = (c: XmlNode): c is XmlElement => c.kind === "element" && c.name === "status";

/**
 * `changes` applied with `current`'s status section set aside and then put back as it is (the
 * same element, `current` being the caller's to give away), or undefined when they might
 * concern the status. The status is most of a running cluster's CIB (every operation result):
 * copying it for each patch, and serializing it twice to see that the patch left it alone,
 * made a batch of configuration writes cost its size times the batch. A change whose path
 * names no status element cannot reach one that is not there: it either applies to the rest
 * alike, or fails here and is retried on the whole document for the answer it always had.
 */
function applyOutsideStatus(current: XmlElement, changes: readonly XmlElement[]): XmlElement | undefined {
  if (changes.some((c) => (c.attrs.path ?? "").includes("status"))) return undefined;
  const at = current.children.findIndex(isStatus);
  if (at < 0) return undefined;
  const children = [...current.children];
  children[at] = element("status");
  let next: XmlElement;
  try {
    next = applyPatchChanges({ ...current, children }, changes);
  } catch (e) {
    if (e instanceof CibPatchError) return undefined;
    throw e;
  }
  // A change that made or touched a status element of its own (a second <status>, its
  // attributes) is judged on the whole document instead.
  const statuses = next.children.filter(isStatus);
  const stand = statuses[0];
  if (statuses.length !== 1 || stand.children.length > 0 || Object.keys(stand.attrs).length > 0)
    return undefined;
  next.children[next.children.indexOf(stand)] = current.children[at];
  return next;
}

/**
 * A whole-CIB replace as a compare-and-swap on the configuration version (admin_epoch, epoch).
 * Older than the DC's: refused (someone changed the configuration since it was read) unless
 * forced. Equal: the CAS match, taken; the store then raises epoch for the changed
 * configuration, so a second replace made from the same read is older and refused. Refusing an
 * equal version instead would break `cibadmin -Q > f; edit f; cibadmin -R -x f`, whose file
 * carries exactly the version it read. Newer: taken with its version (an administrator raised
 * admin_epoch or epoch on purpose).
 *
 * num_updates is not compared: the DC raises it for every status change (an operation result,
 * a fail-count), none of which a replace can lose since the status stays the DC's; and every
 * configuration change, by the DC or any client, raises epoch. So (admin_epoch, epoch) equal
 * means the configuration is the one the client read, which is what the swap must know.
 */
export function checkReplace(current: XmlElement, incoming: XmlElement, force: boolean): XmlElement {
  if (incoming.name !== "cib")
    throw new CibWriteError(
      "invalid",
      `cib.replace needs a whole <cib> document, found <${incoming.name}> (replace a section with cibadmin -R -o <section>); nothing was changed`,
    );
  let offered;
  try {
    offered = readVersion(incoming);
  } catch (e) {
    if (e instanceof CibVersionError) throw new CibWriteError("invalid", `cib.replace: ${e.message}`);
    throw e;
  }
  const have = readVersion(current);
  const order = offered.adminEpoch - have.adminEpoch || offered.epoch - have.epoch;
  const next = cloneElement(incoming);
  if (order < 0) {
    if (!force)
      throw new CibWriteError(
        "old",
        `Update was older than existing configuration: the replacement is ${offered.adminEpoch}.${offered.epoch} but the configuration is at ${have.adminEpoch}.${have.epoch} (changed since it was read), so it was refused; query it again (cibadmin -Q), re-apply the edit and replace with that, or --force to overwrite the newer configuration`,
      );
    // Forced: the versions still only grow; the store raises epoch from the current one.
    next.attrs.admin_epoch = String(have.adminEpoch);
    next.attrs.epoch = String(have.epoch);
  }
  keepDcAttrs(next, current);
  if (order > 0) next.attrs.num_updates = "0";
  keepDcStatus(next, current);
  return next;
}

/** Why a client write is refused on this DC for want of quorum, or undefined when it may go ahead. */
export function quorumRefusal(
  current: XmlElement,
  view: MembershipView,
  force: boolean,
): CibWriteError | undefined {
  if (force || effectiveQuorum(current, view) || noQuorumPolicy(current) === "ignore") return undefined;
  return new CibWriteError(
    "quorum",
    `cluster partition has no quorum: write refused (members: ${view.members.join(" ") || "none"}); --force writes anyway, at the risk that the write is discarded when the partition heals, or that this side's CIB overrides what the quorate side changed meanwhile`,
  );
}
