import { parseDurationMs } from "@hbx/cib";
import type { Action, ClusterNode, Resource, WorkingSet } from "../types.js";
import { executableActions } from "../simulate/execute.js";
import { migrationEnds } from "../actions/migration.js";

/**
 * The transition graph as plain data: what `crm_simulate -G` writes and what the DC's transition
 * engine runs, built once from the working set so the two cannot disagree and nothing that runs
 * a transition needs to keep the working set (the whole scheduler state) alive. It holds no
 * references into the working set and survives JSON.stringify/parse unchanged.
 */
export interface PlannedGraph {
  /**
   * Executed actions first (ids 0..n-1, in the scheduler's order, as -G numbers its synapses),
   * then the pseudo actions that orderings between them pass through; `actions[i].id === i`.
   */
  readonly actions: readonly PlannedAction[];
}

export interface GraphNode {
  readonly name: string;
  readonly uuid: string;
}

/** The agent an action runs: -G's `<primitive class provider type/>`. */
export interface GraphResource {
  readonly id: string;
  readonly class?: string;
  readonly provider?: string;
  readonly type?: string;
}

/**
 * rsc_op: a resource operation an LRM runs; crm_event: fencing; pseudo_event: a point in the
 * ordering (a group's running, a clone's stopped, a migrated start) that runs nothing.
 */
export type PlannedActionKind = "rsc_op" | "crm_event" | "pseudo_event";

export interface PlannedAction {
  readonly id: number;
  readonly kind: PlannedActionKind;
  /** The scheduler's action number: the first field of the transition key the LRM records. */
  readonly uid: number;
  /** The operation (start, stop, monitor, cancel, migrate_to, stonith, running, …). */
  readonly task: string;
  /** Pacemaker's operation_key: rsc_task_interval, or stonith-node-action. */
  readonly key: string;
  readonly interval: number;
  readonly node?: GraphNode;
  readonly rsc?: GraphResource;
  /** The resource's instance attributes, as the agent gets them (shared by its actions). */
  readonly params: Readonly<Record<string, string>>;
  /** The CRM_meta_* attributes, in the order -G writes them. */
  readonly meta: Readonly<Record<string, string>>;
  /** The configured operation timeout (the op's timeout attribute, else 20 s). */
  readonly timeoutMs: number;
  /**
   * The rc that means success, carried in the transition key: a probe expects "not running"
   * (7), a recurring monitor of the Promoted role "running promoted" (8), anything else OK (0).
   */
  readonly targetRc: number;
  readonly fence?: { readonly target: GraphNode; readonly action: string };
  /**
   * Ids of the actions ordered directly before this one, one per ordering (so an action
   * ordered twice after the same one lists it twice, as -G writes two triggers).
   */
  readonly inputs: readonly number[];
}

export const DEFAULT_OP_TIMEOUT_MS = 20_000;
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

function operationKey(a: Action): string {
  if (a.task === "stonith") return `stonith-${a.fenceTarget!.name}-${a.fenceAction}`;
  // A cancel names the recurring operation it ends.
  const task = a.task === "cancel" ? "monitor" : a.task;
  return `${a.rsc ? a.rsc.id : ""}_${task}_${a.interval}`;
}

/** What an action needs from its op definition: the LRM's timeout and the expected rc. */
interface OpFacts {
  readonly timeoutMs: number;
  readonly promoted: boolean;
}

const NO_OP: OpFacts = { timeoutMs: DEFAULT_OP_TIMEOUT_MS, promoted: false };

/**
 * The op facts of each name and interval of a resource, the first definition winning, read once
 * per resource rather than once per action (a stopped 32x2000 cluster has 64,000 probes).
 */
function opFactsOf(r: Resource): Map<string, OpFacts> {
  const facts = new Map<string, OpFacts>();
  for (const o of r.operations) {
    const key = `${o.name}_${parseDurationMs(o.interval) ?? 0}`;
    if (facts.has(key)) continue;
    const timeout = o.attrs.timeout;
    const role = o.role ?? o.attrs.role;
    facts.set(key, {
      timeoutMs: (timeout !== undefined ? parseDurationMs(timeout) : undefined) ?? DEFAULT_OP_TIMEOUT_MS,
      promoted: role === "Promoted" || role === "Master",
    });
  }
  return facts;
}

/**
 * Builds the payloads; nodes, resources, parameters and the usual meta attributes are made once
 * and shared by every action that names them (a stopped 32x2000 cluster has 64,000 probes).
 */
class PayloadMaker {
  private readonly nodes = new Map<ClusterNode, GraphNode>();
  private readonly resources = new Map<Resource, GraphResource>();
  private readonly params = new Map<Resource, Readonly<Record<string, string>>>();
  private readonly ops = new Map<Resource, Map<string, OpFacts>>();
  private readonly metas = new Map<string, Readonly<Record<string, string>>>();

  node(n: ClusterNode): GraphNode {
    let g = this.nodes.get(n);
    if (!g) this.nodes.set(n, (g = { name: n.name, uuid: n.id }));
    return g;
  }

