import { cloneElement, findNodeState, parseXml, setTransientAttribute, walkElements } from "@hbx/cib";
import { describe, expect, it } from "vitest";
import { liveStatusChange } from "./live-status.js";
import { cleanupResource } from "./status.js";

const base = () =>
  parseXml(
    `<cib epoch="1" num_updates="3" admin_epoch="0"><configuration/><status>
  <node_state id="n1" uname="alpha" crmd="online"><transient_attributes id="n1"><instance_attributes id="status-n1">
    <nvpair id="status-n1-fail-count-d.monitor_1000" name="fail-count-d#monitor_1000" value="2"/>
    <nvpair id="status-n1-last-failure-d.monitor_1000" name="last-failure-d#monitor_1000" value="1700000000"/>
  </instance_attributes></transient_attributes>
  <lrm id="n1"><lrm_resources><lrm_resource id="d" type="Dummy" class="ocf" provider="heartbeat">
    <lrm_rsc_op id="d_last_failure_0" operation="monitor" rc-code="7" interval="1000"/></lrm_resource>
    <lrm_resource id="e" type="Dummy" class="ocf" provider="heartbeat"/></lrm_resources></lrm></node_state>
  <node_state id="n2" uname="bravo" crmd="online"/></status></cib>`,
    "t.xml",
  );

describe("liveStatusChange: a tool's status edit as cib.status-update / cib.cleanup", () => {
  it("turns set and deleted transient attributes into per-node updates", () => {
    const b = base();
    const n = cloneElement(b);
    setTransientAttribute(findNodeState(n, "bravo")!, "pingd", "100");
    setTransientAttribute(findNodeState(n, "alpha")!, "fail-count-d#monitor_1000", "5");
    expect(liveStatusChange(b, n)).toEqual({
      updates: [
        { node: "alpha", set: { "fail-count-d#monitor_1000": "5" }, delete: [] },
        { node: "bravo", set: { pingd: "100" }, delete: [] },
      ],
      cleanups: [],
    });
  });

  it("sees an edit of a transient attribute kept in Heartbeat v2's <attributes> form", () => {
    const b = base();
    const set = [...walkElements(b)].find((e) => e.attrs.id === "status-n1")!;
    set.children = [{ kind: "element", name: "attributes", attrs: {}, children: set.children }];
    const n = cloneElement(b);
    setTransientAttribute(findNodeState(n, "alpha")!, "fail-count-d#monitor_1000", "5");
    expect(liveStatusChange(b, n)).toEqual({
      updates: [{ node: "alpha", set: { "fail-count-d#monitor_1000": "5" }, delete: [] }],
      cleanups: [],
    });
  });

  it("turns a clean-up (history and fail-counts dropped) into cib.cleanup plus the deletes", () => {
    const b = base();
    const n = cloneElement(b);
    expect(cleanupResource(n, ["d"], { history: true, onlyFailed: true })).toEqual(["alpha"]);
    expect(liveStatusChange(b, n)).toEqual({
      updates: [
        { node: "alpha", set: {}, delete: ["fail-count-d#monitor_1000", "last-failure-d#monitor_1000"] },
      ],
      cleanups: [{ resource: "d", node: "alpha" }],
    });
  });

  it("refuses any other status edit (undefined): node_state attributes, a changed history record", () => {
    const b = base();
    const n = cloneElement(b);
    findNodeState(n, "bravo")!.attrs.crmd = "offline";
    expect(liveStatusChange(b, n)).toBeUndefined();
    const m = cloneElement(b);
    const rec = [...walkElements(m)].find((e) => e.attrs.id === "d_last_failure_0")!;
    rec.attrs["rc-code"] = "0";
    expect(liveStatusChange(b, m)).toBeUndefined();
    expect(liveStatusChange(b, cloneElement(b))).toEqual({ updates: [], cleanups: [] });
  });
});
