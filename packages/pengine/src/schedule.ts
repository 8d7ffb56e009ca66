import { INFINITY, type XmlElement, readConfiguration, readStatus } from "@hbx/cib";
import type { ClusterNode, Resource, WorkingSet } from "./types.js";
import { Role } from "./types.js";
import { unpackOptions } from "./unpack/options.js";
import { unpackNodes } from "./unpack/nodes.js";
import { unpackResources } from "./unpack/resources.js";
import { unpackStatus } from "./unpack/status.js";
import { checkDefinitions } from "./unpack/digests.js";
import { blockGroupsOfMultiplyActive } from "./unpack/multiple-active.js";
import { banAnonymousClonesAtThreshold } from "./unpack/anonymous-failcounts.js";
import { resolveSets } from "./unpack/attributes.js";
import { applyNodeHealth } from "./unpack/health.js";
import { addRemoteNodes, banConnectionsFromRemoteNodes, connectionsFirst } from "./unpack/remote.js";
import { applyLocation } from "./constraints/location.js";
import { applyExclusiveDiscovery } from "./constraints/discovery.js";
import { unpackTicket } from "./constraints/tickets.js";
import { unpackColocation } from "./constraints/colocation.js";
import { applyOrderings, unpackOrdering } from "./constraints/ordering.js";
import { addLauncherConstraints } from "./constraints/launcher.js";
import { expandGuestNodes } from "./unpack/guest-nodes.js";
import { orderRemoteNodeActions } from "./actions/remote-node-ordering.js";
import { fenceGuests } from "./unpack/guest-reset.js";
import { addNodeScore, initialScores } from "./assign/scores.js";
import { sortForAssignment } from "./assign/order.js";
import { remoteConnectionAssigned } from "./unpack/remote-assigned.js";
import { applyHistoryShutdownLocks, applyNewShutdownLocks } from "./unpack/shutdown-lock.js";
import { createFencing, unmanageWithoutFencingDevice } from "./actions/fencing.js";
import { fenceUnrecoverableRemotes } from "./actions/remote-unrecoverable.js";
import { orderStartsAfterUnfencing } from "./actions/unfencing.js";
import { propagate } from "./actions/ordering.js";
import { addMigrationActions, markMigrations } from "./actions/migration.js";
import { createRecurringActions } from "./actions/recurring.js";
import { createProbes } from "./actions/probes.js";
import "./variants/index.js";

export interface ScheduleOptions {
  now?: Date;
  /** Record the allocation score lines (crm_simulate -s) in ws.scoreLines. */
  scores?: boolean;
  /** With scores: the terms of every score under its line (crm_simulate --explain-scores). */
  explainScores?: boolean;
}

