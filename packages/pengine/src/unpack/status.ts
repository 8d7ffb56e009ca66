import { INFINITY, MINUS_INFINITY, type NodeStateRecord } from "@hbx/cib";
import { type ClusterNode, type Resource, Role, type WorkingSet } from "../types.js";
import { blankResource } from "./resources.js";
import { onFailFor, replayHistory } from "./history.js";
import { parseInterval } from "./rules.js";
import { variants } from "../variants/registry.js";
import { findHistoryResource } from "./clone-instances.js";
import {
  activeOnOfflineNode,
  awaitReconnect,
  connectionUnrecoverable,
  orphanedConnection,
  unpackRemoteStates,
} from "./remote.js";
import { applyMigrationHistory } from "./migration.js";
import { failCountCleared } from "./digests.js";
import { launcherOf, restartLauncherFor } from "../constraints/launcher.js";

/**
 * Replay every node's operation history onto the resources: where each runs, in which role,
 * what failed and how the failure is to be handled; and read fail-counts.
 */
export function unpackStatus(states: NodeStateRecord[], ws: WorkingSet): void {
  const pendingBans: Array<{ rsc: Resource; node: ClusterNode; source: string }> = [];
  const unpackHistory = (st: NodeStateRecord, node: ClusterNode): void => {
    for (const h of st.resources) {
      let rsc = findHistoryResource(h.id, ws, node);
      if (!rsc) {
        rsc = blankResource(h.id, ws);
        rsc.variant = variants.primitive!;
        rsc.orphan = true;
        rsc.cls = h.class;
        rsc.provider = h.provider;
        rsc.type = h.type;
        // An orphan launched by another resource stays tied to it (Pacemaker's
        // handle_removed_launched_resources): an orphaned guest connection still makes a guest node.
        if (h.container !== undefined) rsc.meta.set("container", h.container);
        if (ws.options.stopOrphanResources) rsc.targetRole = Role.Stopped;
        else rsc.managed = false;
        ws.resources.push(rsc);
        ws.resourceById.set(rsc.id, rsc);
        orphanedConnection(rsc, ws);
      }
      rsc.history.set(node.name, h.ops);
      const same = (a?: string, b?: string): boolean => (a ?? "") === (b ?? "");
      if (!same(h.class, rsc.cls) || !same(h.provider, rsc.provider) || !same(h.type, rsc.type))
        (rsc.agentChanged ??= new Set()).add(node.name);
      rsc.probed.add(node.name);
      const promotable = isPromotable(rsc);
      const r = replayHistory(rsc, node, h.ops, ws, promotable);
      awaitReconnect(rsc, r.onFail);
      if (r.unrecoverable) {
        rsc.managed = false;
        rsc.blocked = true;
      }
      for (const b of r.bans) pendingBans.push({ rsc, node, source: b });
      if (r.role > Role.Stopped) {
        rsc.runningOn.push(node);
        activeOnOfflineNode(rsc, node, ws);
        if (r.role > rsc.role) rsc.role = r.role;
        if (r.pending) rsc.pendingNode = node;
        if (node.maintenance) {
          rsc.managed = false;
          rsc.maintenance = true;
        }
      }
      // A failure on a node that will be fenced needs no handling of its own: fencing recovers
      // the resource, which may then start elsewhere (Pacemaker treats it as on-fail=ignore).
      if (r.failed && !node.unclean) {
        // A launched resource's failure under the default on-fail (restart) restarts its launcher
        // too; an on-fail configured as restart explicitly is read the same way here.
        if (r.onFail === "restart" && restartLauncherFor(rsc, node)) {
          rsc.failed = true;
          continue;
        }
        switch (r.onFail) {
          case "fence":
            if (!node.unclean) {
              node.unclean = true;
              node.fenceReason = `${rsc.id} failed there`;
            }
            rsc.failed = true;
            break;
          case "standby":
            node.standby = true;
            node.standbyOnFail = true;
            rsc.failed = true;
            break;
          case "block":
            rsc.blocked = true;
            rsc.managed = false;
            rsc.failed = true;
            break;
          case "stop":
            rsc.targetRole = Role.Stopped;
            rsc.failed = true;
            break;
          case "reset_remote":
            rsc.failed = true;
            connectionUnrecoverable(rsc, ws);
            break;
          default:
            rsc.failed = true;
        }
      }
    }
  };
  const nodeOf = (st: NodeStateRecord): ClusterNode | undefined =>
    ws.nodeById.get(st.id) ?? (st.uname ? ws.nodeByName.get(st.uname) : undefined);
  for (const st of states) {
    const node = nodeOf(st);
    if (!node || node.remoteRsc) continue;
    // With fencing, an offline node's history is read too, in document order like the others,
    // so a resource still active there is seen: the node is fenced, or left alone in maintenance.
    // So is it with shutdown locks, which an offline node's history records (unpack_status).
    if (node.online || ws.options.stonithEnabled || ws.options.shutdownLock) unpackHistory(st, node);
  }
  // Remote nodes after every cluster node: an orphaned connection in a cluster node's history
  // makes its node only then.
  unpackRemoteStates(
    states.filter((st) => nodeOf(st)?.remoteRsc !== undefined),
    ws,
    unpackHistory,
  );
  applyMigrationHistory(ws);
  for (const b of pendingBans) b.rsc.variant.addScore(b.rsc, b.node, MINUS_INFINITY, b.source, ws);
  readFailCounts(states, ws);
  // runningOn keeps the order the histories were read in (status section order): Pacemaker takes
  // the first as where a multiply active resource is now.
  for (const rsc of ws.resourceById.values()) {
    if (rsc.runningOn.length > 0 && rsc.role <= Role.Stopped) rsc.role = Role.Started;
    if (rsc.runningOn.length > 1 && rsc.children.length === 0) {
      const policy = rsc.multipleActive;
      if (policy === "block") {
        rsc.blocked = true;
        rsc.managed = false;
      } else if (policy === "stop_only") rsc.stopOnly = true;
    }
  }
}