  resource(r: Resource): GraphResource {
    let g = this.resources.get(r);
    if (!g) {
      const m: { id: string; class?: string; provider?: string; type?: string } = { id: r.id };
      if (r.cls !== undefined) m.class = r.cls;
      if (r.provider !== undefined) m.provider = r.provider;
      if (r.type !== undefined) m.type = r.type;
      this.resources.set(r, (g = m));
    }
    return g;
  }

  paramsOf(r: Resource): Readonly<Record<string, string>> {
    let p = this.params.get(r);
    if (!p) this.params.set(r, (p = Object.fromEntries(r.params)));
    return p;
  }

  /** The op an action comes from (a cancel names the monitor it ends). */
  private opFacts(a: Action): OpFacts {
    let facts = this.ops.get(a.rsc!);
    if (!facts) this.ops.set(a.rsc!, (facts = opFactsOf(a.rsc!)));
    return facts.get(`${a.task === "cancel" ? "monitor" : a.task}_${a.interval}`) ?? NO_OP;
  }

  /**
   * The CRM_meta_* of a resource operation. -G has always written a fixed CRM_meta_timeout; the
   * LRM gets the op's own (timeoutMs). A recurring monitor (or the cancel of one) carries its
   * interval, as Pacemaker's graph does; the agent learns where a migration goes from its
   * migrate_source/migrate_target.
   */
  private metaOf(a: Action, node: GraphNode): Readonly<Record<string, string>> {
    const ends = migrationEnds(a);
    const cancel = a.task === "cancel" && a.interval > 0;
    const shared = ends ? undefined : `${node.name}\0${a.interval}\0${cancel}`;
    const known = shared === undefined ? undefined : this.metas.get(shared);
    if (known) return known;
    const meta: Record<string, string> = { CRM_meta_on_node: node.name, CRM_meta_timeout: "20000" };
    if (a.interval > 0) meta.CRM_meta_interval = String(a.interval);
    if (cancel) meta.CRM_meta_operation = "monitor";
    if (ends) {
      meta.CRM_meta_migrate_source = ends.source.name;
      meta.CRM_meta_migrate_target = ends.target.name;
    }
    if (shared !== undefined) this.metas.set(shared, meta);
    return meta;
  }

  action(a: Action, id: number, kind: PlannedActionKind, inputs: number[]): PlannedAction {
    const key = operationKey(a);
    if (kind === "crm_event") {
      const target = this.node(a.fenceTarget!);
      const action = a.fenceAction!;
      return {
        id,
        kind,
        uid: a.uid,
        task: a.task,
        key,
        interval: a.interval,
        node: target,
        params: NO_PARAMS,
        meta: { CRM_meta_on_node: target.name, CRM_meta_stonith_action: action },
        timeoutMs: DEFAULT_OP_TIMEOUT_MS,
        targetRc: 0,
        fence: { target, action },
        inputs,
      };
    }
    if (kind === "pseudo_event") {
      return {
        id,
        kind,
        uid: a.uid,
        task: a.task,
        key,
        interval: a.interval,
        params: NO_PARAMS,
        meta: NO_PARAMS,
        timeoutMs: DEFAULT_OP_TIMEOUT_MS,
        targetRc: 0,
        inputs,
      };
    }
    const node = this.node(a.node!);
    const op = this.opFacts(a);
    // A probe expects "not running", a recurring monitor of the Promoted role "running promoted".
    const targetRc = a.task !== "monitor" ? 0 : a.interval === 0 ? 7 : op.promoted ? 8 : 0;
    return {
      id,
      kind,
      uid: a.uid,
      task: a.task,
      key,
      interval: a.interval,
      node,
      rsc: this.resource(a.rsc!),
      params: this.paramsOf(a.rsc!),
      meta: this.metaOf(a, node),
      timeoutMs: op.timeoutMs,
      targetRc,
      inputs,
    };
  }
}

/**
 * The graph of a scheduled working set: every action a transition executes (required, runnable,
 * a resource operation on a node, or fencing) with the actions ordered directly before it, and
 * every required, runnable action without a node or agent that such an ordering passes through
 * (so a member's start still waits for the stop it was ordered after through its group's
 * stopped). An optional action is not going to happen and orders nothing.
 */
export function buildPlannedGraph(ws: WorkingSet): PlannedGraph {
  const executed = executableActions(ws);
  const ids = new Map<Action, number>();
  executed.forEach((a, i) => ids.set(a, i));
  const pseudo: Action[] = [];
  const idOf = (f: Action): number | undefined => {
    let id = ids.get(f);
    if (id === undefined && !f.optional && f.runnable) {
      id = executed.length + pseudo.length;
      ids.set(f, id);
      pseudo.push(f);
    }
    return id;
  };
  const inputsOf = (a: Action): number[] => {
    const inputs: number[] = [];
    for (const o of a.after) {
      const id = idOf(o.first);
      if (id !== undefined) inputs.push(id);
    }
    return inputs;
  };
  const make = new PayloadMaker();
  const actions: PlannedAction[] = executed.map((a, i) =>
    make.action(a, i, a.task === "stonith" ? "crm_event" : "rsc_op", inputsOf(a)),
  );
  // Pseudo actions found while listing inputs may add more; the list grows as it is walked.
  for (let i = 0; i < pseudo.length; i++)
    actions.push(make.action(pseudo[i], executed.length + i, "pseudo_event", inputsOf(pseudo[i])));
  return { actions };
}
