import { type XmlElement, element, serializeXml } from "@hbx/cib";
import {
  type ClusterNode,
  type Resource,
  Role,
  type WorkingSet,
  parseInterval,
  roleText,
} from "@hbx/pengine";
import { ctime, printableId, rcText } from "./format.js";
import { execStatusName } from "../common/exec-status.js";
import { hidden } from "./attributes.js";
import { bansXml } from "./bans.js";
import { type FailedAction, failedActions } from "./history.js";
import { nodeHistoryXml } from "./history-xml.js";
import { type MonOptions } from "./options.js";
import { clusterProperties, primitives } from "./summary.js";

const bool = (b: boolean) => (b ? "true" : "false");
/** An epoch-seconds attribute as 2.1.5's failure list writes it: `2025-11-21 10:00:00Z` (UTC). */
function isoTime(seconds: string | undefined): string | undefined {
  const n = Number(seconds ?? 0);
  if (!(n > 0)) return undefined;
  return new Date(n * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

const isTrue = (v: string | undefined) => ["true", "on", "yes", "y", "1"].includes((v ?? "").toLowerCase());

function summary(ws: WorkingSet, now: Date): XmlElement {
  const props = clusterProperties(ws.cib);
  const a = ws.cib.attrs;
  const dc = ws.dcNode;
  const prims = primitives(ws);
  return element("summary", {}, [
    element("stack", { type: props.get("cluster-infrastructure") ?? "unknown" }),
    dc
      ? element("current_dc", {
          present: "true",
          version: props.get("dc-version") ?? "",
          name: dc.name,
          id: dc.id,
          with_quorum: bool(ws.options.haveQuorum),
          // hbx runs one version across the cluster.
          mixed_version: "false",
        })
      : element("current_dc", { present: "false" }),
    element("last_update", { time: ctime(now) }),
    element("last_change", {
      time: a["cib-last-written"] ?? "",
      user: a["update-user"] ?? "",
      client: a["update-client"] ?? "",
      origin: a["update-origin"] ?? "",
    }),
    element("nodes_configured", { number: ws.nodes.length }),
    element("resources_configured", {
      number: prims.length,
      disabled: prims.filter((r) => r.targetRole === Role.Stopped).length,
      blocked: prims.filter((r) => r.blocked).length,
    }),
    element("cluster_options", {
      "stonith-enabled": bool(ws.options.stonithEnabled),
      "symmetric-cluster": bool(ws.options.symmetric),
      "no-quorum-policy": ws.options.noQuorumPolicy,
      "maintenance-mode": bool(ws.options.maintenanceMode),
      "stop-all-resources": bool(isTrue(props.get("stop-all-resources"))),
      "stonith-timeout-ms": parseInterval(props.get("stonith-timeout") ?? "60s"),
      "priority-fencing-delay-ms": parseInterval(props.get("priority-fencing-delay") ?? "0"),
    }),
  ]);
}

function runningCount(ws: WorkingSet, n: ClusterNode): number {
  return primitives(ws).filter((r) => r.runningOn.includes(n)).length;
}

function nodeXml(ws: WorkingSet, n: ClusterNode): XmlElement {
  return element("node", {
    name: n.name,
    id: n.id,
    online: bool(n.online),
    standby: bool(n.standby),
    standby_onfail: bool(n.standbyOnFail),
    maintenance: bool(n.maintenance),
    pending: bool(n.pending),
    unclean: bool(n.unclean),
    // Without a node-health strategy every node is green; hbx does not colour them otherwise yet.
    health: ws.options.nodeHealthStrategy === "none" ? "green" : undefined,
    // An online cluster node's controller feature set; 2.1.5 writes "<3.15.1" when it is unknown.
    feature_set: n.online && !n.remote ? (n.attrs.get("#feature-set") ?? "<3.15.1") : undefined,
    shutdown: bool(n.shutdown),
    expected_up: bool(n.expectedUp),
    is_dc: bool(ws.dcNode === n),
    resources_running: runningCount(ws, n),
    type: n.remote ? "remote" : "member",
  });
}

function agent(r: Resource): string {
  return `${r.cls ?? ""}${r.provider ? `:${r.provider}` : ""}:${r.type ?? ""}`;
}

function resourceXml(r: Resource, showInactive: boolean): XmlElement | undefined {
  const kind = r.variant.kind;
  if (kind === "primitive") {
    const active = r.runningOn.length > 0;
    if (!active && !showInactive) return undefined;
    return element(
      "resource",
      {
        id: printableId(r),
        resource_agent: agent(r),
        role: roleText(active ? r.role : Role.Stopped),
        // As configured (2.1.5 echoes "started" as written), and only under its modern name.
        target_role: r.meta.get("target-role"),
        active: bool(active),
        orphaned: bool(r.orphan),
        blocked: bool(r.blocked),
        managed: bool(r.managed),
        failed: bool(r.failed),
        failure_ignored: bool(r.failureIgnored),
        nodes_running_on: r.runningOn.length,
      },
      r.runningOn.map((n) => element("node", { name: n.name, id: n.id, cached: "true" })),
    );
  }
  // 2.1.5 lists every instance of a clone, stopped or not, with or without -r.
  const all = showInactive || kind === "clone";
  const children = r.children.map((c) => resourceXml(c, all)).filter((c): c is XmlElement => c !== undefined);
  if (children.length === 0 && !all) return undefined;
  const disabled = bool(r.targetRole === Role.Stopped);
  if (kind === "group")
    return element(
      "group",
      { id: r.id, number_resources: r.children.length, managed: bool(r.managed), disabled },
      children,
    );
  return element(
    "clone",
    {
      id: r.id,
      multi_state: bool(r.meta.get("promotable") === "true"),
      unique: bool(r.meta.get("globally-unique") === "true"),
      managed: bool(r.managed),
      disabled,
      // The clone's own failed flag: a failed instance does not set it.
      failed: bool(r.failed),
      failure_ignored: bool(r.failureIgnored),
      target_role: r.meta.get("target-role"),
    },
    children,
  );
}

/**
 * One failed operation as 2.1.5 writes it: keyed by op_key (or the op's id when the history has
 * no operation_key), "none" for a missing exit reason, and the timing, interval and task only
 * when the failure has a last-rc-change.
 */
function failureXml(f: FailedAction): XmlElement {
  const a = f.op.element.attrs;
  const key = a.operation_key;
  const when = isoTime(a["last-rc-change"]);
  return element("failure", {
    op_key: key,
    id: key === undefined ? f.op.id : undefined,
    node: f.node,
    exitstatus: rcText(f.op.rc),
    exitreason: a["exit-reason"] ?? "none",
    exitcode: f.op.rc,
    call: f.op.callId,
    status: execStatusName(f.op.opStatus),
    "last-rc-change": when,
    queued: when ? a["queue-time"] : undefined,
    exec: when ? a["exec-time"] : undefined,
    interval: when ? f.op.interval : undefined,
    task: when ? f.op.operation : undefined,
  });
}

function failuresXml(ws: WorkingSet): XmlElement | undefined {
  const list = failedActions(ws);
  return list.length === 0 ? undefined : element("failures", {}, list.map(failureXml));
}

/** `<resources>`, inactive ones included whether or not -r was given, as 2.1.5's (and crm_resource -L's). */
export function resourcesXml(ws: WorkingSet): XmlElement {
  return element(
    "resources",
    {},
    ws.resources.map((r) => resourceXml(r, true)).filter((e): e is XmlElement => e !== undefined),
  );
}

/** Online nodes' visible attributes; a node with none is left out, and the list too when empty. */
function attributesXml(ws: WorkingSet): XmlElement | undefined {
  const nodes: XmlElement[] = [];
  for (const n of ws.nodes) {
    if (!n.online) continue;
    const names = [...n.attrs.keys()].filter((k) => !hidden(k)).sort();
    if (names.length === 0) continue;
    const attrs = names.map((k) => element("attribute", { name: k, value: n.attrs.get(k) ?? "" }));
    nodes.push(element("node", { name: n.name }, attrs));
  }
  return nodes.length > 0 ? element("node_attributes", {}, nodes) : undefined;
}

/** The status as XML: Pacemaker's `<pacemaker-result>` for --output-as=xml, `<crm_mon>` for -X. */
export function xmlReport(ws: WorkingSet, opts: MonOptions, now: Date): string {
  const body: XmlElement[] = [
    summary(ws, now),
    element(
      "nodes",
      {},
      ws.nodes.map((n) => nodeXml(ws, n)),
    ),
    resourcesXml(ws),
  ];
  const attributes = attributesXml(ws);
  if (attributes) body.push(attributes);
  const history = nodeHistoryXml(ws);
  if (history) body.push(history);
  const failures = failuresXml(ws);
  if (failures) body.push(failures);
  const bans = bansXml(ws);
  if (bans) body.push(bans);
  if (opts.legacyXml) return serializeXml(element("crm_mon", { version: "2.1.5" }, body), { pretty: true });
  body.push(element("status", { code: 0, message: "OK" }));
  // 2.1.5 writes no XML declaration in front of either document.
  return serializeXml(element("pacemaker-result", { "api-version": "2.25", request: opts.request }, body), {
    pretty: true,
  });
}

/** A connection failure in XML, as Pacemaker reports it under --output-as=xml. */
export function xmlError(opts: MonOptions, message: string, code: number): string {
  if (opts.legacyXml)
    return serializeXml(element("crm_mon", { version: "2.1.5" }), { pretty: true, declaration: true });
  return serializeXml(
    element("pacemaker-result", { "api-version": "2.25", request: opts.request }, [
      element("status", { code, message: code === 0 ? "OK" : "Error occurred" }, [
        element("errors", {}, [element("error", {}, [{ kind: "text", text: message }])]),
      ]),
    ]),
    { pretty: true, declaration: true },
  );
}
