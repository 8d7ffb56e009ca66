import type { CibOperation, LrmOp, NodeName, ResourceId, Score, XmlElement } from "@hbx/cib";
import type { Variant } from "./variants/variant.js";

export type { NodeName, ResourceId };

/** Resource roles, ordered as Pacemaker orders them (a later role is "more active"). */
export enum Role {
  Unknown = 0,
  Stopped = 1,
  Started = 2,
  Unpromoted = 3,
  Promoted = 4,
}

export function roleText(r: Role): string {
  return ["Unknown", "Stopped", "Started", "Unpromoted", "Promoted"][r];
}

export function parseRole(text: string | undefined): Role | undefined {
  switch ((text ?? "").toLowerCase()) {
    case "stopped":
      return Role.Stopped;
    case "started":
      return Role.Started;
    case "slave":
    case "unpromoted":
      return Role.Unpromoted;
    case "master":
    case "promoted":
      return Role.Promoted;
    default:
      return undefined;
  }
}

export interface ClusterNode {
  name: NodeName;
  id: string;
  type: string;
  online: boolean;
  unclean: boolean;
  /** Why the node must be fenced, as Pacemaker words it. */
  fenceReason?: string;
  shutdown: boolean;
  standby: boolean;
  standbyOnFail: boolean;
  maintenance: boolean;
  pending: boolean;
  unseen: boolean;
  expectedUp: boolean;
  remote: boolean;
  /** For a Pacemaker Remote node: the connection resource that brings it up. */
  remoteRsc?: Resource;
  /** Node attributes: configured instance attributes overlaid by transient ones. */
  attrs: Map<string, string>;
  health: Score;
  /** Resources assigned so far, the balancing tie-break. */
  assignedCount: number;
  /** Position in the name-sorted node list. */
  index: number;
}

/** A resource's score on one node. */
export interface NodeScore {
  node: ClusterNode;
  score: Score;
  /** With explainScores: what `score` is made of, in the order it was added (assign/explain.ts). */
  terms?: readonly ScoreTerm[];
}

/** One contribution to a score and where it came from ("location loc-1", "resource-stickiness"). */
export interface ScoreTerm {
  readonly source: string;
  readonly score: Score;
}

export type OnFail =
  "ignore" | "block" | "stop" | "restart" | "fence" | "standby" | "demote" | "reset_remote";

export interface Resource {
  id: ResourceId;
  variant: Variant;
  parent?: Resource;
  children: Resource[];
  cls?: string;
  provider?: string;
  type?: string;
  meta: Map<string, string>;
  params: Map<string, string>;
  operations: CibOperation[];
  element?: XmlElement;
  // Options read from meta attributes (inherited from parents and rsc_defaults).
  priority: number;
  stickiness: Score;
  failureStickiness: Score;
  migrationThreshold: number;
  failureTimeout: number;
  targetRole?: Role;
  managed: boolean;
  maintenance: boolean;
  multipleActive: string;
  orphan: boolean;
  // Derived from the status section.
  role: Role;
  nextRole: Role;
  runningOn: ClusterNode[];
  failed: boolean;
  blocked: boolean;
  failureIgnored: boolean;
  /** The node where a pending operation runs, for display. */
  pendingNode?: ClusterNode;
  /** Per node: the effective op history of this resource there. */
  history: Map<NodeName, LrmOp[]>;
  /** Nodes where probes are known (any history). */
  probed: Set<NodeName>;
  failCounts: Map<NodeName, number>;
  lastFailure: Map<NodeName, number>;
  /** Digest mismatch: the definition changed where it runs. */
  definitionChanged: Set<NodeName>;
  /** Only reloadable parameters changed where it runs: reload there instead of restarting. */
  reloadOn?: Set<NodeName>;
  /** Nodes whose history was recorded for another class, provider or type: restart there. */
  agentChanged?: Set<NodeName>;
  /**
   * Nodes where reloadable parameters changed while a start was pending: restarted, naming no
   * reason, instead of reloaded (Pacemaker's schedule_reload with pe_rsc_start_pending).
   */
  reloadPrevented?: Set<NodeName>;
  stopUnexpected?: boolean;
  /** multiple-active=stop_only found it active on several nodes: stop everywhere, start nowhere. */
  stopOnly?: boolean;
  // Placement.
  allowed: Map<NodeName, NodeScore>;
  assigned: ClusterNode | null;
  assignState: "none" | "assigning" | "done";
  colocationsAsDependent: Colocation[];
  colocationsAsPrimary: Colocation[];
  actions: Action[];
  lockNode?: ClusterNode;
}

