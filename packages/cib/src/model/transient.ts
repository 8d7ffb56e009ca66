/**
 * A node's transient attributes (node_state → transient_attributes → instance_attributes), as
 * Pacemaker's attribute manager writes them: set `status-NODEID`, nvpair `status-NODEID-NAME`
 * (":" and "#" made "."), and the clean-up that forgets a resource's failures and history so
 * the policy engine probes it again. Pure functions on a document, shared by the DC (fail-counts,
 * cib.status-update, cib.cleanup) and the tools that edit a CIB file.
 */
import { childElements, element, firstChild, type XmlElement } from "../xml/index.js";
import { nvpairHolder, nvpairsOf, removeNvpairsWhere } from "./nvpairs.js";

/** A node's node_state in the status section, by uname (then by id). */
export function findNodeState(cib: XmlElement, node: string): XmlElement | undefined {
  const status = firstChild(cib, "status");
  if (!status) return undefined;
  const states = childElements(status, "node_state");
  return states.find((s) => s.attrs.uname === node) ?? states.find((s) => s.attrs.id === node);
}

/**
 * The node's transient instance_attributes, created as `status-NODEID` when `create` is set. Its
 * nvpairs may sit in Heartbeat v2's `<attributes>` wrapper: read them through nvpairsOf.
 */
export function transientAttributeSet(state: XmlElement, create = false): XmlElement | undefined {
  const nodeId = state.attrs.id ?? state.attrs.uname ?? "";
  let ta = firstChild(state, "transient_attributes");
  if (!ta) {
    if (!create) return undefined;
    ta = element("transient_attributes", { id: nodeId });
    state.children.push(ta);
  }
  let set = firstChild(ta, "instance_attributes");
  if (!set && create) {
    set = element("instance_attributes", { id: `status-${nodeId}` });
    ta.children.push(set);
  }
  return set;
}

/** The value of a node's transient attribute, if set. */
export function getTransientAttribute(state: XmlElement, name: string): string | undefined {
  const set = transientAttributeSet(state);
  return set ? findIn(set, name)?.attrs.value : undefined;
}

/** The nvpair called `name` in a set, in either form. */
function findIn(set: XmlElement, name: string): XmlElement | undefined {
  return nvpairsOf(set).find((f) => f.nvpair.attrs.name === name)?.nvpair;
}

/**
 * Set a node's transient attribute; `value` may compute the new value from the old one (a
 * fail-count's `value++`). Returns the value written.
 */
export function setTransientAttribute(
  state: XmlElement,
  name: string,
  value: string | ((old: string | undefined) => string),
): string {
  const set = transientAttributeSet(state, true)!;
  let nv = findIn(set, name);
  const next = typeof value === "string" ? value : value(nv?.attrs.value);
  if (!nv) {
    nv = element("nvpair", { id: `${set.attrs.id ?? ""}-${name}`.replace(/[:#]/g, "."), name, value: next });
    nvpairHolder(set).children.push(nv);
  } else nv.attrs.value = next;
  return next;
}

/** Remove a node's transient attribute; returns whether there was one. */
export function deleteTransientAttribute(state: XmlElement, name: string): boolean {
  const set = transientAttributeSet(state);
  return set ? removeNvpairsWhere(set, (n) => n === name) > 0 : false;
}

function lrmResources(state: XmlElement): XmlElement | undefined {
  return firstChild(firstChild(state, "lrm") ?? element("lrm"), "lrm_resources");
}

/** Whether a resource has failures recorded on a node (a fail count or a failed operation). */
export function nodeHasFailures(state: XmlElement, rsc: string): boolean {
  const set = transientAttributeSet(state);
  if (
    set &&
    nvpairsOf(set).some(
      ({ nvpair: p }) =>
        p.attrs.name === `fail-count-${rsc}` || p.attrs.name?.startsWith(`fail-count-${rsc}#`),
    )
  )
    return true;
  const lr = lrmResources(state);
  const rec = lr ? childElements(lr, "lrm_resource").find((r) => r.attrs.id === rsc) : undefined;
  return (
    rec !== undefined &&
    childElements(rec, "lrm_rsc_op").some((op) => op.attrs.id?.endsWith("_last_failure_0"))
  );
}

export interface CleanupOptions {
  /** Only this node (uname); all nodes when absent. */
  node?: string;
  /** Only this operation's fail-count/last-failure (with intervalMs). */
  op?: string;
  intervalMs?: number;
  /** Also drop the operation history, so the resource is re-probed. */
  history: boolean;
  /** Only resources with failures on the node (crm_resource --cleanup vs --refresh). */
  onlyFailed?: boolean;
}

/**
 * Forget resources' failures (fail-count and last-failure attributes) and, with `history`,
 * their lrm_resource entries, on one node or all. Returns the node names that had something to
 * clean.
 */
export function cleanupResourceStatus(
  cib: XmlElement,
  rscIds: readonly string[],
  opts: CleanupOptions,
): string[] {
  const cleaned: string[] = [];
  const status = firstChild(cib, "status");
  if (!status) return cleaned;
  for (const state of childElements(status, "node_state")) {
    const node = state.attrs.uname ?? state.attrs.id;
    if (opts.node !== undefined && node !== opts.node) continue;
    let touched = false;
    for (const rsc of rscIds) {
      if (opts.onlyFailed && !nodeHasFailures(state, rsc)) continue;
      const set = transientAttributeSet(state);
      if (set) {
        const matches = (n: string, prefix: string) =>
          opts.op === undefined
            ? n === prefix || n.startsWith(`${prefix}#`)
            : n === `${prefix}#${opts.op}_${opts.intervalMs ?? 0}`;
        const dropped = removeNvpairsWhere(
          set,
          (n) => matches(n, `fail-count-${rsc}`) || matches(n, `last-failure-${rsc}`),
        );
        if (dropped > 0) touched = true;
      }
      const lr = opts.history ? lrmResources(state) : undefined;
      if (lr) {
        const keep = lr.children.filter(
          (c) => !(c.kind === "element" && c.name === "lrm_resource" && c.attrs.id === rsc),
        );
        if (keep.length !== lr.children.length) touched = true;
        lr.children = keep;
      }
    }
    if (touched) cleaned.push(node);
  }
  return cleaned;
}
