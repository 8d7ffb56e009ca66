import { type XmlElement, childElements, element, firstChild, walkElements } from "@hbx/cib";
import { type Action, OrderFlag, Role, type WorkingSet } from "../types.js";
import { isUniqueClone } from "../assign/clone-assign.js";
import { historyName } from "../unpack/clone-instances.js";
import { migrationEnds } from "../actions/migration.js";
import { completesClone } from "../actions/ordering.js";

/** The DC uuid Pacemaker's simulator puts in the operation records it makes up. */
const FAKE_TE_ID = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

/** The actions a transition would execute: required and runnable, resource actions not pseudo. */
export function executableActions(ws: WorkingSet): Action[] {
  return ws.actions.filter(
    (a) =>
      !a.optional &&
      a.runnable &&
      (a.task === "stonith" || (a.rsc !== undefined && !a.pseudo && a.node !== undefined)),
  );
}

/**
 * Whether an action of the graph can ever fire: not when it waits, through a mandatory ordering,
 * for an action that must happen but cannot (which never enters the graph and so never
 * completes), nor when it waits for an action of the graph that cannot fire. Pacemaker's graph
 * keeps such an input (should_add_input_to_graph drops only optional orderings, optional inputs
 * and one-or-more sets), so its transition stops short: a stop ordered after a blocked stop stays
 * undone even where the summary lists it.
 */
function neverWaitsForever(): (a: Action) => boolean {
  const state = new Map<Action, boolean>();
  const fires = (a: Action): boolean => {
    const known = state.get(a);
    if (known !== undefined) return known;
    state.set(a, true); // an ordering loop is not a wait
    let ok = true;
    for (const o of a.after) {
      const f = o.first;
      // An unmanaged resource's actions are optional to Pacemaker (update_action_optional):
      // they never hold anything up; one blocked by a failure blocks through its orderings.
      if (f.optional || completesClone(a, f)) continue;
      if (f.rsc && !f.rsc.managed && !f.rsc.blocked) continue;
      if (!f.runnable) {
        if (o.flags !== OrderFlag.Optional && !(o.flags & OrderFlag.MinRunnable)) ok = false;
      } else if (!fires(f)) ok = false;
      if (!ok) break;
    }
    state.set(a, ok);
    return ok;
  };
  return fires;
}

/**
 * Copy-on-write over the input CIB: an element is copied (attributes and child list, not its
 * children) the first time the simulation changes it, and put in place of the original in its
 * already-copied parent. So the result shares everything untouched with the input — a running
 * 2000-resource CIB has ~40 MB of history, and a deep copy of it cost more than the simulation.
 */
class CopyOnWrite {
  private readonly owned = new Set<XmlElement>();

  /** A private copy of `el`, for changing it. */
  own(el: XmlElement): XmlElement {
    if (this.owned.has(el)) return el;
    const copy: XmlElement = { ...el, attrs: { ...el.attrs }, children: [...el.children] };
    this.owned.add(copy);
    return copy;
  }

  /** `child` of the owned `parent`, made private and put in the original's place. */
  ownChild(parent: XmlElement, child: XmlElement): XmlElement {
    if (this.owned.has(child)) return child;
    const copy = this.own(child);
    const at = parent.children.indexOf(child);
    if (at >= 0) parent.children[at] = copy;
    return copy;
  }

  /** `el`, new in this simulation, needs no copy. */
  created(el: XmlElement): XmlElement {
    this.owned.add(el);
    return el;
  }

  /** The owned child `name` of the owned `parent`, created if missing. */
  ensure(parent: XmlElement, name: string, attrs: Record<string, string>): XmlElement {
    const found = firstChild(parent, name);
    if (found) return this.ownChild(parent, found);
    const el = this.created(element(name, attrs));
    parent.children.push(el);
    return el;
  }
}

/**
 * Simulated execution as crm_simulate -S does it: every executable action succeeds and its
 * result is recorded in a copy of the status section; fenced nodes go down with their history.
 */