function isPromotable(rsc: Resource): boolean {
  for (let p = rsc.parent; p; p = p.parent) if (p.meta.get("promotable") === "true") return true;
  return false;
}

/**
 * Fail-counts from transient attributes (`fail-count-RSC` and `fail-count-RSC#op_interval`),
 * expired by failure-timeout, turned into scores: bans at migration-threshold and Heartbeat v2's
 * failcount × resource-failure-stickiness.
 */
function readFailCounts(states: NodeStateRecord[], ws: WorkingSet): void {
  const now = ws.now.getTime() / 1000;
  for (const node of ws.nodes) {
    const counts = new Map<string, number>();
    const last = new Map<string, number>();
    for (const [k, v] of node.attrs) {
      let m = /^fail-count-(.+?)(?:#(.*))?$/.exec(k);
      if (m && m[2] && ignoredFailures(m[1], m[2], ws)) continue;
      if (m) {
        const n = v.toUpperCase().includes("INFINITY") ? INFINITY : Number(v) || 0;
        counts.set(m[1], Math.min(INFINITY, (counts.get(m[1]) ?? 0) + n));
        continue;
      }
      m = /^last-failure-(.+?)(?:#.*)?$/.exec(k);
      if (m) last.set(m[1], Math.max(last.get(m[1]) ?? 0, Number(v) || 0));
    }
    const own = new Map<Resource, number>();
    for (const [id, count] of counts) {
      const rsc = ws.resourceById.get(id) ?? ws.resourceById.get(id.replace(/:\d+$/, ""));
      if (!rsc || count <= 0) continue;
      const lf = last.get(id);
      // Fail-counts of a resource blocked by its failure do not expire.
      if (rsc.failureTimeout > 0 && lf !== undefined && lf + rsc.failureTimeout <= now && !rsc.blocked)
        continue;
      rsc.failCounts.set(node.name, count);
      if (lf !== undefined) rsc.lastFailure.set(node.name, lf);
      own.set(rsc, count);
    }
    // A launcher's migration-threshold counts the failures of what it launches too (Pacemaker's
    // pcmk__threshold_reached asks for the fail count with pcmk__fc_launched).
    const withLaunched = new Map(own);
    for (const [rsc, count] of own) {
      const launcher = launcherOf(rsc);
      if (launcher) withLaunched.set(launcher, Math.min(INFINITY, (withLaunched.get(launcher) ?? 0) + count));
    }
    for (const [rsc, count] of withLaunched) applyFailCount(rsc, node, own.get(rsc) ?? 0, count, ws);
  }
  void states;
  void parseInterval;
}

/** Failures of an operation configured with on-fail=ignore do not count. */
function ignoredFailures(id: string, opKey: string, ws: WorkingSet): boolean {
  const rsc = ws.resourceById.get(id) ?? ws.resourceById.get(id.replace(/:\d+$/, ""));
  const m = /^(.*)_(\d+)$/.exec(opKey);
  if (!rsc || !m) return false;
  return onFailFor(rsc, m[1], Number(m[2]), ws) === "ignore";
}

function applyFailCount(
  rsc: Resource,
  node: ClusterNode,
  count: number,
  thresholdCount: number,
  ws: WorkingSet,
): void {
  if (rsc.failureStickiness !== 0 && count > 0) {
    const s = Math.max(MINUS_INFINITY, Math.min(INFINITY, count * rsc.failureStickiness));
    rsc.variant.addScore(
      rsc,
      node,
      s,
      `failcount ${count} × resource-failure-stickiness ${rsc.failureStickiness}`,
      ws,
    );
  }
  // A fail count about to be cleared does not push the resource away (check_failure_threshold).
  if (thresholdCount >= rsc.migrationThreshold && !failCountCleared(rsc, node, ws)) {
    rsc.variant.addScore(
      rsc,
      node,
      MINUS_INFINITY,
      `migration-threshold ${rsc.migrationThreshold} reached (failcount ${thresholdCount})`,
      ws,
    );
  }
}
