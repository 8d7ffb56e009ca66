/**
 * Which status change a tool made, in the terms hbxd's DC accepts on a live cluster: transient
 * attribute sets and deletes per node (`cib.status-update`) and resources whose history was
 * dropped (`cib.cleanup`). Anything else in the status section cannot be sent (the status is the
 * DC's), so the caller refuses it.
 */
import {
  type XmlElement,
  childElements,
  cloneElement,
  element,
  firstChild,
  nvpairElements,
  serializeXml,
} from "@hbx/cib";

export interface StatusUpdateOp {
  node: string;
  set: Record<string, string>;
  delete: string[];
}

export interface CleanupOp {
  resource: string;
  node: string;
}

export interface LiveStatusChange {
  updates: StatusUpdateOp[];
  cleanups: CleanupOp[];
}

const nodeKey = (ns: XmlElement): string => ns.attrs.uname ?? ns.attrs.id ?? "";

function states(cib: XmlElement): Map<string, XmlElement> {
  const status = firstChild(cib, "status") ?? element("status");
  return new Map(childElements(status, "node_state").map((ns) => [nodeKey(ns), ns]));
}

function transients(ns: XmlElement | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const ta of ns ? childElements(ns, "transient_attributes") : [])
    for (const p of nvpairElements(ta, "instance_attributes"))
      out.set(p.attrs.name ?? "", p.attrs.value ?? "");
  return out;
}

function lrmResources(ns: XmlElement): XmlElement | undefined {
  return firstChild(firstChild(ns, "lrm") ?? element("lrm"), "lrm_resources");
}

/** The status section without transient attributes and without the lrm_resource ids in `dropped`. */
function rest(cib: XmlElement, dropped: ReadonlySet<string>): string {
  const status = firstChild(cib, "status");
  if (!status) return "";
  const copy = cloneElement(status);
  for (const ns of childElements(copy, "node_state")) {
    ns.children = ns.children.filter((c) => !(c.kind === "element" && c.name === "transient_attributes"));
    const lrs = lrmResources(ns);
    if (lrs)
      lrs.children = lrs.children.filter(
        (c) =>
          !(
            c.kind === "element" &&
            c.name === "lrm_resource" &&
            dropped.has(`${nodeKey(ns)}\n${c.attrs.id}`)
          ),
      );
  }
  return serializeXml(copy, { pretty: false });
}

/**
 * The status change from `base` to `next` as live operations, or undefined when it touches more
 * than transient attributes and whole resource histories.
 */
export function liveStatusChange(base: XmlElement, next: XmlElement): LiveStatusChange | undefined {
  const before = states(base);
  const after = states(next);
  const updates: StatusUpdateOp[] = [];
  const cleanups: CleanupOp[] = [];
  const dropped = new Set<string>();
  for (const [node, ns] of before) {
    const lrs = lrmResources(ns);
    const kept = new Set(
      childElements(
        after.has(node) ? (lrmResources(after.get(node)!) ?? element("x")) : element("x"),
        "lrm_resource",
      ).map((r) => r.attrs.id),
    );
    for (const r of lrs ? childElements(lrs, "lrm_resource") : [])
      if (after.has(node) && !kept.has(r.attrs.id)) {
        cleanups.push({ resource: r.attrs.id ?? "", node });
        dropped.add(`${node}\n${r.attrs.id}`);
      }
  }
  for (const [node, ns] of after) {
    const was = transients(before.get(node));
    const now = transients(ns);
    const op: StatusUpdateOp = { node, set: {}, delete: [] };
    for (const [k, v] of now) if (was.get(k) !== v) op.set[k] = v;
    for (const k of was.keys()) if (!now.has(k)) op.delete.push(k);
    if (Object.keys(op.set).length > 0 || op.delete.length > 0) updates.push(op);
  }
  if (rest(base, dropped) !== rest(next, new Set())) return undefined;
  return { updates, cleanups };
}
