import { type AttributeSet, type CibResource, INFINITY } from "@hbx/cib";
import { type Resource, Role, type WorkingSet, parseRole } from "../types.js";
import { boolOption, looseScore, resolveSets } from "./attributes.js";
import { parseInterval } from "./rules.js";
import { variants } from "../variants/registry.js";
import { forceAnonymous } from "./force-anon.js";

/** Build the resource tree; members inherit their parent's meta attributes. */
export function unpackResources(
  defs: CibResource[],
  ws: WorkingSet,
  clusterRaw: Map<string, string>,
  defaults: AttributeSet[] = [],
): Resource[] {
  clusterSizes.set(ws, clusterSize(defs, ws));
  if (defaults.some((s) => s.rule !== undefined)) ruledDefaults.set(ws, defaults);
  return defs.map((d) => build(d, undefined, ws, clusterRaw)).filter((r): r is Resource => r !== undefined);
}

/** Per working set: rsc_defaults sets with rules, which must be evaluated per resource. */
const ruledDefaults = new WeakMap<WorkingSet, AttributeSet[]>();

/**
 * rsc_defaults for one resource: sets with rules (rsc_expression on class, provider, type) are
 * evaluated for it; without rules they are the same for every resource.
 */
function defaultsFor(ws: WorkingSet, ctx: Parameters<typeof resolveSets>[1]): Map<string, string> {
  const sets = ruledDefaults.get(ws);
  return sets ? resolveSets(sets, ctx) : ws.rscDefaults;
}

/** Per working set: how many nodes the cluster has, counted before remote nodes are added. */
const clusterSizes = new WeakMap<WorkingSet, number>();

/**
 * The cluster's node count, which a clone's clone-max defaults to: the configured nodes and the
 * remote nodes their connection resources define (Pacemaker knows those before any clone).
 */
function clusterSize(defs: CibResource[], ws: WorkingSet): number {
  let n = ws.nodes.length;
  for (const d of defs)
    if (d.kind === "primitive" && d.class === "ocf" && d.provider === "pacemaker" && d.type === "remote")
      if (!ws.nodeByName.has(d.id)) n++;
  return n;
}

export function blankResource(id: string, ws: WorkingSet): Resource {
  return {
    id,
    variant: variants.primitive!,
    children: [],
    meta: new Map(),
    params: new Map(),
    operations: [],
    priority: 0,
    stickiness: 0,
    failureStickiness: 0,
    migrationThreshold: INFINITY,
    failureTimeout: 0,
    managed: !ws.options.maintenanceMode,
    maintenance: ws.options.maintenanceMode,
    multipleActive: "stop_start",
    orphan: false,
    role: Role.Stopped,
    nextRole: Role.Unknown,
    runningOn: [],
    failed: false,
    blocked: false,
    failureIgnored: false,
    history: new Map(),
    probed: new Set(),
    failCounts: new Map(),
    lastFailure: new Map(),
    definitionChanged: new Set(),
    allowed: new Map(),
    assigned: null,
    assignState: "none",
    colocationsAsDependent: [],
    colocationsAsPrimary: [],
    actions: [],
  };
}

function build(
  d: CibResource,
  parent: Resource | undefined,
  ws: WorkingSet,
  cluster: Map<string, string>,
  suffix = "",
): Resource | undefined {
  const kind = d.kind === "master" ? "clone" : d.kind;
  if (kind === "bundle") return undefined;
  const rsc = blankResource(d.id + suffix, ws);
  rsc.parent = parent;
  rsc.variant = variants[kind]!;
  rsc.cls = d.class;
  rsc.provider = d.provider;
  rsc.type = d.type;
  rsc.operations = d.operations;
  rsc.element = d.element;
  const ctx = { now: ws.now, rsc: { cls: d.class, provider: d.provider, type: d.type } };
  const own = resolveSets(d.meta, ctx);
  // Heartbeat v2 CIBs put meta options among the instance attributes too.
  const inst = resolveSets(d.instance, ctx);
  // Instance attributes are inherited from the group or clone around it, as Pacemaker does; its
  // own win. They take part in the operation digests.
  rsc.params = parent && parent.params.size > 0 ? new Map([...parent.params, ...inst]) : inst;
  const meta = new Map<string, string>();
  for (const [k, v] of defaultsFor(ws, ctx)) meta.set(k, v);
  if (parent) for (const [k, v] of parent.meta) meta.set(k, v);
  for (const [k, v] of inst) if (META_NAMES.has(k.replace(/_/g, "-"))) meta.set(k.replace(/_/g, "-"), v);
  for (const [k, v] of own) meta.set(k.replace(/_/g, "-"), v);
  if (d.kind === "master") meta.set("promotable", "true");
  if (kind === "clone") {
    const warning = forceAnonymous(d, meta, clusterSizes.get(ws) ?? ws.nodes.length);
    if (warning) ws.warnings.push(warning);
    // Clone instances default to a stickiness of 1, so they do not shuffle between nodes.
    if (!meta.has("resource-stickiness") && cluster.get("default-resource-stickiness") === undefined)
      meta.set("resource-stickiness", "1");
  }
  rsc.meta = meta;
  applyMeta(rsc, ws, cluster);
  ws.resourceById.set(rsc.id, rsc);
  if (kind === "clone") {
    // Instances are named child:0, child:1, … as Pacemaker names them.
    const child = d.children[0];
    const max = Number(meta.get("clone-max") ?? clusterSizes.get(ws) ?? ws.nodes.length) || 0;
    rsc.children = [];
    for (let i = 0; child && i < max; i++) {
      const inst = build(child, rsc, ws, cluster, `:${i}`);
      if (inst) rsc.children.push(inst);
    }
  } else {
    rsc.children = d.children
      .map((c) => build(c, rsc, ws, cluster, suffix))
      .filter((r): r is Resource => r !== undefined);
  }
  return rsc;
}

const META_NAMES = new Set([
  "target-role",
  "is-managed",
  "resource-stickiness",
  "resource-failure-stickiness",
  "migration-threshold",
  "failure-timeout",
  "priority",
  "multiple-active",
  "maintenance",
]);

function applyMeta(rsc: Resource, ws: WorkingSet, cluster: Map<string, string>): void {
  const m = rsc.meta;
  rsc.priority = looseScore(m.get("priority") ?? "") ?? 0;
  rsc.stickiness =
    looseScore(m.get("resource-stickiness") ?? "") ??
    looseScore(cluster.get("default-resource-stickiness") ?? "") ??
    0;
  rsc.failureStickiness =
    looseScore(m.get("resource-failure-stickiness") ?? "") ??
    looseScore(cluster.get("default-resource-failure-stickiness") ?? "") ??
    0;
  rsc.migrationThreshold = looseScore(m.get("migration-threshold") ?? "") ?? INFINITY;
  if (rsc.migrationThreshold <= 0) rsc.migrationThreshold = INFINITY;
  rsc.failureTimeout = parseInterval(m.get("failure-timeout")) / 1000;
  rsc.targetRole = parseRole(m.get("target-role"));
  rsc.maintenance = ws.options.maintenanceMode || boolOption(m.get("maintenance"), false);
  rsc.managed = boolOption(m.get("is-managed"), true) && !rsc.maintenance;
  rsc.multipleActive = m.get("multiple-active") ?? "stop_start";
}