export function simulateTransition(ws: WorkingSet): { cib: XmlElement; lines: string[] } {
  const cow = new CopyOnWrite();
  const cib = cow.own(ws.cib);
  const status = cow.ensure(cib, "status", {});
  let callId = 0;
  for (const el of walkElements(status)) {
    const c = Number(el.attrs["call-id"]);
    if (Number.isFinite(c) && c > callId) callId = c;
  }
  // Each node's state, found once: every one of a large transition's actions asks for one.
  const states = new Map<string, XmlElement>();
  const stateFor = (name: string, id: string): XmlElement => {
    const known = states.get(name);
    if (known !== undefined) return known;
    const ns = findState(name, id);
    states.set(name, ns);
    return ns;
  };
  const findState = (name: string, id: string): XmlElement => {
    for (const ns of childElements(status, "node_state"))
      if (ns.attrs.uname === name || ns.attrs.id === id) return cow.ownChild(status, ns);
    const ns = cow.created(
      element("node_state", {
        id,
        uname: name,
        in_ccm: "true",
        crmd: "online",
        join: "member",
        expected: "member",
      }),
    );
    status.children.push(ns);
    return ns;
  };
  const lines: string[] = [];
  const actions = executableActions(ws).filter(neverWaitsForever());
  // A live migration's migrate_to and migrate_from come before the stop on its source.
  const RANK: Record<string, number> = {
    stonith: 0,
    migrate_to: 1,
    migrate_from: 2,
    // A promoted instance that stops is demoted first.
    demote: 2.5,
    stop: 3,
    start: 5,
  };
  // Probes run first; recurring monitors (and cancels) follow what they depend on.
  const rank = (a: Action): number =>
    isProbe(a) ? 0.5 : a.task === "cancel" ? 3.5 : a.task === "monitor" ? 7 : (RANK[a.task] ?? 6);
  // Ranked once each, not in every comparison: a stopped 32x2000 cluster has 68,000 actions.
  const ranks = new Map(actions.map((a) => [a, rank(a)]));
  actions.sort((a, b) => ranks.get(a)! - ranks.get(b)! || a.uid - b.uid);
  const lastRcChange = String(Math.floor(ws.now.getTime() / 1000));
  for (const a of actions) {
    if (a.task === "stonith") {
      const n = a.fenceTarget!;
      lines.push(`  * Fencing ${n.name} (${a.fenceAction})`);
      // Unfencing leaves the node up.
      if (a.fenceAction === "on") continue;
      const ns = stateFor(n.name, n.id);
      Object.assign(ns.attrs, { in_ccm: "false", crmd: "offline", join: "down", expected: "down" });
      ns.children = ns.children.filter(
        (c) => !(c.kind === "element" && (c.name === "lrm" || c.name === "transient_attributes")),
      );
      continue;
    }
    const rsc = a.rsc!;
    const node = a.node!;
    lines.push(`  * Resource action: ${rsc.id.padEnd(15)} ${actionLabel(a)} on ${node.name}`);
    if (node.unclean || a.task === "cancel") continue;
    const ns = stateFor(node.name, node.id);
    const lrm = cow.ensure(ns, "lrm", { id: node.id });
    const lrs = cow.ensure(lrm, "lrm_resources", {});
    // A member of a cloned group is an instance too: its history may carry any instance number.
    let clone = rsc.parent;
    while (clone && clone.variant.kind !== "clone") clone = clone.parent;
    const anonymous = clone !== undefined && !isUniqueClone(clone);
    const id = anonymous ? rsc.id.replace(/:\d+$/, "") : rsc.id;
    // An anonymous instance's history may be recorded under any instance number on that node;
    // a stop ends whatever any of those records says runs there.
    const records = recordIndex(lrs);
    let targets = records.find(id === rsc.id ? [id] : [id, rsc.id]);
    // An anonymous instance known there under another name (Pacemaker's clone_name: the record
    // last read as this instance) goes on in that record.
    const known = anonymous ? historyName(rsc) : undefined;
    const byHistory = known === undefined ? [] : records.find([known]);
    if (byHistory.length > 0 && !targets.some((r) => r.attrs.id === id)) targets = [byHistory[0]];
    // An instance known under one record (Pacemaker's clone_name) stops only there: other records
    // of the same base on the node belong to other instances.
    if (anonymous && (targets.length === 0 || (a.task === "stop" && byHistory.length === 0)))
      targets = [...targets, ...records.withBase(id).filter((r) => !targets.includes(r))];
    if (targets.length > 1 && a.task !== "stop") targets = [targets[0]];
    if (targets.length === 0) {
      const lr = cow.created(
        element("lrm_resource", {
          id: rsc.id,
          class: rsc.cls,
          provider: rsc.provider,
          type: rsc.type,
        }),
      );
      lrs.children.push(lr);
      records.add(lrs.children.length - 1);
      targets = [lr];
    }
    callId++;
    const rc = simulatedRc(a);
    for (const lr of targets) {
      const attrs: Record<string, string> = {
        id: `${rsc.id}_${a.task}_${a.interval}`,
        operation: a.task,
        "call-id": String(callId),
        "rc-code": String(rc),
        "op-status": "0",
        interval: String(a.interval),
        "transition-key": `0:0:${rc}:simulated`,
        // As Pacemaker's simulator records it: a fake DC uuid and transition -1, which sorts
        // after any operation left pending by a real transition of that (test) DC.
        "transition-magic": `0:${rc};${callId}:-1:${rc}:${FAKE_TE_ID}`,
        "last-rc-change": lastRcChange,
      };
      const ends = migrationEnds(a);
      if (ends) {
        // A migrate_to/migrate_from records where the migration went from and to.
        attrs.migrate_source = ends.source.name;
        attrs.migrate_target = ends.target.name;
      }
      cow.ownChild(lrs, lr).children.push({ kind: "element", name: "lrm_rsc_op", attrs, children: [] });
    }
  }
  return { cib, lines };
}

