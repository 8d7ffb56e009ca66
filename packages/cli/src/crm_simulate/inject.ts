/**
 * crm_simulate's synthetic cluster events: node up/down/fail, quorum, watchdog, tickets and
 * injected operation results, applied to a CIB before the policy engine runs, with the
 * "Performing Requested Modifications" lines Pacemaker prints for each.
 */
import { type XmlElement, childElements, element, firstChild, walkElements } from "@hbx/cib";
import { ExecStatus, type OperationResult, type Standard, recordOperation } from "@hbx/lrm";
import { parseOpSpec, type OpSpec } from "./inject-opspec.js";

export interface Injections {
  quorum?: string;
  watchdog?: string;
  nodeUp: string[];
  nodeDown: string[];
  nodeFail: string[];
  ticketGrant: string[];
  ticketRevoke: string[];
  ticketStandby: string[];
  ticketActivate: string[];
  opInject: string[];
}

export function noInjections(): Injections {
  return {
    nodeUp: [],
    nodeDown: [],
    nodeFail: [],
    ticketGrant: [],
    ticketRevoke: [],
    ticketStandby: [],
    ticketActivate: [],
    opInject: [],
  };
}

export function hasInjections(i: Injections): boolean {
  return (
    i.quorum !== undefined ||
    i.watchdog !== undefined ||
    [
      i.nodeUp,
      i.nodeDown,
      i.nodeFail,
      i.ticketGrant,
      i.ticketRevoke,
      i.ticketStandby,
      i.ticketActivate,
      i.opInject,
    ].some((l) => l.length > 0)
  );
}

export class InjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InjectError";
  }
}

/** The uuid Pacemaker's simulator puts in the transition keys of injected results. */
const INJECT_UUID = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
const ORIGIN = "crm_simulate";

function ensure(parent: XmlElement, name: string, attrs: Record<string, string>): XmlElement {
  const found = firstChild(parent, name);
  if (found) return found;
  const el = element(name, attrs);
  parent.children.push(el);
  return el;
}

/** Node ids by name from configuration/nodes; a node not configured is keyed by its name. */
function nodeIds(cib: XmlElement): Map<string, string> {
  const ids = new Map<string, string>();
  const nodes = firstChild(firstChild(cib, "configuration") ?? cib, "nodes");
  for (const n of nodes ? childElements(nodes, "node") : [])
    if (n.attrs.uname !== undefined) ids.set(n.attrs.uname, n.attrs.id ?? n.attrs.uname);
  return ids;
}

/** The node_state for a node, made (id, uname, origin) when the status has none. */
function nodeState(cib: XmlElement, ids: Map<string, string>, node: string): XmlElement {
  const status = ensure(cib, "status", {});
  const id = ids.get(node) ?? node;
  for (const ns of childElements(status, "node_state"))
    if (ns.attrs.uname === node || ns.attrs.id === id) return ns;
  const ns = element("node_state", { id, uname: node, "crm-debug-origin": ORIGIN });
  status.children.push(ns);
  // Pacemaker's injector also configures a node it has never heard of.
  if (!ids.has(node)) {
    const nodes = ensure(ensure(cib, "configuration", {}), "nodes", {});
    nodes.children.push(element("node", { id, uname: node }));
    ids.set(node, id);
  }
  return ns;
}

/** Membership as Pacemaker's injector writes it: up is a member everywhere, down nowhere. */
function setMembership(ns: XmlElement, up: boolean): void {
  // A node_state made here keeps Pacemaker's attribute order: membership before the origin.
  if (ns.attrs["crm-debug-origin"] === ORIGIN) delete ns.attrs["crm-debug-origin"];
  Object.assign(
    ns.attrs,
    up
      ? { in_ccm: "true", crmd: "online", join: "member", expected: "member" }
      : { in_ccm: "false", crmd: "offline", join: "down", expected: "down" },
  );
  ns.attrs["crm-debug-origin"] = ORIGIN;
}

function setClusterOption(cib: XmlElement, name: string, value: string): void {
  const config = ensure(cib, "configuration", {});
  const crmConfig = ensure(config, "crm_config", {});
  for (const nv of walkElements(crmConfig))
    if (nv.name === "nvpair" && nv.attrs.name === name) {
      nv.attrs.value = value;
      return;
    }
  const sets = childElements(crmConfig, "cluster_property_set");
  let set = sets.find((s) => s.attrs.id === "cib-bootstrap-options") ?? sets[0];
  if (!set) {
    set = element("cluster_property_set", { id: "cib-bootstrap-options" });
    crmConfig.children.push(set);
  }
  set.children.push(
    element("nvpair", { id: `${set.attrs.id ?? "cib-bootstrap-options"}-${name}`, name, value }),
  );
}

