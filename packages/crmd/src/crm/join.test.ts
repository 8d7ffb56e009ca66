import { describe, expect, it } from "vitest";
import { parseXml, walkElements } from "@hbx/cib";
import { ExecStatus, type OperationResult } from "@hbx/lrm";
import { adoptReportedHistory, decodeJoinReply, encodeJoinReply, unrecordedResults } from "./join.js";

function monitor(rscId: string, intervalMs: number, rc: number): OperationResult {
  return {
    callId: 7,
    request: {
      rscId,
      spec: { standard: "ocf", provider: "heartbeat", type: "Dummy" },
      action: "monitor",
      intervalMs,
      timeoutMs: 20_000,
      params: {},
      transitionKey: "3:1:0:dc",
    },
    rc,
    status: ExecStatus.DONE,
    exitReason: "",
    stdout: "",
    stderr: "",
    outputTruncated: false,
    enqueuedAt: 0,
    startedAt: 0,
    finishedAt: 0,
    execTimeMs: 0,
    queueTimeMs: 0,
    pid: 1,
  };
}

const CIB = `<cib><configuration/><status>
  <node_state id="n1" uname="n1" in_ccm="true" crmd="online"><lrm id="n1"><lrm_resources>
    <lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy">
      <lrm_rsc_op id="a_last_0" operation="start" rc-code="0" interval="0"/>
      <lrm_rsc_op id="a_monitor_1000" operation="monitor" rc-code="0" interval="1000"/>
    </lrm_resource>
    <lrm_resource id="b" class="ocf" provider="heartbeat" type="Dummy">
      <lrm_rsc_op id="b_monitor_1000" operation="monitor" rc-code="7" interval="1000"/>
    </lrm_resource>
  </lrm_resources></lrm></node_state>
</status></cib>`;

describe("join replies", () => {
  it("carry the generation and the recurring results, and read a bare generation too", () => {
    const reply = { generation: "42", monitors: [monitor("a", 1000, 7)] };
    expect(decodeJoinReply(encodeJoinReply(reply))).toEqual(reply);
    expect(decodeJoinReply("17")).toEqual({ generation: "17", monitors: [] });
    expect(() => decodeJoinReply('{"generation": 3}')).toThrow(/expected \{generation, monitors\}/);
  });

  it("pick out the results the node's history does not show", () => {
    const cib = parseXml(CIB, "t.xml");
    const results = [
      monitor("a", 1000, 7),
      monitor("b", 1000, 7),
      monitor("a", 5000, 0),
      monitor("c", 1000, 0),
    ];
    // a failed since its record said 0; b's failure is recorded; a's 5 s monitor and c are not
    // recorded at all.
    expect(
      unrecordedResults(cib, "n1", results).map((r) => `${r.request.rscId}/${r.request.intervalMs}/${r.rc}`),
    ).toEqual(["a/1000/7", "a/5000/0", "c/1000/0"]);
    expect(unrecordedResults(cib, "n1", [monitor("a", 1000, 0)])).toEqual([]);
    expect(unrecordedResults(cib, "unknown", [monitor("a", 1000, 0)])).toHaveLength(1);
  });
});

describe("adoptReportedHistory", () => {
  const cibWith = (ops: string) =>
    parseXml(`<cib><configuration/><status>
  <node_state id="n1" uname="n1" in_ccm="true" crmd="online"><lrm id="n1"><lrm_resources>
    <lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy">${ops}</lrm_resource>
  </lrm_resources></lrm></node_state></status></cib>`);

  it("replaces a stale 'running' record with the node's own account", () => {
    const cib = cibWith(`<lrm_rsc_op id="a_last_0" operation="start" rc-code="0" interval="0" call-id="3"/>`);
    const stop = {
      ...monitor("a", 0, 0),
      callId: 5,
      request: { ...monitor("a", 0, 0).request, action: "stop" },
    };
    expect(adoptReportedHistory(cib, "n1", { results: [stop], lastCallId: 5 })).toEqual(["a"]);
    const ops = [...walkElements(cib)].filter((e) => e.name === "lrm_rsc_op");
    expect(ops.map((o) => [o.attrs.id, o.attrs.operation])).toEqual([["a_last_0", "stop"]]);
  });

  it("keeps records newer than the report, and empties what the report covers", () => {
    const cib = cibWith(
      `<lrm_rsc_op id="a_last_0" operation="start" rc-code="0" interval="0" call-id="3"/>` +
        `<lrm_rsc_op id="a_monitor_1000" operation="monitor" rc-code="0" interval="1000" call-id="9"/>`,
    );
    adoptReportedHistory(cib, "n1", { results: [], lastCallId: 4 });
    const ops = [...walkElements(cib)].filter((e) => e.name === "lrm_rsc_op");
    expect(ops.map((o) => o.attrs.id)).toEqual(["a_monitor_1000"]);
    const none = cibWith(
      `<lrm_rsc_op id="a_last_0" operation="start" rc-code="0" interval="0" call-id="3"/>`,
    );
    // The node's LRM ran call 3 and has since forgotten it (nothing it reports runs).
    adoptReportedHistory(none, "n1", { results: [], lastCallId: 3 });
    expect([...walkElements(none)].filter((e) => e.name === "lrm_rsc_op")).toEqual([]);
  });
});

describe("adoptReportedHistory on a node with no history yet", () => {
  it("records nothing and does not fail", () => {
    const cib = parseXml(`<cib><configuration/><status><node_state id="n2" uname="n2"/></status></cib>`);
    expect(adoptReportedHistory(cib, "n2", { results: [], lastCallId: 0 })).toEqual([]);
  });
});