/** Unpack a CIB (configuration and status) into a working set, with no decisions yet. */
export function unpackCluster(cib: XmlElement, opts: ScheduleOptions = {}): WorkingSet {
  const now = opts.now ?? new Date();
  // Guest nodes' connections join the configuration as Pacemaker adds them; ws.cib stays as given.
  const conf = readConfiguration(expandGuestNodes(cib));
  const { options, raw } = unpackOptions(cib, conf, now);
  const states = readStatus(cib);
  const nodes = unpackNodes(conf, states, options, now);
  const ws: WorkingSet = {
    cib,
    now,
    options,
    nodes,
    nodeByName: new Map(nodes.map((n) => [n.name, n])),
    nodeById: new Map(nodes.map((n) => [n.id, n])),
    resources: [],
    resourceById: new Map(),
    colocations: [],
    actions: [],
    orderings: [],
    fencing: [],
    scoreLines: [],
    keepScoreLines: opts.scores ?? false,
    explainScores: opts.explainScores ?? false,
    warnings: [],
    nextUid: 0,
    opDefaults: resolveSets(conf.opDefaults, { now }),
    rscDefaults: resolveSets(conf.rscDefaults, { now }),
    tags: conf.tags,
    orderConstraints: [],
  };
  const dc = cib.attrs["dc-uuid"];
  if (dc) ws.dcNode = ws.nodeById.get(dc);
  // Rules may ask whether a node is the DC.
  for (const n of nodes) n.attrs.set("#is_dc", n === ws.dcNode ? "true" : "false");
  // Pacemaker keeps its resource list sorted by priority (stable), and prints it in that order.
  ws.resources = unpackResources(conf.resources, ws, raw, conf.rscDefaults)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.priority - a.r.priority || a.i - b.i)
    .map((x) => x.r);
  addGroupColocations(ws);
  addRemoteNodes(ws);
  addLauncherConstraints(ws);
  unpackStatus(states, ws);
  blockGroupsOfMultiplyActive(ws);
  banAnonymousClonesAtThreshold(ws);
  checkDefinitions(ws);
  for (const r of ws.resourceById.values()) initialScores(r, ws);
  applyNodeHealth(ws);
  banConnectionsFromRemoteNodes(ws);
  applyHistoryShutdownLocks(ws, raw);
  for (const c of conf.constraints) {
    if (c.kind === "rsc_location") applyLocation(c, ws);
    else if (c.kind === "rsc_colocation") unpackColocation(c, ws);
    else if (c.kind === "rsc_order") unpackOrdering(c, ws);
    else if (c.kind === "rsc_ticket") unpackTicket(c, ws);
  }
  return ws;
}

/** Each group member is placed with the member before it. */
function addGroupColocations(ws: WorkingSet): void {
  for (const g of ws.resourceById.values()) {
    if (g.variant.kind !== "group" || g.meta.get("collocated") === "false") continue;
    for (let i = 1; i < g.children.length; i++) {
      const c = {
        id: `${g.id}-internal`,
        dependent: g.children[i],
        primary: g.children[i - 1],
        score: INFINITY,
        nodeAttribute: "#uname",
        influence: true,
      };
      ws.colocations.push(c);
      c.dependent.colocationsAsDependent.push(c);
      c.primary.colocationsAsPrimary.push(c);
    }
  }
}

/** Stickiness: a managed resource running on exactly one node prefers to stay there. */
function applyStickiness(ws: WorkingSet): void {
  for (const r of ws.resourceById.values()) {
    if (r.children.length > 0 || !r.managed || r.stickiness === 0 || r.runningOn.length !== 1) continue;
    const node = r.runningOn[0];
    if (!ws.options.symmetric && !r.allowed.has(node.name)) continue;
    addNodeScore(r, node, r.stickiness, "resource-stickiness", ws);
  }
}

export interface Transition {
  ws: WorkingSet;
}

/** The policy engine: from a CIB and a time to where everything runs and what to do. */
export function schedule(cib: XmlElement, opts: ScheduleOptions = {}): Transition {
  const ws = unpackCluster(cib, opts);
  applyExclusiveDiscovery(ws);
  applyStickiness(ws);
  applyNewShutdownLocks(ws);
  unmanageWithoutFencingDevice(ws);
  createFencing(ws);
  fenceGuests(ws);
  for (const r of connectionsFirst(sortForAssignment(ws.resources, ws))) {
    r.variant.assign(r, ws);
    remoteConnectionAssigned(r, ws);
  }
  for (const r of ws.resources) r.variant.createActions(r, ws);
  orderRemoteNodeActions(ws);
  fenceUnrecoverableRemotes(ws);
  orderStartsAfterUnfencing(ws);
  markMigrations(ws);
  applyOrderings(ws);
  propagate(ws);
  addMigrationActions(ws);
  const beforeMonitors = ws.actions.length;
  createRecurringActions(ws);
  createProbes(ws);
  // Monitors and probes, made last, wait for their remote node's connection too.
  orderRemoteNodeActions(ws, beforeMonitors);
  return { ws };
}

export function currentNode(r: Resource): ClusterNode | undefined {
  return r.runningOn[0];
}

export { Role };
