/**
 * What `cib.status-update` and `cib.cleanup` do to the DC's CIB: pure, validated before anything
 * changes, so a bad request leaves the CIB as it was.
 */
import {
  type XmlElement,
  cleanupResourceStatus,
  deleteTransientAttribute,
  findNodeState,
  setTransientAttribute,
} from "@hbx/cib";
import { IpcError } from "../ipc/protocol.js";

/** A change to the status section a tool may ask of the DC. */
export type StatusRequest =
  | { op: "cib.status-update"; node: string; set?: Record<string, string>; delete?: string[] }
  | { op: "cib.cleanup"; resource: string; node?: string };

/** Check an IPC request's arguments; IpcError "bad-request" names what was expected. */
export function parseStatusRequest(op: string, args: Record<string, unknown>): StatusRequest {
  const bad = (what: string) => new IpcError("bad-request", `${op}: ${what}`);
  if (op === "cib.status-update") {
    if (typeof args.node !== "string" || args.node === "") throw bad("needs {node} (a node name)");
    const set = args.set ?? {};
    if (typeof set !== "object" || set === null || Array.isArray(set)) throw bad("set must be {name: value}");
    for (const [k, v] of Object.entries(set))
      if (typeof v !== "string") throw bad(`set.${k} must be a string, found ${typeof v}`);
    const del = args.delete ?? [];
    if (!Array.isArray(del) || del.some((d) => typeof d !== "string"))
      throw bad("delete must be a list of names");
    return { op, node: args.node, set: set as Record<string, string>, delete: del as string[] };
  }
  if (op === "cib.cleanup") {
    if (typeof args.resource !== "string" || args.resource === "") throw bad("needs {resource}");
    if (args.node !== undefined && typeof args.node !== "string") throw bad("node must be a node name");
    return { op, resource: args.resource, node: args.node };
  }
  throw new IpcError("unknown-op", `not a status operation: ${op}`);
}

/** Apply a status request to `doc`; throws IpcError "failed" (doc unchanged) when it cannot. */
export function applyStatusRequest(doc: XmlElement, req: StatusRequest): string[] {
  if (req.op === "cib.status-update") {
    const state = findNodeState(doc, req.node);
    if (!state)
      throw new IpcError("failed", `cib.status-update: node '${req.node}' has no node_state (never joined)`);
    for (const [name, value] of Object.entries(req.set ?? {})) setTransientAttribute(state, name, value);
    for (const name of req.delete ?? []) deleteTransientAttribute(state, name);
    return [req.node];
  }
  if (req.node !== undefined && !findNodeState(doc, req.node))
    throw new IpcError("failed", `cib.cleanup: node '${req.node}' has no node_state (never joined)`);
  return cleanupResourceStatus(doc, [req.resource], { node: req.node, history: true });
}
