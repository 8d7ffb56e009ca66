/**
 * What the status page shows, read from one CIB version: the policy engine's own view of it
 * (`schedule`, the function the DC runs), so the page's scores are the DC's scores.
 */
import { INFINITY, type XmlElement, childElements, firstChild, formatScore, readStatus } from "@hbx/cib";
import { type Resource, Role, type WorkingSet, failuresToMoveLines, roleText, schedule } from "@hbx/pengine";

export type NodeState = "online" | "standby" | "offline";

export interface NodeView {
  name: string;
  state: NodeState;
  dc: boolean;
  /** Primitives running there. */
  running: string[];
}

export interface ResourceView {
  id: string;
  /** The group or clone it belongs to, if any. */
  parent?: string;
  agent: string;
  role: string;
  nodes: string[];
  failed: boolean;
  managed: boolean;
  /** A move or ban the tools made (cli-prefer-/cli-ban-) applies to it. */
  moved: boolean;
}

/** One resource on one node: its allocation score and how many failures it takes to leave. */
export interface PlacementCell {
  score: string;
  failCount: number;
  /** migration-threshold − fail-count; undefined when no threshold is set (failures alone never move it). */
  failuresLeft?: number;
}

export interface FailureView {
  resource: string;
  node: string;
  /** `monitor 1000ms`, or undefined for a fail-count without an operation (older form). */
  operation?: string;
  count: string;
  lastFailure?: Date;
}

export interface StatusView {
  version: string;
  servedBy: string;
  dc?: string;
  quorum: boolean;
  nodes: NodeView[];
  resources: ResourceView[];
  /** Per primitive, per node name. */
  placement: Array<{ resource: string; cells: Map<string, PlacementCell> }>;
  failures: FailureView[];
  /** The policy engine's account of how many failures move each running resource, and why. */
  moveHints: string[];
}

function agentOf(r: Resource): string {
  return [r.cls, r.provider, r.type].filter((x) => x !== undefined && x !== "").join(":");
}

/** As crm_mon words it: an instance outside a promotable clone is Started, not Unpromoted. */
function roleOf(r: Resource): string {
  if (r.runningOn.length === 0) return "Stopped";
  if (r.role === Role.Unpromoted && r.parent?.meta.get("promotable") !== "true") return "Started";
  return roleText(r.role);
}

function primitives(ws: WorkingSet): Resource[] {
  return [...ws.resourceById.values()].filter((r) => r.children.length === 0);
}

function movedIds(cib: XmlElement): Set<string> {
  const out = new Set<string>();
  const constraints = firstChild(firstChild(cib, "configuration") ?? cib, "constraints");
  for (const c of constraints ? childElements(constraints, "rsc_location") : []) {
    const id = c.attrs.id ?? "";
    if ((id.startsWith("cli-prefer-") || id.startsWith("cli-ban-")) && c.attrs.rsc) out.add(c.attrs.rsc);
  }
  return out;
}

/** fail-count-RSC#OP_INTERVAL and last-failure-… from every node's transient attributes. */
function failures(cib: XmlElement): FailureView[] {
  const out: FailureView[] = [];
  for (const ns of readStatus(cib)) {
    const node = ns.uname ?? ns.id;
    const pairs = new Map(ns.transient.flatMap((s) => s.pairs.map((p) => [p.name, p.value] as const)));
    for (const [name, value] of pairs) {
      const m = /^fail-count-(.+?)(?:#(.+)_(\d+))?$/.exec(name);
      if (!m) continue;
      const last = Number(pairs.get(`last-failure-${name.slice("fail-count-".length)}`));
      out.push({
        resource: m[1],
        node,
        operation: m[2] === undefined ? undefined : `${m[2]}${m[3] === "0" ? "" : ` ${m[3]}ms`}`,
        count: value,
        lastFailure: Number.isFinite(last) && last > 0 ? new Date(last * 1000) : undefined,
      });
    }
  }
  return out.sort((a, b) => a.resource.localeCompare(b.resource) || a.node.localeCompare(b.node));
}

export function statusView(
  cib: XmlElement,
  meta: { version: string; servedBy: string; dc?: string },
  now = new Date(),
): StatusView {
  const ws = schedule(cib, { now }).ws;
  const moved = movedIds(cib);
  const running = new Map<string, string[]>();
  const prims = primitives(ws);
  for (const r of prims)
    for (const n of r.runningOn) running.set(n.name, [...(running.get(n.name) ?? []), r.id]);
  const dc = meta.dc ?? ws.dcNode?.name;
  const nodes = ws.nodes.map((n) => ({
    name: n.name,
    state: (!n.online ? "offline" : n.standby ? "standby" : "online") as NodeState,
    dc: n.name === dc,
    running: running.get(n.name) ?? [],
  }));
  const resources = prims.map((r) => ({
    id: r.id,
    parent: r.parent?.id,
    agent: agentOf(r),
    role: roleOf(r),
    nodes: r.runningOn.map((n) => n.name),
    failed: r.failed,
    managed: r.managed,
    moved: moved.has(r.id) || (r.parent !== undefined && moved.has(r.parent.id)),
  }));
  const placement = prims.map((r) => {
    const cells = new Map<string, PlacementCell>();
    for (const n of ws.nodes) {
      const failCount = r.failCounts.get(n.name) ?? 0;
      const score = r.allowed.get(n.name)?.score;
      cells.set(n.name, {
        score: score === undefined ? "-INFINITY" : formatScore(score),
        failCount,
        failuresLeft:
          r.migrationThreshold < INFINITY ? Math.max(0, r.migrationThreshold - failCount) : undefined,
      });
    }
    return { resource: r.id, cells };
  });
  return {
    version: meta.version,
    servedBy: meta.servedBy,
    dc,
    quorum: ws.cib.attrs["have-quorum"] === "1" || ws.cib.attrs["have-quorum"] === "true",
    nodes,
    resources,
    placement,
    failures: failures(cib),
    moveHints: failuresToMoveLines(ws),
  };
}
