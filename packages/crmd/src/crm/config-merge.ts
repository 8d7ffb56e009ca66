/**
 * Which configuration a DC keeps when nodes join it, and taking another node's configuration.
 *
 * Pacemaker's DC, while it finalizes a join, syncs the CIB from the member with the highest
 * version (`do_dc_join_finalize` asks `max_generation_from`), so a merge keeps the newest
 * configuration whoever stays DC. hbx refuses configuration writes in a partition without
 * quorum, and acknowledges one only once a majority holds it: the side whose configuration
 * version is higher is the side that wrote with quorum after the split. A minority's counter
 * runs ahead only in num_updates (status), which is why only (admin_epoch, epoch) is compared.
 *
 * An equal version is not enough to order two configurations: a DC cut off within its deadtime
 * stores writes it can no longer get acknowledged, while the majority's new DC writes others
 * under the same version numbers. So every DC that gains a quorate membership takes a new term
 * (one above the highest any member reports, as a raft leader does) and records it in the
 * configuration (`hbx-dc-term` in crm_config, set by the DC as Pacemaker's DC sets
 * `dc-version`): configurations compare by (admin_epoch, term, epoch), so what a deposed DC
 * wrote after the majority moved on loses to what the majority wrote. (A new DC picks its
 * term from the members it hears; if none of them ever held the deposed DC's term, both terms
 * can be equal and epoch decides: that DC's term write did not reach a majority, and neither
 * did any write of its, so nothing acknowledged is at stake but its own unacknowledged ones.)
 *
 * Only the `<configuration>` section moves: the status a node holds of other nodes is stale
 * after a partition, and each member's own LRM report at join is the truth for its history
 * (join.ts). The DC's own `<cib>` attributes (have-quorum, dc-uuid) stay its own.
 */
import {
  type CibVersion,
  type XmlElement,
  childElements,
  cloneElement,
  configurationDigest,
  element,
  firstChild,
  formatVersion,
  readVersion,
  writeVersion,
} from "@hbx/cib";

/** The DC term a configuration was written in (0: none recorded). */
export type DcTerm = number;

export const TERM_SET_ID = "hbx-dc-term";
export const TERM_OPTION = "hbx-dc-term";

/** The term recorded in a CIB's crm_config (0 when there is none or it is not a count). */
export function readTerm(cib: XmlElement): DcTerm {
  const set = termSet(cib);
  const nv = set && childElements(set, "nvpair").find((n) => n.attrs.name === TERM_OPTION);
  const n = Number(nv?.attrs.value);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Record `term` in the CIB's crm_config (a set of its own, which only the DC writes). */
export function writeTerm(cib: XmlElement, term: DcTerm): void {
  const configuration = firstChild(cib, "configuration");
  if (!configuration) return;
  let crmConfig = firstChild(configuration, "crm_config");
  if (!crmConfig) {
    crmConfig = element("crm_config", {});
    configuration.children.unshift(crmConfig);
  }
  let set = termSet(cib);
  if (!set) {
    set = element("cluster_property_set", { id: TERM_SET_ID });
    crmConfig.children.push(set);
  }
  set.children = [element("nvpair", { id: `${TERM_SET_ID}-value`, name: TERM_OPTION, value: String(term) })];
}

function termSet(cib: XmlElement): XmlElement | undefined {
  const crmConfig = firstChild(firstChild(cib, "configuration") ?? element("x", {}), "crm_config");
  return (
    crmConfig && childElements(crmConfig, "cluster_property_set").find((s) => s.attrs.id === TERM_SET_ID)
  );
}

/** A node's configuration as it reports it at join: its CIB version, term and configuration digest. */
export interface ConfigReport {
  version: CibVersion;
  term: DcTerm;
  digest: string;
}

export function configReport(cib: XmlElement): ConfigReport {
  return { version: readVersion(cib), term: readTerm(cib), digest: configurationDigest(cib) };
}

/** admin_epoch (an administrator's override), then the DC term, then epoch; never num_updates. */
export function compareConfig(a: ConfigReport, b: ConfigReport): number {
  return a.version.adminEpoch - b.version.adminEpoch || a.term - b.term || a.version.epoch - b.version.epoch;
}

/**
 * `a` was written in an older DC term than `b` (admin_epoch first, as in compareConfig): a node
 * holding `b` never takes `a` over it.
 */
export function olderTerm(a: ConfigReport, b: ConfigReport): boolean {
  return (a.version.adminEpoch - b.version.adminEpoch || a.term - b.term) < 0;
}

/**
 * The joining node whose configuration is newer than `own` (the highest; on a tie, the first
 * name by strcmp so every DC picks the same), or undefined when the DC's own is the newest.
 * An equal version with another digest (a forced write on both sides) keeps the DC's: the
 * caller logs it.
 */
export function newerConfigSource(
  own: ConfigReport,
  reports: ReadonlyMap<string, ConfigReport>,
): { node: string; report: ConfigReport } | undefined {
  let best: { node: string; report: ConfigReport } | undefined;
  for (const node of [...reports.keys()].sort()) {
    const report = reports.get(node)!;
    if (compareConfig(report, own) <= 0) continue;
    if (!best || compareConfig(report, best.report) > 0) best = { node, report };
  }
  return best;
}

/** Joining nodes whose configuration has the DC's version but other content. */
export function divergentConfigs(own: ConfigReport, reports: ReadonlyMap<string, ConfigReport>): string[] {
  return [...reports.keys()].sort().filter((n) => {
    const r = reports.get(n)!;
    return compareConfig(r, own) === 0 && r.digest !== own.digest;
  });
}

/**
 * `doc` (the DC's draft) with `source`'s configuration section. Versions only grow: the
 * source's epoch when it is higher, else one above the DC's (a newer term can come with a
 * lower epoch); num_updates goes on from the higher of the two.
 */
export function adoptConfiguration(doc: XmlElement, source: XmlElement): void {
  const theirs = firstChild(source, "configuration");
  if (!theirs) throw new Error("CIB without a <configuration> section");
  const at = doc.children.findIndex((c) => c.kind === "element" && c.name === "configuration");
  if (at < 0) doc.children.unshift(cloneElement(theirs));
  else doc.children[at] = cloneElement(theirs);
  const mine = readVersion(doc);
  const v = readVersion(source);
  const ahead = v.adminEpoch - mine.adminEpoch || v.epoch - mine.epoch;
  writeVersion(doc, {
    adminEpoch: Math.max(v.adminEpoch, mine.adminEpoch),
    epoch: ahead > 0 ? v.epoch : mine.epoch + 1,
    numUpdates: Math.max(mine.numUpdates, v.numUpdates) + 1,
  });
}

export function describeConfig(r: ConfigReport): string {
  return `${formatVersion(r.version)} (term ${r.term}, configuration digest ${r.digest})`;
}

/**
 * A client's write keeps the DC's term as it is (only the DC writes it, as it owns
 * have-quorum): a replace read before a new term, or an edit of the set, changes nothing there.
 */
export function keepTerm(next: XmlElement, current: XmlElement): void {
  const term = readTerm(current);
  if (readTerm(next) === term && (term > 0 || !termSet(next))) return;
  if (term > 0) return writeTerm(next, term);
  const crmConfig = firstChild(firstChild(next, "configuration")!, "crm_config")!;
  crmConfig.children = crmConfig.children.filter(
    (c) => !(c.kind === "element" && c.name === "cluster_property_set" && c.attrs.id === TERM_SET_ID),
  );
}