function setTicket(cib: XmlElement, ticket: string, attr: "granted" | "standby", value: boolean): void {
  const tickets = ensure(ensure(cib, "status", {}), "tickets", {});
  let ts = childElements(tickets, "ticket_state").find((t) => t.attrs.id === ticket);
  if (!ts) {
    ts = element("ticket_state", { id: ticket });
    tickets.children.push(ts);
  }
  ts.attrs[attr] = String(value);
}

/** A node's transient attribute, made under transient_attributes/instance_attributes as attrd would. */
function setTransientAttribute(ns: XmlElement, name: string, value: (old?: string) => string): string {
  const id = ns.attrs.id ?? ns.attrs.uname ?? "";
  const ta = ensure(ns, "transient_attributes", { id });
  const ia = ensure(ta, "instance_attributes", { id });
  let nv = childElements(ia, "nvpair").find((n) => n.attrs.name === name);
  if (!nv) {
    // Named after the set it lands in, with characters an XML id cannot hold made dots.
    nv = element("nvpair", { id: `${ia.attrs.id ?? id}-${name.replace(/[^\w.-]/g, ".")}`, name });
    ia.children.push(nv);
  }
  nv.attrs.value = value(nv.attrs.value);
  return id;
}

/** The configured primitive an operation is for; a clone instance (db:1) is its primitive (db). */
function findPrimitive(cib: XmlElement, rscId: string): XmlElement | undefined {
  const resources = firstChild(firstChild(cib, "configuration") ?? cib, "resources");
  if (!resources) return undefined;
  const base = rscId.replace(/:\d+$/, "");
  for (const el of walkElements(resources))
    if (el.name === "primitive" && (el.attrs.id === rscId || el.attrs.id === base)) return el;
  return undefined;
}

function maxCallId(lrmResource: XmlElement | undefined): number {
  let max = 0;
  for (const op of lrmResource ? childElements(lrmResource, "lrm_rsc_op") : []) {
    const c = Number(op.attrs["call-id"]);
    if (Number.isFinite(c) && c > max) max = c;
  }
  return max;
}

function lrmResourceOf(ns: XmlElement, rscId: string): XmlElement | undefined {
  const lrs = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
  return lrs ? childElements(lrs, "lrm_resource").find((r) => r.attrs.id === rscId) : undefined;
}

/**
 * Record one injected (or, for -F, simulated) result through the LRM's own history writer, then mark the records as the
 * simulator's (no digest: nothing ran with any parameters). A failure other than a probe finding
 * the resource stopped adds one to fail-count-RSC#task_interval and stamps last-failure.
 */
