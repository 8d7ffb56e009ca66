import { type XmlElement, element, serializeXml } from "@hbx/cib";
import { type ClusterNode, type Resource, Role, type WorkingSet, roleText } from "@hbx/pengine";
import { ctime, rcText } from "./format.js";
import { failedActions } from "./history.js";
import { type MonOptions } from "./options.js";
import { clusterProperties, primitives } from "./summary.js";

const bool = (b: boolean) => (b ? "true" : "false");

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
        id: r.id,
        resource_agent: agent(r),
        role: roleText(active ? r.role : Role.Stopped),
        target_role: r.targetRole !== undefined ? roleText(r.targetRole) : undefined,
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
  const children = r.children
    .map((c) => resourceXml(c, showInactive))
    .filter((c): c is XmlElement => c !== undefined);
  if (children.length === 0 && !showInactive) return undefined;
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
      failed: bool(r.children.some((c) => c.failed)),
      failure_ignored: bool(r.failureIgnored),
    },
    children,
  );
}

function failuresXml(ws: WorkingSet): XmlElement | undefined {
  const list = failedActions(ws);
  if (list.length === 0) return undefined;
  return element(
    "failures",
    {},
    list.map((f) =>
      element("failure", {
        op_key: f.op.element.attrs.operation_key ?? f.op.id,
        node: f.node,
        exitstatus: rcText(f.op.rc),
        exitreason: f.op.element.attrs["exit-reason"] ?? "",
        exitcode: f.op.rc,
        call: f.op.callId,
        status: f.op.opStatus,
        interval: f.op.interval,
        task: f.op.operation,
      }),
    ),
  );
}

function attributesXml(ws: WorkingSet): XmlElement {
  return element(
    "node_attributes",
    {},
    ws.nodes
      .filter((n) => n.online)
      .map((n) =>
        element(
          "node",
          { name: n.name },
          [...n.attrs.keys()]
            .filter(
              (k) => !k.startsWith("#") && !k.startsWith("fail-count-") && !k.startsWith("last-failure-"),
            )
            .sort()
            .map((k) => element("attribute", { name: k, value: n.attrs.get(k) ?? "" })),
        ),
      ),
  );
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
    element(
      "resources",
      {},
      ws.resources.map((r) => resourceXml(r, opts.inactive)).filter((e): e is XmlElement => e !== undefined),
    ),
    attributesXml(ws),
  ];
  const failures = failuresXml(ws);
  if (failures) body.push(failures);
  if (opts.legacyXml)
    return serializeXml(element("crm_mon", { version: "2.1.5" }, body), { pretty: true, declaration: true });
  body.push(element("status", { code: 0, message: "OK" }));
  return serializeXml(element("pacemaker-result", { "api-version": "2.25", request: opts.request }, body), {
    pretty: true,
    declaration: true,
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
