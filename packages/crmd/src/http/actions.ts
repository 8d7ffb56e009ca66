/**
 * The page's buttons, done as the tools do them and through the same IPC operations
 * (`cib.query`, then `cib.patch` with the change, or `cib.cleanup`): the DC applies them in
 * order with the same checks, quorum rule and refusals a `crm_standby` or `crm_resource` gets.
 * The edits write what those tools write, so each tool reads and undoes what the page did:
 * standby is the node's permanent `standby` attribute (crm_standby -v on|off), a move the
 * `cli-prefer-RSC` constraint (crm_resource --move -N), a clear drops `cli-prefer-RSC` and
 * every `cli-ban-RSC-on-*` (crm_resource --clear).
 */
import {
  type XmlElement,
  childElements,
  cloneElement,
  element,
  firstChild,
  makePatch,
  parseXml,
  serializeXml,
  setNvpair,
} from "@hbx/cib";
import type { IpcHandler } from "../ipc/server.js";

export type PageAction =
  | { kind: "standby"; node: string }
  | { kind: "unstandby"; node: string }
  | { kind: "move"; resource: string; node: string }
  | { kind: "clear"; resource: string }
  | { kind: "cleanup"; resource: string; node?: string };

export const ACTION_KINDS = ["standby", "unstandby", "move", "clear", "cleanup"] as const;

/** A form that does not name a known action, node or resource: answered 400, nothing changes. */
export class ActionInputError extends Error {}

/** What the form may name: the nodes and primitives of the CIB the page was rendered from. */
export interface KnownNames {
  nodes: ReadonlySet<string>;
  resources: ReadonlySet<string>;
}

function field(form: URLSearchParams, name: string, known: ReadonlySet<string>, what: string): string {
  const v = form.get(name);
  if (v === null || v === "") throw new ActionInputError(`${name}: expected a ${what} name, found nothing`);
  if (!known.has(v)) {
    const list = [...known].slice(0, 8).join(", ");
    throw new ActionInputError(
      `${name}: expected one of the cluster's ${what}s (${list}), found ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** Read a posted form into an action; ActionInputError names the field, expected and found. */
export function parseAction(form: URLSearchParams, known: KnownNames): PageAction {
  const kind = form.get("action") ?? "";
  switch (kind) {
    case "standby":
    case "unstandby":
      return { kind, node: field(form, "node", known.nodes, "node") };
    case "move":
      return {
        kind,
        resource: field(form, "resource", known.resources, "resource"),
        node: field(form, "node", known.nodes, "node"),
      };
    case "clear":
      return { kind, resource: field(form, "resource", known.resources, "resource") };
    case "cleanup": {
      const node = form.get("node");
      return {
        kind,
        resource: field(form, "resource", known.resources, "resource"),
        node: node === null || node === "" ? undefined : field(form, "node", known.nodes, "node"),
      };
    }
    default:
      throw new ActionInputError(
        `action: expected one of ${ACTION_KINDS.join(", ")}, found ${JSON.stringify(kind)}`,
      );
  }
}

/** The node's `standby` nvpair, in either set form (Heartbeat v2's `<attributes>` wrapper too). */
function setStandby(cib: XmlElement, nodeName: string, value: "on" | "off"): void {
  const nodes = firstChild(firstChild(cib, "configuration") ?? cib, "nodes");
  const node = nodes ? childElements(nodes, "node").find((n) => n.attrs.uname === nodeName) : undefined;
  if (!node)
    throw new ActionInputError(`node: ${JSON.stringify(nodeName)} has no entry in the CIB's nodes section`);
  setNvpair(node, "instance_attributes", `nodes-${node.attrs.id ?? nodeName}`, "standby", value);
}

function constraintsOf(cib: XmlElement): XmlElement {
  const conf = firstChild(cib, "configuration")!;
  let c = firstChild(conf, "constraints");
  if (!c) {
    c = element("constraints");
    conf.children.push(c);
  }
  return c;
}

function prefer(cib: XmlElement, rsc: string, node: string): void {
  const id = `cli-prefer-${rsc}`;
  const c = constraintsOf(cib);
  const el = element("rsc_location", { id, rsc, role: "Started", node, score: "INFINITY" });
  const i = c.children.findIndex((x) => x.kind === "element" && x.attrs.id === id);
  if (i >= 0) c.children[i] = el;
  else c.children.push(el);
}

function clear(cib: XmlElement, rsc: string): void {
  const c = constraintsOf(cib);
  c.children = c.children.filter(
    (x) =>
      !(
        x.kind === "element" &&
        (x.attrs.id === `cli-prefer-${rsc}` || x.attrs.id?.startsWith(`cli-ban-${rsc}-on-`))
      ),
  );
}

/** One line for the log and the page: what was asked. */
export function describeAction(a: PageAction): string {
  if (a.kind === "standby" || a.kind === "unstandby") return `${a.kind} ${a.node}`;
  if (a.kind === "move") return `move ${a.resource} to ${a.node}`;
  if (a.kind === "clear") return `clear ${a.resource}`;
  return `cleanup ${a.resource}${a.node ? ` on ${a.node}` : ""}`;
}

/** Do it through the IPC operations; resolves to the new CIB version, rejects with the DC's refusal. */
export async function performAction(a: PageAction, ops: Record<string, IpcHandler>): Promise<string> {
  if (a.kind === "cleanup") {
    const r = (await ops["cib.cleanup"]({ resource: a.resource, ...(a.node ? { node: a.node } : {}) })) as {
      version: string;
    };
    return r.version;
  }
  const { xml } = (await ops["cib.query"]({})) as { xml: string };
  const before = parseXml(xml, "cib.query");
  const after = cloneElement(before);
  if (a.kind === "standby" || a.kind === "unstandby")
    setStandby(after, a.node, a.kind === "standby" ? "on" : "off");
  else if (a.kind === "move") prefer(after, a.resource, a.node);
  else clear(after, a.resource);
  const patch = serializeXml(makePatch(before, after), { pretty: false });
  const r = (await ops["cib.patch"]({ patch })) as { version: string };
  return r.version;
}
