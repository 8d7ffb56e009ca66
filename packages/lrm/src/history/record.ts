import { childElements, element, firstChild, type XmlElement } from "@hbx/cib";
import { ExecStatus, OcfExitCode } from "../codes.js";
import { type NodeName, type OperationResult } from "../types.js";
import { buildLrmRscOp, isFailure } from "./lrm-rsc-op.js";

export class StatusRecordError extends Error {
  constructor(
    readonly elementId: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`CIB ${elementId}: expected ${expected}, found ${found}`);
    this.name = "StatusRecordError";
  }
}

function child(
  parent: XmlElement,
  name: string,
  attrs: Record<string, string>,
  match: (e: XmlElement) => boolean,
): XmlElement {
  for (const c of childElements(parent, name)) if (match(c)) return c;
  const made = element(name, attrs);
  parent.children.push(made);
  return made;
}

/** The node's id from configuration/nodes (Pacemaker keys node_state by id), else its name. */
function nodeId(root: XmlElement, node: NodeName): string {
  const nodes = firstChild(firstChild(root, "configuration") ?? root, "nodes");
  for (const n of nodes ? childElements(nodes, "node") : [])
    if (n.attrs.uname === node) return n.attrs.id ?? node;
  return node;
}

function replaceById(parent: XmlElement, op: XmlElement): XmlElement | undefined {
  const i = parent.children.findIndex(
    (c) => c.kind === "element" && c.name === "lrm_rsc_op" && c.attrs.id === op.attrs.id,
  );
  if (i < 0) {
    parent.children.push(op);
    return undefined;
  }
  const old = parent.children[i] as XmlElement;
  parent.children[i] = op;
  return old;
}

/**
 * Record an operation result in a CIB's status section, in place, as Pacemaker's controller
 * does: status → node_state → lrm → lrm_resources → lrm_resource(id, type, class, provider).
 * A one-shot operation replaces `rsc_last_0`; a failure also replaces `rsc_last_failure_0`; a
 * recurring one replaces its own `rsc_monitor_N` (keeping last-rc-change while the rc is the
 * same); a cancelled recurring one is removed, and so are all recurring records after a
 * successful stop. Returns the element written (undefined when one was only removed).
 */
export function recordOperation(
  cibRoot: XmlElement,
  node: NodeName,
  result: OperationResult,
): XmlElement | undefined {
  if (cibRoot.name !== "cib") throw new StatusRecordError("/", "a <cib> root element", `<${cibRoot.name}>`);
  const req = result.request;
  const id = nodeId(cibRoot, node);
  const status = child(cibRoot, "status", {}, () => true);
  const nodeState = child(
    status,
    "node_state",
    { id, uname: node },
    (e) => e.attrs.id === id || e.attrs.uname === node,
  );
  const lrm = child(nodeState, "lrm", { id }, () => true);
  const resources = child(lrm, "lrm_resources", {}, () => true);
  const rscAttrs: Record<string, string> = { id: req.rscId, type: req.spec.type, class: req.spec.standard };
  if (req.spec.provider) rscAttrs.provider = req.spec.provider;
  const rsc = child(resources, "lrm_resource", rscAttrs, (e) => e.attrs.id === req.rscId);

  const isRecurring = req.intervalMs > 0;
  if (isRecurring && result.status === ExecStatus.CANCELLED) {
    const key = `${req.rscId}_${req.action}_${req.intervalMs}`;
    rsc.children = rsc.children.filter(
      (c) => !(c.kind === "element" && c.name === "lrm_rsc_op" && c.attrs.id === key),
    );
    return undefined;
  }

  const op = buildLrmRscOp(result, { node });
  const old = replaceById(rsc, op);
  if (
    isRecurring &&
    old &&
    old.attrs["rc-code"] === op.attrs["rc-code"] &&
    old.attrs["op-status"] === op.attrs["op-status"]
  ) {
    op.attrs["last-rc-change"] = old.attrs["last-rc-change"] ?? op.attrs["last-rc-change"];
  }
  if (isFailure(result)) replaceById(rsc, buildLrmRscOp(result, { node, kind: "last_failure" }));
  if (
    !isRecurring &&
    req.action === "stop" &&
    result.status === ExecStatus.DONE &&
    result.rc === OcfExitCode.OK
  ) {
    // The recurring records go with the monitors the stop cancelled; the last failure stays
    // (Pacemaker keeps rsc_last_failure_0, which crm_mon lists as a failed action, until a
    // clean-up), even when it was a recurring monitor's.
    const lastFailure = `${req.rscId}_last_failure_0`;
    rsc.children = rsc.children.filter(
      (c) =>
        !(
          c.kind === "element" &&
          c.name === "lrm_rsc_op" &&
          Number(c.attrs.interval ?? "0") > 0 &&
          c.attrs.id !== lastFailure
        ),
    );
  }
  return op;
}
