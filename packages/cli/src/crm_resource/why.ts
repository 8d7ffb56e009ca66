import { type XmlElement, element, serializeXml } from "@hbx/cib";
import { type Resource, Role, type WorkingSet, unpackCluster } from "@hbx/pengine";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { resourcesRunningOn } from "../crm_mon/by-node.js";
import { TOOL, lookup } from "./resource-args.js";
import { activeNodes } from "./show.js";

/** One answer of --why: whether a resource runs (there), and what in its configuration may stop it. */
interface Verdict {
  id: string;
  running: boolean;
  host?: string;
  /** The top-level resource the configuration checks looked at. */
  checkId: string;
  remainStopped: boolean;
  unmanaged: boolean;
}

/** Which of Pacemaker 2.1.5's four --why forms was asked: neither -r nor -N, -N, both, -r. */
type Form = "all" | "node" | "resource-on-node" | "resource";

/**
 * `crm_resource -Y/--why`: every resource (no -r, no -N), what runs on one node (-N), one resource
 * on one node (-r -N), one resource (-r). Each verdict comes with the configuration reasons the
 * resource may not run (to remain stopped, unmanaged).
 */
function verdicts(
  cib: XmlElement,
  now: Date,
  rscId?: string,
  nodeName?: string,
): { form: Form; items: Verdict[] } {
  const ws = unpackCluster(cib, { now });
  const node = nodeName === undefined ? undefined : ws.nodeByName.get(nodeName);
  if (nodeName !== undefined && !node)
    throw new CliError(
      CrmExit.NOSUCH,
      `${TOOL}: Node '${nodeName}' not found\nError performing operation: No such object`,
    );
  if (rscId === undefined && node === undefined) {
    const items = ws.resources.map((r) =>
      verdict(
        r,
        r.id,
        leaves(r).some((l) => l.runningOn.length > 0),
      ),
    );
    return { form: "all", items };
  }
  if (rscId === undefined && node !== undefined) {
    const items = resourcesRunningOn(ws, node).map((r) => ({ ...verdict(r, r.id, true), host: node.name }));
    return { form: "node", items };
  }
  const entry = lookup(cib, rscId ?? "");
  if (node !== undefined) {
    const r = schedulerResource(ws, rscId ?? "");
    const here = r !== undefined && leaves(r).some((l) => l.runningOn.includes(node));
    return {
      form: "resource-on-node",
      items: [{ ...verdict(r, r?.id ?? rscId ?? "", here), host: node.name }],
    };
  }
  const id = entry.el.attrs.id;
  return {
    form: "resource",
    items: [verdict(schedulerResource(ws, id), id, activeNodes(cib, entry).length > 0)],
  };
}

function verdict(r: Resource | undefined, id: string, running: boolean): Verdict {
  let top = r;
  while (top?.parent) top = top.parent;
  return {
    id,
    running,
    checkId: top?.id ?? id,
    // target-role here, on the group or clone holding it, or in rsc_defaults.
    remainStopped:
      r !== undefined && (r.targetRole === Role.Stopped || r.parent?.targetRole === Role.Stopped),
    unmanaged: r !== undefined && !r.managed,
  };
}

function leaves(r: Resource): Resource[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves);
}

/** -r names a configured id; a primitive inside a clone stands for its first instance, as in 2.1.5. */
function schedulerResource(ws: WorkingSet, id: string): Resource | undefined {
  return ws.resourceById.get(id) ?? ws.resourceById.get(`${id}:0`);
}

export function whyReport(cib: XmlElement, now: Date, rscId?: string, nodeName?: string): string {
  const lines: string[] = [];
  for (const v of verdicts(cib, now, rscId, nodeName).items) {
    const where = v.host !== undefined ? ` on host ${v.host}` : "";
    lines.push(`Resource ${v.id} is ${v.running ? "" : "not "}running${where}`);
    if (v.remainStopped) lines.push(`Configuration specifies '${v.checkId}' should remain stopped`);
    if (v.unmanaged) lines.push(`Resource ${v.checkId} is not managed`);
  }
  return lines.map((l) => `${l}\n`).join("");
}

function checkXml(v: Verdict): XmlElement {
  return element("check", {
    id: v.checkId,
    remain_stopped: v.remainStopped ? "true" : undefined,
    unmanaged: v.unmanaged ? "true" : undefined,
  });
}

/** --why --output-as=xml: 2.1.5's `<reason>` element in each form. */
export function whyXml(cib: XmlElement, now: Date, rscId?: string, nodeName?: string): string {
  const { form, items } = verdicts(cib, now, rscId, nodeName);
  const bool = (b: boolean) => (b ? "true" : "false");
  let reason: XmlElement;
  if (form === "resource")
    reason = element("reason", { running: bool(items[0].running) }, [checkXml(items[0])]);
  else if (form === "resource-on-node") reason = element("reason", {}, [checkXml(items[0])]);
  else {
    const resources = items.map((v) =>
      element("resource", { id: v.id, running: bool(v.running), host: v.host }, [checkXml(v)]),
    );
    reason = element("reason", {}, [element("resources", {}, resources)]);
  }
  return serializeXml(reason, { pretty: true })
    .split("\n")
    .map((l) => (l === "" ? l : `  ${l}`))
    .join("\n");
}