interface RecordIndex {
  /** The lrm_resource records with any of these ids, in document order. */
  find(ids: string[]): XmlElement[];
  /** The records whose id without an instance number is `base`, in document order. */
  withBase(base: string): XmlElement[];
  /** Note the record just appended at child position `i`. */
  add(i: number): void;
}

const indexes = new WeakMap<XmlElement, RecordIndex>();

/**
 * An lrm_resources' records by id, built once per section: scanning every record for each of
 * 64,000 probes was quadratic. Positions, not elements, are kept, because a record is replaced
 * by its copy the first time the simulation writes to it.
 */
function recordIndex(lrs: XmlElement): RecordIndex {
  let index = indexes.get(lrs);
  if (index) return index;
  const byId = new Map<string, number[]>();
  const byBase = new Map<string, number[]>();
  const note = (m: Map<string, number[]>, k: string, i: number): void => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  const add = (i: number): void => {
    const c = lrs.children[i];
    if (c.kind !== "element" || c.name !== "lrm_resource") return;
    const rid = c.attrs.id;
    if (rid !== undefined) note(byId, rid, i);
    note(byBase, (rid ?? "").replace(/:\d+$/, ""), i);
  };
  lrs.children.forEach((_, i) => add(i));
  const elements = (positions: number[]): XmlElement[] => positions.map((i) => lrs.children[i] as XmlElement);
  index = {
    find: (ids) => {
      const positions = ids.flatMap((k) => byId.get(k) ?? []);
      if (ids.length > 1) positions.sort((a, b) => a - b);
      return elements(positions);
    },
    withBase: (base) => elements(byBase.get(base) ?? []),
    add,
  };
  indexes.set(lrs, index);
  return index;
}

/** A probe: a one-shot monitor, which finds a resource with no history there not running. */
function isProbe(a: Action): boolean {
  return a.task === "monitor" && a.interval === 0;
}

/** crm_simulate's action label: the task, with `=interval` for recurring ones and cancels. */
export function actionLabel(a: Action): string {
  return a.interval > 0 ? `${a.task}=${a.interval}` : a.task;
}

/** The result crm_simulate records: not running for a probe, promoted for a promoted monitor. */
function simulatedRc(a: Action): number {
  if (isProbe(a)) return 7;
  if (a.task === "monitor" && a.rsc?.nextRole === Role.Promoted) return 8;
  return 0;
}
