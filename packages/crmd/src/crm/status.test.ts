import { childElements, firstChild, parseXml, type XmlElement } from "@hbx/cib";
import { buildPlannedGraph, executableActions, schedule } from "@hbx/pengine";
import { ExecStatus, recordOperation } from "@hbx/lrm";
import { describe, expect, it } from "vitest";
import { requestFromAction } from "./lrm-wire.js";
import {
  adoptLrmInstances,
  effectiveQuorum,
  ensureNodeEntries,
  writeClusterAttrs,
  writeNodeStates,
} from "./status.js";

const cibText = (extraOptions = "", status = "") =>
  `<cib admin_epoch="0" epoch="3" num_updates="0"><configuration><crm_config><cluster_property_set id="o">
  <nvpair id="o1" name="stonith-enabled" value="false"/>${extraOptions}</cluster_property_set></crm_config>
  <nodes><node id="alpha" uname="alpha"/></nodes>
  <resources><primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/></resources>
  <constraints><rsc_location id="l1" rsc="d" node="alpha" score="100"/><rsc_location id="l2" rsc="d" node="bravo" score="50"/></constraints>
  </configuration><status>${status}</status></cib>`;

const nodeState = (cib: XmlElement, name: string) =>
  childElements(firstChild(cib, "status")!, "node_state").find((n) => n.attrs.uname === name);

const view = (members: string[], total: number) => ({
  members,
  quorate: members.length * 2 > total,
  twoNode: total === 2,
  dc: members[0],
});

describe("the DC's status edits", () => {
  it("adds a configuration node entry for every ha.cf node that has none, once", () => {
    const cib = parseXml(cibText(), "t");
    ensureNodeEntries(cib, ["alpha", "bravo", "charlie"]);
    ensureNodeEntries(cib, ["alpha", "bravo", "charlie"]);
    const nodes = childElements(firstChild(firstChild(cib, "configuration")!, "nodes")!, "node");
    expect(nodes.map((n) => n.attrs.uname)).toEqual(["alpha", "bravo", "charlie"]);
  });

  it("writes members online and a lost node offline, and no node_state for a node never seen", () => {
    const cib = parseXml(cibText(), "t");
    writeNodeStates(cib, ["alpha", "bravo"], ["alpha", "bravo", "charlie"], "alpha");
    expect(nodeState(cib, "bravo")?.attrs).toMatchObject({
      in_ccm: "true",
      crmd: "online",
      join: "member",
      expected: "member",
    });
    expect(nodeState(cib, "charlie")).toBeUndefined();
    writeNodeStates(cib, ["bravo"], ["alpha", "bravo", "charlie"], "bravo");
    expect(nodeState(cib, "alpha")?.attrs).toMatchObject({ in_ccm: "false", crmd: "offline", join: "down" });
    expect(cib.attrs["dc-uuid"]).toBe("bravo");
  });

  it("moves a resource off a node recorded as lost, since without fencing its history is not read", () => {
    const cib = parseXml(cibText(), "t");
    ensureNodeEntries(cib, ["alpha", "bravo", "charlie"]);
    writeNodeStates(cib, ["alpha", "bravo", "charlie"], ["alpha", "bravo", "charlie"], "alpha");
    writeClusterAttrs(cib, true);
    // The transition as the DC records it: requests built from the actions, the LRM's results.
    // First the probes on every node (rc 7, as expected), then the start on alpha (rc 0).
    const record = (node: string, request: ReturnType<typeof requestFromAction>, rc: number) =>
      recordOperation(cib, node, {
        callId: 1,
        request,
        rc,
        status: ExecStatus.DONE,
        exitReason: "",
        stdout: "",
        stderr: "",
        outputTruncated: false,
        enqueuedAt: 0,
        startedAt: 0,
        finishedAt: 10,
        execTimeMs: 10,
        queueTimeMs: 0,
        pid: 1,
      });
    const first = buildPlannedGraph(schedule(cib, { now: new Date(0) }).ws).actions;
    expect(first.map((a) => `${a.task}@${a.node?.name}`).sort()).toEqual([
      "monitor@alpha",
      "monitor@bravo",
      "monitor@charlie",
      "start@alpha",
    ]);
    // In the graph's order: a start runs only after the probe on its node has completed.
    const probesFirst = [...first].sort(
      (a, b) => Number(a.task !== "monitor") - Number(b.task !== "monitor"),
    );
    for (const a of probesFirst)
      record(a.node!.name, requestFromAction(a, 1, "uuid"), a.task === "monitor" ? 7 : 0);
    // Everything is known (probed) and d runs where it should: nothing more to do.
    expect(
      executableActions(schedule(cib, { now: new Date(0) }).ws).map((a) => `${a.task}@${a.node?.name}`),
    ).toEqual([]);
    writeNodeStates(cib, ["bravo", "charlie"], ["alpha", "bravo", "charlie"], "bravo");
    const acts = executableActions(schedule(cib, { now: new Date(0) }).ws).map(
      (a) => `${a.task}@${a.node?.name}`,
    );
    expect(acts).toEqual(["start@bravo"]);
  });

  it("keeps a lone node of two running unless the CIB sets a no-quorum-policy", () => {
    const plain = parseXml(cibText(), "t");
    expect(effectiveQuorum(plain, view(["alpha"], 2))).toBe(true);
    const strict = parseXml(cibText(`<nvpair id="o2" name="no-quorum-policy" value="stop"/>`), "t");
    expect(effectiveQuorum(strict, view(["alpha"], 2))).toBe(false);
    // Heartbeat v2 spelled it no_quorum_policy, inside <attributes>.
    const v2 = `</cluster_property_set><cluster_property_set id="v2"><attributes>
      <nvpair id="o2" name="no_quorum_policy" value="stop"/></attributes>`;
    expect(effectiveQuorum(parseXml(cibText(v2), "t"), view(["alpha"], 2))).toBe(false);
    expect(effectiveQuorum(plain, view(["alpha"], 3))).toBe(false);
    expect(effectiveQuorum(plain, view(["alpha", "bravo"], 3))).toBe(true);
    writeClusterAttrs(plain, false);
    expect(plain.attrs["have-quorum"]).toBe("0");
  });

  it("drops a node's history when its LRM instance changed (it restarted) and keeps it otherwise", () => {
    const cib = parseXml(
      cibText(
        "",
        `<node_state id="alpha" uname="alpha" hbx-lrm-instance="7"><lrm id="alpha"/></node_state><node_state id="bravo" uname="bravo" hbx-lrm-instance="3"><lrm id="bravo"/></node_state>`,
      ),
      "t",
    );
    const cleared = adoptLrmInstances(
      cib,
      new Map([
        ["alpha", "8"],
        ["bravo", "3"],
      ]),
    );
    expect(cleared).toEqual(["alpha"]);
    expect(firstChild(nodeState(cib, "alpha")!, "lrm")).toBeUndefined();
    expect(nodeState(cib, "alpha")!.attrs["hbx-lrm-instance"]).toBe("8");
    expect(firstChild(nodeState(cib, "bravo")!, "lrm")).toBeDefined();
  });
});
