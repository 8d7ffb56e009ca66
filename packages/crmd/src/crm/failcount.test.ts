import {
  childElements,
  cloneElement,
  findNodeState,
  firstChild,
  parseXml,
  serializeXml,
  type XmlElement,
} from "@hbx/cib";
import { ExecStatus, type OperationResult } from "@hbx/lrm";
import { schedule } from "@hbx/pengine";
import { graphFromTransition } from "@hbx/tengine";
import { describe, expect, it } from "vitest";
import { recordResult } from "./failcount.js";
import { applyStatusRequest, parseStatusRequest } from "./status-ops.js";
import { adoptLrmInstances, ensureNodeEntries, writeClusterAttrs, writeNodeStates } from "./status.js";

const cib = (props = "", meta = "") => {
  const doc = parseXml(
    `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/>${props}</cluster_property_set></crm_config><nodes/>
    <resources><primitive id="d" class="ocf" provider="heartbeat" type="Dummy">${meta}<operations>
    <op id="d-mon" name="monitor" interval="10s"/></operations></primitive></resources><constraints/></configuration><status/></cib>`,
    "test.xml",
  );
  ensureNodeEntries(doc, ["alpha", "bravo"]);
  writeNodeStates(doc, ["alpha", "bravo"], ["alpha", "bravo"], "alpha");
  writeClusterAttrs(doc, true);
  return doc;
};

let call = 0;
function result(
  action: string,
  intervalMs: number,
  rc: number,
  targetRc = action === "monitor" && intervalMs === 0 ? 7 : 0,
): OperationResult {
  call++;
  return {
    callId: call,
    request: {
      rscId: "d",
      spec: { standard: "ocf", provider: "heartbeat", type: "Dummy" },
      action,
      intervalMs,
      timeoutMs: 20000,
      params: {},
      transitionKey: `${call}:1:${targetRc}:0f0e0d0c-test`,
    },
    rc,
    status: ExecStatus.DONE,
    exitReason: rc === 0 ? "" : "failed",
    stdout: "",
    stderr: "",
    outputTruncated: false,
    enqueuedAt: 0,
    startedAt: 0,
    finishedAt: 0,
    execTimeMs: 0,
    queueTimeMs: 0,
    pid: 0,
  };
}

const now = new Date("2026-01-02T03:04:05Z");
const transient = (doc: XmlElement, node: string) => {
  const ta = firstChild(findNodeState(doc, node)!, "transient_attributes");
  const set = ta && firstChild(ta, "instance_attributes");
  return Object.fromEntries(
    (set ? childElements(set, "nvpair") : []).map((p) => [p.attrs.name, p.attrs.value]),
  );
};
/** What the policy engine would do next: "task rsc@node" of each resource action. */
const plan = (doc: XmlElement) =>
  graphFromTransition(schedule(doc, { now }))
    .actions.map((a) => a.payload)
    .filter((a) => a.rsc && a.task !== "monitor")
    .map((a) => `${a.task} ${a.rsc!.id}@${a.node!.name}`);

