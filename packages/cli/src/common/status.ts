import {
  type XmlElement,
  childElements,
  cleanupResourceStatus,
  firstChild,
  nodeHasFailures,
  nvpairsOf,
  parseDurationMs,
  transientAttributeSet,
} from "@hbx/cib";
import { type NodeName, section } from "./cib-model.js";

/**
 * Read and clean the status section the way the tools need it: where a primitive runs (from
 * its lrm_rsc_op history), its fail counts (transient attributes `fail-count-RSC#OP_INTERVAL`,
 * Pacemaker 2.1's names, and the older `fail-count-RSC`), and a clean-up that forgets both.
 */

export interface PrimitiveState {
  node: NodeName;
  failed: boolean;
}

function nodeName(state: XmlElement): NodeName {
  return state.attrs.uname ?? state.attrs.id;
}

function lrmResource(state: XmlElement, rsc: string): XmlElement | undefined {
  const resources = firstChild(firstChild(state, "lrm") ?? state, "lrm_resources");
  if (!resources) return undefined;
  return childElements(resources, "lrm_resource").find((r) => r.attrs.id === rsc);
}

/**
 * Replays a resource's recorded operations in call order: a successful start, promote,
 * migrate_from or monitor leaves it active; a successful stop or a "not running" probe leaves
 * it stopped; any other failure leaves it active but failed (the cluster must still stop it).
 */
export function primitiveStates(cib: XmlElement, rsc: string): PrimitiveState[] {
  const out: PrimitiveState[] = [];
  const status = section(cib, "status");
  if (!status) return out;
  for (const state of childElements(status, "node_state")) {
    const lrm = lrmResource(state, rsc);
    if (!lrm) continue;
    const ops = childElements(lrm, "lrm_rsc_op").sort(
      (a, b) => Number(a.attrs["call-id"] ?? 0) - Number(b.attrs["call-id"] ?? 0),
    );
    let active = false;
    let failed = false;
    for (const op of ops) {
      const rc = Number(op.attrs["rc-code"] ?? 0);
      const name = op.attrs.operation;
      const probe = name === "monitor" && (op.attrs.interval ?? "0") === "0";
      if (name === "stop" && rc === 0) {
        active = false;
        failed = false;
      } else if (rc === 7 && probe) {
        active = false;
      } else if (rc === 0 || (rc === 8 && name === "monitor")) {
        if (name !== "stop" && name !== "notify" && name !== "meta-data") active = true;
      } else {
        active = true;
        failed = true;
      }
    }
    if (active) out.push({ node: nodeName(state), failed });
  }
  return out;
}

/** Whether a resource has failures recorded on a node (failed operations or a fail count). */
export function hasFailures(cib: XmlElement, rsc: string, node: NodeName): boolean {
  const state = stateOf(cib, node);
  return state !== undefined && nodeHasFailures(state, rsc);
}

function stateOf(cib: XmlElement, node: NodeName): XmlElement | undefined {
  const status = section(cib, "status");
  if (!status) return undefined;
  return childElements(status, "node_state").find((s) => nodeName(s) === node);
}

/** `fail-count-RSC#OP_INTERVALms` or, without an operation, every fail count of RSC. */
export function failCountName(rsc: string, op?: string, intervalMs?: number): string {
  return op === undefined ? `fail-count-${rsc}` : `fail-count-${rsc}#${op}_${intervalMs ?? 0}`;
}

/**
 * A resource's fail count on a node as crm_failcount reports it: one operation's count, or
 * the sum over all operations (INFINITY once it reaches 1000000), falling back to the
 * pre-2.0 single `fail-count-RSC` attribute when that sum is 0.
 */
export function queryFailCount(
  cib: XmlElement,
  node: NodeName,
  rsc: string,
  op?: string,
  intervalMs?: number,
): { name: string; value: string } {
  const set = (() => {
    const s = stateOf(cib, node);
    return s ? transientAttributeSet(s) : undefined;
  })();
  // Either form: the status may come from a Heartbeat v2 CIB file.
  const pairs = set ? nvpairsOf(set).map((f) => f.nvpair) : [];
  const legacy = failCountName(rsc);
  let name = op === undefined ? legacy : failCountName(rsc, op, intervalMs);
  let value = "0";
  if (op !== undefined) {
    value = pairs.find((p) => p.attrs.name === name)?.attrs.value ?? "0";
  } else {
    let sum = 0;
    let infinite = false;
    for (const p of pairs) {
      if (!p.attrs.name?.startsWith(`${legacy}#`)) continue;
      if (p.attrs.value === "INFINITY") infinite = true;
      else if (/^\d+$/.test(p.attrs.value ?? "")) sum += Number(p.attrs.value);
    }
    value = infinite || sum >= 1000000 ? "INFINITY" : String(sum);
  }
  if (value === "0") {
    const old = pairs.find((p) => p.attrs.name === legacy)?.attrs.value;
    if (old !== undefined && old !== "0") {
      value = old;
      name = legacy;
    }
  }
  return { name, value };
}

/**
 * Forget a resource's failures (and, for a clean-up, its operation history so its state is
 * re-probed) on one node or all: @hbx/cib's writer, shared with hbxd's cib.cleanup.
 * Returns the node names that had something to clean.
 */
export function cleanupResource(
  cib: XmlElement,
  rscIds: string[],
  opts: { node?: NodeName; op?: string; intervalMs?: number; history: boolean; onlyFailed?: boolean },
): NodeName[] {
  return cleanupResourceStatus(cib, rscIds, opts);
}

/**
 * Milliseconds from "10s", "2min", "1h", "500ms", "PT30S" or a bare number of seconds: the
 * same reading as the write-time checks, from @hbx/cib.
 */
export function parseIntervalMs(text: string): number | undefined {
  return parseDurationMs(text);
}
