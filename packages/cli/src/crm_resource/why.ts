import { type XmlElement } from "@hbx/cib";
import { type Resource, Role, type WorkingSet, unpackCluster } from "@hbx/pengine";
import { CliError, CrmExit } from "../common/exit-codes.js";
import { resourcesRunningOn } from "../crm_mon/by-node.js";
import { TOOL, lookup } from "./resource-args.js";
import { activeNodes } from "./show.js";

/**
 * `crm_resource -Y/--why`, in Pacemaker 2.1.5's four forms: every resource (no -r, no -N), one
 * resource (-r), one resource on one node (-r -N), and what runs on one node (-N). Each verdict
 * is followed by the configuration reasons the resource may not run (disabled, unmanaged).
 */
export function whyReport(cib: XmlElement, now: Date, rscId?: string, nodeName?: string): string {
  const ws = unpackCluster(cib, { now });
  const node = nodeName === undefined ? undefined : ws.nodeByName.get(nodeName);
  if (nodeName !== undefined && !node)
    throw new CliError(
      CrmExit.NOSUCH,
      `${TOOL}: Node '${nodeName}' not found\nError performing operation: No such object`,
    );
  const lines: string[] = [];
  if (rscId === undefined && node === undefined) {
    for (const r of ws.resources) {
      const running = leaves(r).some((l) => l.runningOn.length > 0);
      lines.push(`Resource ${r.id} is ${running ? "" : "not "}running`, ...checks(r, r.id));
    }
  } else if (rscId === undefined && node !== undefined) {
    for (const r of resourcesRunningOn(ws, node))
      lines.push(`Resource ${r.id} is running on host ${node.name}`, ...checks(r, r.id));
  } else if (rscId !== undefined && node !== undefined) {
    lookup(cib, rscId);
    const r = schedulerResource(ws, rscId);
    const id = r?.id ?? rscId;
    const here = r !== undefined && leaves(r).some((l) => l.runningOn.includes(node));
    lines.push(`Resource ${id} is ${here ? "" : "not "}running on host ${node.name}`, ...checks(r, id));
  } else if (rscId !== undefined) {
    const entry = lookup(cib, rscId);
    const id = entry.el.attrs.id;
    lines.push(`Resource ${id} is ${activeNodes(cib, entry).length > 0 ? "" : "not "}running`);
    lines.push(...checks(schedulerResource(ws, id), id));
  }
  return lines.map((l) => `${l}\n`).join("");
}

function leaves(r: Resource): Resource[] {
  return r.children.length === 0 ? [r] : r.children.flatMap(leaves);
}

/** -r names a configured id; a primitive inside a clone stands for its first instance, as in 2.1.5. */
function schedulerResource(ws: WorkingSet, id: string): Resource | undefined {
  return ws.resourceById.get(id) ?? ws.resourceById.get(`${id}:0`);
}

/**
 * The configuration reasons a resource may not run: it, or the group or clone holding it, is
 * to remain stopped (target-role here or in rsc_defaults), or it is not managed.
 */
function checks(r: Resource | undefined, id: string): string[] {
  if (!r) return [];
  const out: string[] = [];
  if (r.targetRole === Role.Stopped || r.parent?.targetRole === Role.Stopped)
    out.push(`Configuration specifies '${id}' should remain stopped`);
  if (!r.managed) out.push(`Resource ${id} is not managed`);
  return out;
}
