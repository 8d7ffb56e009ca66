import { type XmlElement, childElements, firstChild, walkElements } from "@hbx/cib";
import { type Resource, Role, type WorkingSet } from "@hbx/pengine";
import { ctime, plural } from "./format.js";

/** Cluster properties (crm_config nvpairs) by name; the first set that names one wins. */
export function clusterProperties(cib: XmlElement): Map<string, string> {
  const props = new Map<string, string>();
  const conf = firstChild(cib, "configuration");
  const crm = conf ? firstChild(conf, "crm_config") : undefined;
  for (const set of crm ? childElements(crm, "cluster_property_set") : []) {
    for (const nv of walkElements(set)) {
      if (nv.name !== "nvpair") continue;
      const { name, value } = nv.attrs;
      if (name !== undefined && value !== undefined && !props.has(name)) props.set(name, value);
    }
  }
  return props;
}

/**
 * Primitives, the unit Pacemaker counts as "resource instances". Pacemaker counts them when it
 * reads the configuration, so instances made up later from the status section (an orphan
 * instance of an anonymous clone found running once too often) are not among them.
 */
export function primitives(ws: WorkingSet): Resource[] {
  return [...ws.resourceById.values()].filter(
    (r) => r.variant.kind === "primitive" && !(r.orphan && r.parent !== undefined),
  );
}

function isDisabled(r: Resource): boolean {
  for (let p: Resource | undefined = r; p; p = p.parent) if (p.targetRole === Role.Stopped) return true;
  return false;
}

/** The "Cluster Summary:" block: stack, DC, times, counts. */
export function summaryLines(ws: WorkingSet, now: Date, detail = false): string[] {
  const props = clusterProperties(ws.cib);
  const attrs = ws.cib.attrs;
  const out = ["Cluster Summary:"];
  out.push(`  * Stack: ${props.get("cluster-infrastructure") ?? "unknown"}`);
  const dc = ws.dcNode;
  if (dc === undefined) out.push("  * Current DC: NONE");
  else {
    const quorum = attrs["have-quorum"] === "1" || attrs["have-quorum"] === "true";
    out.push(
      `  * Current DC: ${detail && dc.id !== dc.name ? `${dc.name} (${dc.id})` : dc.name} (version ${props.get("dc-version") ?? "unknown"}) - partition ${quorum ? "with" : "WITHOUT"} quorum`,
    );
  }
  out.push(`  * Last updated: ${ctime(now)}`);
  const user = attrs["update-user"];
  const client = attrs["update-client"];
  const origin = attrs["update-origin"];
  out.push(
    `  * Last change:  ${attrs["cib-last-written"] ?? ""}${user ? ` by ${user}` : ""}${client ? ` via ${client}` : ""}${origin ? ` on ${origin}` : ""}`,
  );
  out.push(`  * ${plural(ws.nodes.length, "node")} configured`);
  const prims = primitives(ws);
  const disabled = prims.filter((r) => isDisabled(r) && !r.orphan).length;
  const blocked = prims.filter((r) => r.blocked).length;
  let count = `  * ${plural(prims.length, "resource instance")} configured`;
  if (disabled > 0 && blocked > 0)
    count += ` (${disabled} DISABLED, ${blocked} BLOCKED from further action due to failure)`;
  else if (disabled > 0) count += ` (${disabled} DISABLED)`;
  else if (blocked > 0) count += ` (${blocked} BLOCKED from further action due to failure)`;
  out.push(count);
  if (ws.options.maintenanceMode) {
    out.push("");
    out.push("              *** Resource management is DISABLED ***");
    out.push("  The cluster will not attempt to start, stop or recover services");
  }
  return out;
}
