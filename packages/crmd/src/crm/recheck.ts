/**
 * failure-timeout on the DC, as Pacemaker's controller does it: the policy engine ignores a
 * fail-count whose last failure is older than the resource's failure-timeout, the controller
 * deletes such expired counts, and it re-runs the scheduler when the earliest count expires
 * (bounded by cluster-recheck-interval) so a resource banned by its failures can come back.
 * Pure functions on a CIB; the DcLoop owns the timer.
 */
import {
  type XmlElement,
  childElements,
  clusterOption,
  firstChild,
  nvpairsOf,
  removeNvpairsWhere,
  transientAttributeSet,
} from "@hbx/cib";
import { parseInterval, unpackCluster } from "@hbx/pengine";

/** Pacemaker's default cluster-recheck-interval (15 minutes). */
export const DEFAULT_RECHECK_INTERVAL_MS = 15 * 60 * 1000;

/** cluster-recheck-interval from crm_config in ms (0 disables the periodic recheck). */
export function recheckIntervalMs(cib: XmlElement): number {
  const value = clusterOption(cib, "cluster-recheck-interval");
  return value === undefined ? DEFAULT_RECHECK_INTERVAL_MS : parseInterval(value);
}

/** One resource's failures on one node: the attribute names and when they expire (epoch ms). */
export interface FailureRecord {
  node: string;
  /** The resource id as the attributes name it (a clone instance keeps its ":N"). */
  rsc: string;
  names: string[];
  expiresAtMs: number;
}

const FAIL_ATTR = /^(fail-count|last-failure)-(.+?)(?:#.*)?$/;

/**
 * Every node's failures of resources with a failure-timeout, with the time they expire: the
 * resource's latest last-failure on that node plus its failure-timeout, as the policy engine
 * computes it (a resource blocked by its failure never expires, so it is left out).
 */
export function failuresWithTimeout(cib: XmlElement, now: Date): FailureRecord[] {
  const ws = unpackCluster(cib, { now });
  const status = firstChild(cib, "status");
  const out: FailureRecord[] = [];
  for (const ns of status ? childElements(status, "node_state") : []) {
    const set = transientAttributeSet(ns);
    if (!set) continue;
    const byRsc = new Map<string, { names: string[]; last: number; counted: boolean }>();
    for (const { nvpair: p } of nvpairsOf(set)) {
      const m = FAIL_ATTR.exec(p.attrs.name ?? "");
      if (!m) continue;
      const rec = byRsc.get(m[2]) ?? { names: [], last: 0, counted: false };
      rec.names.push(p.attrs.name!);
      if (m[1] === "last-failure") rec.last = Math.max(rec.last, Number(p.attrs.value) || 0);
      else rec.counted = true;
      byRsc.set(m[2], rec);
    }
    for (const [id, rec] of byRsc) {
      const rsc = ws.resourceById.get(id) ?? ws.resourceById.get(id.replace(/:\d+$/, ""));
      if (!rsc || rsc.failureTimeout <= 0 || rsc.blocked || !rec.counted || rec.last === 0) continue;
      out.push({
        node: ns.attrs.uname ?? ns.attrs.id ?? "",
        rsc: id,
        names: rec.names,
        expiresAtMs: (rec.last + rsc.failureTimeout) * 1000,
      });
    }
  }
  return out;
}

/**
 * Delete the expired fail-counts and last-failures (the controller's clear_failcount). Returns
 * what was deleted; the CIB is unchanged when nothing expired.
 */
export function clearExpiredFailures(cib: XmlElement, now: Date): FailureRecord[] {
  const expired = failuresWithTimeout(cib, now).filter((f) => f.expiresAtMs <= now.getTime());
  const status = firstChild(cib, "status");
  const byNode = new Map(
    (status ? childElements(status, "node_state") : []).map((ns) => [
      ns.attrs.uname ?? ns.attrs.id ?? "",
      ns,
    ]),
  );
  for (const f of expired) {
    const set = transientAttributeSet(byNode.get(f.node)!);
    if (!set) continue;
    const drop = new Set(f.names);
    removeNvpairsWhere(set, (name) => drop.has(name));
  }
  return expired;
}

/**
 * How long until the DC should schedule again by itself: until the earliest failure expires,
 * at most cluster-recheck-interval; undefined when there is nothing to wait for.
 */
export function nextRecheckDelayMs(cib: XmlElement, now: Date): number | undefined {
  let delay: number | undefined;
  for (const f of failuresWithTimeout(cib, now)) {
    const d = Math.max(0, f.expiresAtMs - now.getTime());
    if (delay === undefined || d < delay) delay = d;
  }
  const interval = recheckIntervalMs(cib);
  if (interval > 0 && (delay === undefined || interval < delay)) delay = interval;
  return delay;
}