export function injectResult(cib: XmlElement, spec: OpSpec, now: Date, exitReason: string): string[] {
  const lines: string[] = [];
  const ids = nodeIds(cib);
  const prim = findPrimitive(cib, spec.rscId);
  if (!prim)
    throw new InjectError(
      `cannot inject ${spec.text}: no primitive '${spec.rscId}' in configuration/resources`,
    );
  const ns = nodeState(cib, ids, spec.node);
  const callId = maxCallId(lrmResourceOf(ns, spec.rscId)) + 1;
  const recurringId = `${spec.rscId}_${spec.task}_${spec.intervalMs}`;
  const previous = lrmResourceOf(ns, spec.rscId)?.children.find(
    (c) => c.kind === "element" && c.name === "lrm_rsc_op" && c.attrs.id === recurringId,
  );
  const target = 0;
  const failed = spec.rc !== target;
  const ms = now.getTime();
  const result: OperationResult = {
    callId,
    request: {
      rscId: spec.rscId,
      spec: {
        standard: (prim.attrs.class ?? "ocf") as Standard,
        provider: prim.attrs.provider,
        type: prim.attrs.type ?? "",
      },
      action: spec.task,
      intervalMs: spec.intervalMs,
      timeoutMs: 0,
      params: {},
      transitionKey: `${callId}:-1:${target}:${INJECT_UUID}`,
    },
    rc: spec.rc,
    status: ExecStatus.DONE,
    exitReason: failed ? exitReason : "",
    stdout: "",
    stderr: "",
    outputTruncated: false,
    enqueuedAt: ms,
    startedAt: ms,
    finishedAt: ms,
    execTimeMs: 0,
    queueTimeMs: 0,
    pid: 0,
  };
  recordOperation(cib, spec.node, result);
  const rsc = lrmResourceOf(ns, spec.rscId)!;
  for (const op of childElements(rsc, "lrm_rsc_op"))
    if (op.attrs["call-id"] === String(callId)) {
      delete op.attrs["op-digest"];
      delete op.attrs.on_node;
      op.attrs["crm-debug-origin"] = ORIGIN;
    }
  // A failed recurring result is kept only as last_failure, as Pacemaker's injector does: the
  // recurring record stays what it was.
  if (failed && spec.intervalMs > 0) {
    const at = rsc.children.findIndex(
      (c) => c.kind === "element" && c.name === "lrm_rsc_op" && c.attrs.id === recurringId,
    );
    if (at >= 0) {
      if (previous) rsc.children[at] = previous;
      else rsc.children.splice(at, 1);
    }
  }
  const probeFoundStopped = spec.task === "monitor" && spec.intervalMs === 0 && spec.rc === 7;
  if (!failed || probeFoundStopped) return lines;
  const suffix = `${spec.rscId}#${spec.task}_${spec.intervalMs}`;
  const nodeId = setTransientAttribute(ns, `fail-count-${suffix}`, (old) => String((Number(old) || 0) + 1));
  const stamp = String(Math.floor(ms / 1000));
  setTransientAttribute(ns, `last-failure-${suffix}`, () => stamp);
  lines.push(`  * Injecting attribute fail-count-${suffix}=value++ into /node_state '${nodeId}'`);
  lines.push(`  * Injecting attribute last-failure-${suffix}=${stamp} into /node_state '${nodeId}'`);
  return lines;
}

/**
 * Apply the injections to `cib` in place, in Pacemaker's order (quorum, watchdog, nodes up,
 * down, failed, tickets, operations), returning the lines to print. Every operation spec is
 * checked before anything changes, so a bad one leaves the CIB as it was.
 */
export function applyInjections(cib: XmlElement, inj: Injections, now: Date): string[] {
  const specs = inj.opInject.map(parseOpSpec);
  for (const s of specs)
    if (!findPrimitive(cib, s.rscId))
      throw new InjectError(`cannot inject ${s.text}: no primitive '${s.rscId}' in configuration/resources`);
  const lines: string[] = [];
  const ids = nodeIds(cib);
  if (inj.quorum !== undefined) {
    lines.push(`  * Setting quorum: ${inj.quorum}`);
    cib.attrs["have-quorum"] = inj.quorum;
  }
  if (inj.watchdog !== undefined) {
    lines.push(`  * Setting watchdog: ${inj.watchdog}`);
    setClusterOption(cib, "have-watchdog", inj.watchdog);
  }
  for (const n of inj.nodeUp) {
    lines.push(`  * Bringing node ${n} online`);
    setMembership(nodeState(cib, ids, n), true);
  }
  for (const n of inj.nodeDown) {
    lines.push(`  * Taking node ${n} offline`);
    setMembership(nodeState(cib, ids, n), false);
  }
  for (const n of inj.nodeFail) {
    lines.push(`  * Failing node ${n}`);
    // A failed node is one the cluster lost without it leaving: still "expected", not in membership.
    const ns = nodeState(cib, ids, n);
    setMembership(ns, true);
    ns.attrs.in_ccm = "false";
  }
  for (const t of inj.ticketGrant) {
    lines.push(`  * Granting ticket ${t}`);
    setTicket(cib, t, "granted", true);
  }
  for (const t of inj.ticketRevoke) {
    lines.push(`  * Revoking ticket ${t}`);
    setTicket(cib, t, "granted", false);
  }
  for (const t of inj.ticketStandby) {
    lines.push(`  * Making ticket ${t} standby`);
    setTicket(cib, t, "standby", true);
  }
  for (const t of inj.ticketActivate) {
    lines.push(`  * Activating ticket ${t}`);
    setTicket(cib, t, "standby", false);
  }
  for (const s of specs) {
    lines.push(`  * Injecting ${s.text} into the configuration`);
    lines.push(...injectResult(cib, s, now, "Simulated action result"));
  }
  return lines;
}