describe("fail-count bookkeeping on the DC", () => {
  it("a failed recurring monitor adds one to fail-count-d#monitor_10000 and stamps last-failure", () => {
    const doc = cib();
    recordResult(doc, "alpha", result("start", 0, 0), now);
    expect(recordResult(doc, "alpha", result("monitor", 10000, 0), now)).toBeUndefined();
    const first = recordResult(doc, "alpha", result("monitor", 10000, 7), now);
    expect(first).toMatchObject({ node: "alpha", name: "fail-count-d#monitor_10000", value: "1" });
    recordResult(doc, "alpha", result("monitor", 10000, 1), now);
    expect(transient(doc, "alpha")).toEqual({
      "fail-count-d#monitor_10000": "2",
      "last-failure-d#monitor_10000": String(Math.floor(now.getTime() / 1000)),
    });
    // Ids as Pacemaker's attribute manager writes them.
    const ta = firstChild(findNodeState(doc, "alpha")!, "transient_attributes")!;
    expect(ta.attrs.id).toBe("alpha");
    const set = firstChild(ta, "instance_attributes")!;
    expect(set.attrs.id).toBe("status-alpha");
    expect(childElements(set, "nvpair").map((p) => p.attrs.id)).toEqual([
      "status-alpha-fail-count-d.monitor_10000",
      "status-alpha-last-failure-d.monitor_10000",
    ]);
    expect(transient(doc, "bravo")).toEqual({});
  });

  it("a failed start is INFINITY under the default start-failure-is-fatal, one when it is false", () => {
    const fatal = cib();
    expect(recordResult(fatal, "alpha", result("start", 0, 1), now)?.value).toBe("INFINITY");
    const lenient = cib('<nvpair id="o2" name="start-failure-is-fatal" value="false"/>');
    expect(recordResult(lenient, "alpha", result("start", 0, 1), now)?.value).toBe("1");
    expect(recordResult(lenient, "alpha", result("start", 0, 1), now)?.value).toBe("2");
    // Heartbeat v2's spelling, inside <attributes>, counts the same.
    const v2 = cib(`<attributes><nvpair id="o2" name="start_failure_is_fatal" value="false"/></attributes>`);
    expect(recordResult(v2, "alpha", result("start", 0, 1), now)?.value).toBe("1");
  });

  it("a failed stop is INFINITY; probes and successes never count", () => {
    const doc = cib();
    expect(recordResult(doc, "alpha", result("monitor", 0, 7), now)).toBeUndefined();
    expect(recordResult(doc, "bravo", result("monitor", 0, 0), now)).toBeUndefined();
    expect(recordResult(doc, "bravo", result("start", 0, 0), now)).toBeUndefined();
    expect(transient(doc, "alpha")).toEqual({});
    expect(recordResult(doc, "bravo", result("stop", 0, 1), now)?.value).toBe("INFINITY");
  });

  it("two failed monitors with migration-threshold=2 move the resource; one recovers it in place", () => {
    const doc = cib(
      "",
      '<meta_attributes id="d-meta"><nvpair id="d-mt" name="migration-threshold" value="2"/></meta_attributes>',
    );
    for (const n of ["alpha", "bravo"]) recordResult(doc, n, result("monitor", 0, 7), now);
    recordResult(doc, "alpha", result("start", 0, 0), now);
    recordResult(doc, "alpha", result("monitor", 10000, 0), now);
    expect(plan(doc)).toEqual([]);
    recordResult(doc, "alpha", result("monitor", 10000, 7), now);
    expect(plan(doc)).toEqual(["stop d@alpha", "start d@alpha"]);
    recordResult(doc, "alpha", result("stop", 0, 0), now);
    recordResult(doc, "alpha", result("start", 0, 0), now);
    recordResult(doc, "alpha", result("monitor", 10000, 0), now);
    recordResult(doc, "alpha", result("monitor", 10000, 7), now);
    expect(plan(doc)).toEqual(["stop d@alpha", "start d@bravo"]);
  });

  it("a failed start moves the resource at once under start-failure-is-fatal", () => {
    const doc = cib();
    for (const n of ["alpha", "bravo"]) recordResult(doc, n, result("monitor", 0, 7), now);
    recordResult(doc, "alpha", result("start", 0, 1), now);
    expect(plan(doc)).toEqual(["stop d@alpha", "start d@bravo"]);
  });

  it("a node whose LRM instance changed (hbxd restarted) loses its fail-counts with its history", () => {
    const doc = cib();
    adoptLrmInstances(doc, new Map([["alpha", "1"]]));
    recordResult(doc, "alpha", result("start", 0, 1), now);
    adoptLrmInstances(doc, new Map([["alpha", "1"]]));
    expect(transient(doc, "alpha")["fail-count-d#start_0"]).toBe("INFINITY");
    expect(adoptLrmInstances(doc, new Map([["alpha", "2"]]))).toEqual(["alpha"]);
    expect(transient(doc, "alpha")).toEqual({});
    expect(firstChild(findNodeState(doc, "alpha")!, "lrm")).toBeUndefined();
  });
});

describe("cib.status-update and cib.cleanup on the DC's CIB", () => {
  it("sets and deletes a node's transient attributes", () => {
    const doc = cib();
    const set = parseStatusRequest("cib.status-update", {
      node: "bravo",
      set: { "fail-count-d#start_0": "3", pingd: "100" },
    });
    expect(applyStatusRequest(doc, set)).toEqual(["bravo"]);
    expect(transient(doc, "bravo")).toEqual({ "fail-count-d#start_0": "3", pingd: "100" });
    applyStatusRequest(
      doc,
      parseStatusRequest("cib.status-update", { node: "bravo", delete: ["pingd", "absent"] }),
    );
    expect(transient(doc, "bravo")).toEqual({ "fail-count-d#start_0": "3" });
  });

  it("cleanup forgets the resource's fail-counts and history on one node or all", () => {
    const doc = cib();
    for (const n of ["alpha", "bravo"]) {
      recordResult(doc, n, result("start", 0, 1), now);
      recordResult(doc, n, result("monitor", 10000, 7), now);
    }
    expect(
      applyStatusRequest(doc, parseStatusRequest("cib.cleanup", { resource: "d", node: "alpha" })),
    ).toEqual(["alpha"]);
    expect(transient(doc, "alpha")).toEqual({});
    expect(serializeXml(findNodeState(doc, "alpha")!)).not.toContain("lrm_resource ");
    expect(transient(doc, "bravo")["fail-count-d#start_0"]).toBe("INFINITY");
    expect(applyStatusRequest(doc, parseStatusRequest("cib.cleanup", { resource: "d" }))).toEqual(["bravo"]);
    expect(transient(doc, "bravo")).toEqual({});
  });

  it("refuses bad requests and unknown nodes, leaving the CIB unchanged", () => {
    const doc = cib();
    const before = serializeXml(cloneElement(doc));
    expect(() => parseStatusRequest("cib.status-update", { set: {} })).toThrow(/needs \{node\}/);
    expect(() => parseStatusRequest("cib.status-update", { node: "a", set: { x: 1 } })).toThrow(
      /set\.x must be a string/,
    );
    expect(() => parseStatusRequest("cib.cleanup", {})).toThrow(/needs \{resource\}/);
    expect(() =>
      applyStatusRequest(doc, parseStatusRequest("cib.status-update", { node: "charlie", set: { a: "1" } })),
    ).toThrow(/node 'charlie' has no node_state/);
    expect(serializeXml(doc)).toBe(before);
  });
});
