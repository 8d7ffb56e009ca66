import { element, type XmlElement } from "@hbx/cib";
import { HaCfError, type HaCf, type HaresourcesLine, type HaresourcesResource } from "@hbx/transport";
import {
  DEFAULT_AGENT_DIRS,
  primitiveFor,
  resourceType,
  type AgentDirs,
  type PrimitiveOptions,
} from "./agents.js";

export interface HaresourcesToCibOptions {
  /** Write OCF agents for the types haresources2cib.py knew (its --no-ocf turns this off). */
  ocf?: boolean;
  /** Add a monitor operation to every primitive (--no-monitor turns this off). */
  monitor?: boolean;
  /** Where heartbeat-class and LSB scripts are looked up to choose a class. */
  agentDirs?: AgentDirs;
  /** Receives what haresources2cib.py printed to stderr and carried on (unknown agents, ...). */
  warn?: (message: string) => void;
}

/** The schema the output is written for: modern Pacemaker accepts it as is. */
export const OUTPUT_SCHEMA = "pacemaker-3.0";

/**
 * Convert haresources lines (and ha.cf, when given) into a CIB, as Heartbeat 2's
 * haresources2cib.py did, in the syntax modern Pacemaker validates:
 * - a line with several resources becomes group `group_1`, `group_11`, ... (the original stepped
 *   its group index by 10) and a line with one resource a lone primitive; a trailing `#name`
 *   names it instead;
 * - address resources are `IPaddr_10_0_0_1`, others `TYPE_N` numbered as the original did;
 * - each line gets location `rsc_location_ID` preferring its node with score 100;
 * - auto_failback on (and legacy, which also fails back) gives resource-stickiness 0, off gives
 *   INFINITY so a resource stays where it runs; STONITH is disabled as the original did.
 */
export function haresourcesToCib(
  haresources: HaresourcesLine[],
  haCf?: HaCf,
  options: HaresourcesToCibOptions = {},
): XmlElement {
  const popts: PrimitiveOptions = {
    ocf: options.ocf ?? true,
    monitor: options.monitor ?? true,
    dirs: options.agentDirs ?? DEFAULT_AGENT_DIRS,
    warn: options.warn ?? (() => {}),
  };
  const resources: XmlElement[] = [];
  const constraints: XmlElement[] = [];
  const seen = new Map<string, number>();
  const claim = (id: string, at: HaresourcesLine): string => {
    const first = seen.get(id);
    if (first !== undefined) {
      throw new HaCfError(
        at.file,
        at.line,
        `expected a unique resource id, found ${id} again (first from line ${first})`,
      );
    }
    seen.set(id, at.line);
    return id;
  };
  const nodes = haCf ? new Set(haCf.nodes) : undefined;
  // The original's counters: idIndex numbers lone resources, groupIndex numbers groups and their members.
  let idIndex = 1;
  let groupIndex = 1;
  for (const at of haresources) {
    if (nodes && !nodes.has(at.node)) {
      throw new HaCfError(
        at.file,
        at.line,
        `expected a node listed in ${haCf!.file}, found ${JSON.stringify(at.node)}`,
      );
    }
    if (at.id?.startsWith("clone:")) {
      throw new HaCfError(
        at.file,
        at.line,
        `expected a group id, found ${JSON.stringify(at.id)} (clones are not converted)`,
      );
    }
    let topId: string;
    if (at.resources.length === 1) {
      topId = claim(at.id ?? defaultId(at.resources[0], idIndex), at);
      resources.push(primitiveFor(topId, at.resources[0], popts));
      idIndex += 1;
    } else {
      topId = claim(at.id ?? `group_${groupIndex}`, at);
      const members = at.resources.map((r, i) =>
        primitiveFor(claim(defaultId(r, groupIndex + i), at), r, popts),
      );
      resources.push(element("group", { id: topId }, members));
      groupIndex += 10;
      idIndex += at.resources.length + 1;
    }
    constraints.push(locationFor(topId, at.node));
  }
  return element("cib", { admin_epoch: 0, epoch: 0, num_updates: 0, "validate-with": OUTPUT_SCHEMA }, [
    element("configuration", {}, [
      element("crm_config", {}, [clusterOptions(haCf)]),
      element(
        "nodes",
        {},
        (haCf?.nodes ?? []).map((n) => element("node", { id: n, uname: n })),
      ),
      element("resources", {}, resources),
      element("constraints", {}, constraints),
      element("rsc_defaults", {}, [
        element("meta_attributes", { id: "rsc-options" }, [
          nvpair("rsc-options", "resource-stickiness", haCf?.autoFailback === "off" ? "INFINITY" : "0"),
        ]),
      ]),
      element("op_defaults", {}, [
        element("meta_attributes", { id: "op-options" }, [nvpair("op-options", "timeout", "20s")]),
      ]),
    ]),
    element("status"),
  ]);
}

function defaultId(r: HaresourcesResource, index: number): string {
  // IPaddr (and the bare shorthand) is named after its address; everything else TYPE_index.
  const type = resourceType(r);
  return r.kind === "ip" && type === "IPaddr" ? `IPaddr_${r.ip.replace(/\./g, "_")}` : `${type}_${index}`;
}

function nvpair(setId: string, name: string, value: string): XmlElement {
  return element("nvpair", { id: `${setId}-${name}`, name, value });
}

function clusterOptions(haCf?: HaCf): XmlElement {
  const set = "cib-bootstrap-options";
  const stonithHosts =
    haCf?.other.filter((o) => o.directive === "stonith" || o.directive === "stonith_host") ?? [];
  // A two-node partition of one must keep running resources, or nothing fails over.
  const twoNode = haCf !== undefined && haCf.nodes.length === 2;
  return element("cluster_property_set", { id: set }, [
    nvpair(set, "symmetric-cluster", "true"),
    nvpair(set, "no-quorum-policy", twoNode ? "ignore" : "stop"),
    nvpair(set, "stonith-enabled", "false"),
    nvpair(set, "startup-fencing", stonithHosts.length > 0 ? "true" : "false"),
    nvpair(set, "stop-orphan-resources", "true"),
    nvpair(set, "stop-orphan-actions", "true"),
    nvpair(set, "cluster-delay", "60s"),
  ]);
}

function locationFor(id: string, node: string): XmlElement {
  return element("rsc_location", { id: `rsc_location_${id}`, rsc: id }, [
    element("rule", { id: `prefered_location_${id}`, score: 100 }, [
      element("expression", {
        id: `prefered_location_${id}_expr`,
        attribute: "#uname",
        operation: "eq",
        value: node,
      }),
    ]),
  ]);
}
