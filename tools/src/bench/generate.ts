import { element, operationDigest, serializeXml, type XmlElement } from "@hbx/cib";
import { placeResources, type BenchLayout, type NodeNaming, type TopLevelItem } from "./layout.js";

/**
 * Synthetic CIBs for `pnpm bench`: N nodes, M ocf:pacemaker:Dummy primitives (a fifth of them in
 * groups of five), a location preference on every third top-level resource, colocations and
 * orders between pairs of groups, default stickiness and migration-threshold, fencing off.
 * Node names padded (`node01`) or not (`node1`). Two variants: "stopped" (empty status, all nodes online) and "running" (every resource started
 * and monitored where a previous transition placed it, probed everywhere else).
 */
export type BenchVariant = "stopped" | "running";

export interface BenchCibOptions {
  readonly nodes: number;
  readonly resources: number;
  readonly variant: BenchVariant;
  /** Node names; padded (`node01`) unless told. */
  readonly names?: NodeNaming;
}

const MONITOR_INTERVAL_MS = 10_000;
const MONITOR_TIMEOUT_MS = 20_000;
const FEATURE_SET = "3.16.2";
/** A fixed transition UUID and time so the same options always give the same file. */
const TRANSITION_UUID = "8b3c2a10-0000-4000-8000-00000000b3c4";
const LAST_RC_CHANGE = "1700000000";

const START_DIGEST = operationDigest({});
const MONITOR_DIGEST = operationDigest({
  CRM_meta_interval: String(MONITOR_INTERVAL_MS),
  CRM_meta_timeout: String(MONITOR_TIMEOUT_MS),
});

function nvpair(setId: string, name: string, value: string): XmlElement {
  return element("nvpair", { id: `${setId}-${name}`, name, value });
}

function primitive(id: string): XmlElement {
  return element("primitive", { id, class: "ocf", provider: "pacemaker", type: "Dummy" }, [
    element("operations", {}, [
      element("op", {
        id: `${id}-monitor-10s`,
        name: "monitor",
        interval: "10s",
        timeout: `${MONITOR_TIMEOUT_MS / 1000}s`,
      }),
    ]),
  ]);
}

function topLevelResource(item: TopLevelItem): XmlElement {
  if (item.kind === "primitive") return primitive(item.id);
  return element("group", { id: item.id }, item.members.map(primitive));
}

function constraints(layout: BenchLayout): XmlElement {
  const children: XmlElement[] = [];
  for (const pref of layout.locations) {
    children.push(
      element("rsc_location", {
        id: `loc-${pref.rsc}`,
        rsc: pref.rsc,
        node: pref.node,
        score: String(pref.score),
      }),
    );
  }
  for (const pair of layout.groupPairs) {
    children.push(
      element("rsc_colocation", {
        id: `col-${pair.dependent}-with-${pair.primary}`,
        rsc: pair.dependent,
        "with-rsc": pair.primary,
        score: "INFINITY",
      }),
      element("rsc_order", {
        id: `ord-${pair.primary}-then-${pair.dependent}`,
        first: pair.primary,
        then: pair.dependent,
        kind: "Mandatory",
      }),
    );
  }
  return element("constraints", {}, children);
}

function op(rsc: string, node: string, callId: number, kind: "start" | "monitor" | "probe"): XmlElement {
  const operation = kind === "start" ? "start" : "monitor";
  const interval = kind === "monitor" ? MONITOR_INTERVAL_MS : 0;
  const rc = kind === "probe" ? 7 : 0;
  const key = `${rsc}_${operation}_${interval}`;
  const tkey = `${callId}:1:${rc}:${TRANSITION_UUID}`;
  return element("lrm_rsc_op", {
    id: kind === "monitor" ? `${rsc}_monitor_${interval}` : `${rsc}_last_0`,
    operation_key: key,
    operation,
    "crm-debug-origin": "do_update_resource",
    crm_feature_set: FEATURE_SET,
    "transition-key": tkey,
    "transition-magic": `0:${rc};${tkey}`,
    "exit-reason": "",
    on_node: node,
    "call-id": String(callId),
    "rc-code": String(rc),
    "op-status": "0",
    interval: String(interval),
    "last-rc-change": LAST_RC_CHANGE,
    "exec-time": "10",
    "queue-time": "0",
    "op-digest": kind === "monitor" ? MONITOR_DIGEST : START_DIGEST,
  });
}

function nodeState(layout: BenchLayout, nodeIndex: number, running: boolean): XmlElement {
  const node = layout.nodes[nodeIndex];
  const id = String(nodeIndex + 1);
  const children: XmlElement[] = [];
  if (running) {
    let callId = 1;
    const resources = layout.primitives.map((rsc) => {
      const here = layout.placement.get(rsc) === node;
      const ops = here
        ? [op(rsc, node, callId++, "start"), op(rsc, node, callId++, "monitor")]
        : [op(rsc, node, callId++, "probe")];
      return element("lrm_resource", { id: rsc, type: "Dummy", class: "ocf", provider: "pacemaker" }, ops);
    });
    children.push(element("lrm", { id }, [element("lrm_resources", {}, resources)]));
  }
  return element(
    "node_state",
    {
      id,
      uname: node,
      in_ccm: "true",
      crmd: "online",
      "crm-debug-origin": "do_state_transition",
      join: "member",
      expected: "member",
    },
    children,
  );
}

/** The CIB as an XML tree. */
export function generateBenchCib(options: BenchCibOptions): XmlElement {
  const layout = placeResources(options.nodes, options.resources, options.names);
  const running = options.variant === "running";
  return element(
    "cib",
    {
      crm_feature_set: FEATURE_SET,
      "validate-with": "pacemaker-3.7",
      epoch: "1",
      num_updates: "0",
      admin_epoch: "0",
      "have-quorum": "1",
      "dc-uuid": "1",
    },
    [
      element("configuration", {}, [
        element("crm_config", {}, [
          element("cluster_property_set", { id: "cib-bootstrap-options" }, [
            nvpair("cib-bootstrap-options", "stonith-enabled", "false"),
            nvpair("cib-bootstrap-options", "cluster-infrastructure", "corosync"),
          ]),
        ]),
        element(
          "nodes",
          {},
          layout.nodes.map((uname, i) => element("node", { id: String(i + 1), uname })),
        ),
        element("resources", {}, layout.items.map(topLevelResource)),
        constraints(layout),
        element("rsc_defaults", {}, [
          element("meta_attributes", { id: "rsc-options" }, [
            nvpair("rsc-options", "resource-stickiness", "100"),
            nvpair("rsc-options", "migration-threshold", "3"),
          ]),
        ]),
      ]),
      element(
        "status",
        {},
        layout.nodes.map((_, i) => nodeState(layout, i, running)),
      ),
    ],
  );
}

/** The CIB as the text written to disk. */
export function generateBenchCibText(options: BenchCibOptions): string {
  return serializeXml(generateBenchCib(options), { pretty: true });
}