export interface Colocation {
  id: string;
  dependent: Resource;
  primary: Resource;
  score: Score;
  dependentRole?: Role;
  primaryRole?: Role;
  nodeAttribute: string;
  influence: boolean;
}

export const enum OrderFlag {
  Optional = 0,
  ImpliesThen = 1 << 0,
  ImpliesFirst = 1 << 1,
  RunnableLeft = 1 << 2,
  Restart = 1 << 3,
  Serialize = 1 << 4,
  /** The first counts toward the then's requiredRunnableBefore (clone running, clone-min). */
  MinRunnable = 1 << 5,
}

export interface Ordering {
  first: Action;
  then: Action;
  flags: number;
  id?: string;
}

export interface Action {
  uid: number;
  rsc?: Resource;
  task: string;
  node?: ClusterNode;
  interval: number;
  optional: boolean;
  runnable: boolean;
  pseudo: boolean;
  reason?: string;
  /** Orderings where this action comes first / second. */
  before: Ordering[];
  after: Ordering[];
  /** For fencing: the node to fence and how. */
  fenceTarget?: ClusterNode;
  fenceAction?: string;
  /**
   * Runnable only while at least this many firsts ordered with MinRunnable are runnable (a
   * clone's running: one instance start; clone-min: that many instances).
   */
  requiredRunnableBefore?: number;
}

export interface ClusterOptions {
  symmetric: boolean;
  stonithEnabled: boolean;
  stonithAction: string;
  noQuorumPolicy: string;
  haveQuorum: boolean;
  maintenanceMode: boolean;
  stopOrphanResources: boolean;
  stopOrphanActions: boolean;
  startFailureIsFatal: boolean;
  placementStrategy: string;
  startupFencing: boolean;
  nodeHealthStrategy: string;
  nodeHealthGreen: Score;
  nodeHealthYellow: Score;
  nodeHealthRed: Score;
  /** node-health-base: the starting health of every node under the progressive strategy. */
  nodeHealthBase: Score;
  shutdownLock: boolean;
  concurrentFencing: boolean;
  /** have-watchdog: the nodes fence themselves through SBD, which counts as a fencing device. */
  haveWatchdog: boolean;
  /** stonith-timeout: how long a fencing device gets, in ms (default 60 s). */
  stonithTimeoutMs: number;
  /** shutdown-escalation: how long a node's clean shutdown may take, in ms (default 20 min). */
  shutdownEscalationMs: number;
}

/** Everything the stages share: the unpacked CIB, then scores, assignment and actions. */
export interface WorkingSet {
  cib: XmlElement;
  now: Date;
  options: ClusterOptions;
  nodes: ClusterNode[];
  nodeByName: Map<NodeName, ClusterNode>;
  nodeById: Map<string, ClusterNode>;
  resources: Resource[];
  /** Every resource (collective and members) by id. */
  resourceById: Map<ResourceId, Resource>;
  colocations: Colocation[];
  actions: Action[];
  orderings: Ordering[];
  fencing: Action[];
  /** Allocation score lines for -s, in the order they were produced. */
  /** crm_simulate -s's lines; recorded only when keepScoreLines (a large cluster has 100,000s). */
  scoreLines: string[];
  keepScoreLines: boolean;
  /** Keep every score's terms and print them under each score line (crm_simulate --explain-scores). */
  explainScores?: boolean;
  warnings: string[];
  nextUid: number;
  opDefaults: Map<string, string>;
  rscDefaults: Map<string, string>;
  dcNode?: ClusterNode;
  tags: Map<string, string[]>;
  /** Orderings from the configuration, resolved when actions exist. */
  orderConstraints: Array<{
    id: string;
    first: Resource;
    firstAction: string;
    then: Resource;
    thenAction: string;
    kind: string;
    symmetrical: boolean;
    /** clone-min of the first clone, or 1 with require-all=false: how many instances suffice. */
    minRequired?: number;
  }>;
}
