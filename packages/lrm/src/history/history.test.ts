import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  element,
  operationDigest,
  parseXml,
  schedulerCorpusDir,
  walkElements,
  type XmlElement,
} from "@hbx/cib";
import { describe, expect, it } from "vitest";
import { ExecStatus } from "../codes.js";
import { type OperationRequest, type OperationResult } from "../types.js";
import { buildLrmRscOp, isFailure } from "./lrm-rsc-op.js";
import { recordOperation } from "./record.js";

let nextCall = 1;
function result(
  req: Partial<OperationRequest>,
  rc = 0,
  status: number = ExecStatus.DONE,
  finishedAt = 1_700_000_000_000,
): OperationResult {
  const request: OperationRequest = {
    rscId: "vip",
    spec: { standard: "ocf", provider: "heartbeat", type: "IPaddr2" },
    action: "start",
    intervalMs: 0,
    timeoutMs: 20_000,
    params: { ip: "192.0.2.10" },
    ...req,
  };
  return {
    callId: nextCall++,
    request,
    rc,
    status: status as OperationResult["status"],
    exitReason: "",
    stdout: "",
    stderr: "",
    outputTruncated: false,
    enqueuedAt: finishedAt - 60,
    startedAt: finishedAt - 50,
    finishedAt,
    execTimeMs: 50,
    queueTimeMs: 10,
    pid: 1,
  };
}

function cib(): XmlElement {
  return parseXml(
    `<cib><configuration><nodes><node id="1" uname="alpha"/></nodes><resources/></configuration><status/></cib>`,
    "test",
  );
}

function opsOf(root: XmlElement): XmlElement[] {
  return [...walkElements(root)].filter((e) => e.name === "lrm_rsc_op");
}

const corpus = schedulerCorpusDir();

describe("buildLrmRscOp", () => {
  it("writes the attributes Pacemaker writes, in its order", () => {
    const op = buildLrmRscOp(result({ transitionKey: "7:3:0:1a2b3c4d-0000-4000-8000-000000000001" }), {
      node: "alpha",
    });
    expect(op.attrs).toMatchObject({
      id: "vip_last_0",
      operation_key: "vip_start_0",
      operation: "start",
      "transition-magic": "0:0;7:3:0:1a2b3c4d-0000-4000-8000-000000000001",
      on_node: "alpha",
      "rc-code": "0",
      "op-status": "0",
      interval: "0",
      "last-rc-change": "1700000000",
      "exec-time": "50",
      "queue-time": "10",
      "op-digest": operationDigest({ ip: "192.0.2.10", CRM_meta_timeout: "20000" }),
    });
  });

  it.skipIf(corpus === undefined || !existsSync(corpus ?? ""))(
    "has the attribute set of a recorded Pacemaker 2.1 lrm_rsc_op from the corpus",
    () => {
      const dir = join(corpus!, "xml");
      let example: XmlElement | undefined;
      for (const f of readdirSync(dir).sort()) {
        const text = readFileSync(join(dir, f), "utf8");
        if (!text.includes('crm_feature_set="3.16') || !text.includes("exit-reason")) continue;
        example = opsOf(parseXml(text, f)).find(
          (o) => o.attrs["transition-key"] && o.attrs["exit-reason"] !== undefined && !o.attrs["last-run"],
        );
        if (example) break;
      }
      expect(example).toBeDefined();
      const ours = buildLrmRscOp(result({ transitionKey: "1:1:0:u" }), { node: "alpha" });
      expect(Object.keys(ours.attrs)).toEqual(Object.keys(example!.attrs));
    },
  );

  it("uses the operation key as id for a recurring operation", () => {
    const op = buildLrmRscOp(result({ action: "monitor", intervalMs: 10_000 }), { node: "alpha" });
    expect([op.attrs.id, op.attrs.operation_key, op.attrs.interval]).toEqual([
      "vip_monitor_10000",
      "vip_monitor_10000",
      "10000",
    ]);
    // No transition asked for it: Pacemaker's "no transition" key, carrying the expected rc.
    expect(op.attrs["transition-key"]).toMatch(/^0:\d+:0:xxxxxxxx-xrsc-opxx-xcrm-resourcexxxx$/);
  });

  it("counts a probe's 7 as success and a start's 7 as failure", () => {
    expect(isFailure(result({ action: "monitor" }, 7))).toBe(false);
    expect(isFailure(result({ action: "start" }, 7))).toBe(true);
    expect(isFailure(result({ action: "start" }, 1, ExecStatus.TIMEOUT))).toBe(true);
    expect(isFailure(result({ action: "monitor", transitionKey: "3:1:7:u" }, 7))).toBe(false);
  });
});

describe("recordOperation", () => {
  it("builds node_state → lrm → lrm_resources → lrm_resource and replaces the last op", () => {
    const root = cib();
    recordOperation(root, "alpha", result({ action: "start" }));
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 10_000 }));
    recordOperation(root, "alpha", result({ action: "stop" }));
    const ns = [...walkElements(root)].find((e) => e.name === "node_state")!;
    expect(ns.attrs).toMatchObject({ id: "1", uname: "alpha" });
    const rsc = [...walkElements(root)].find((e) => e.name === "lrm_resource")!;
    expect(rsc.attrs).toEqual({ id: "vip", type: "IPaddr2", class: "ocf", provider: "heartbeat" });
    // The stop replaced vip_last_0 and, having succeeded, removed the recurring monitor's record.
    expect(opsOf(root).map((o) => [o.attrs.id, o.attrs.operation])).toEqual([["vip_last_0", "stop"]]);
  });

  it("keeps a failure as rsc_last_failure_0 beside the last op", () => {
    const root = cib();
    recordOperation(root, "alpha", result({ action: "start" }, 1, ExecStatus.TIMEOUT));
    expect(opsOf(root).map((o) => [o.attrs.id, o.attrs["op-status"], o.attrs["rc-code"]])).toEqual([
      ["vip_last_0", "2", "1"],
      ["vip_last_failure_0", "2", "1"],
    ]);
    recordOperation(root, "alpha", result({ action: "start" }));
    expect(opsOf(root).map((o) => [o.attrs.id, o.attrs["rc-code"]])).toEqual([
      ["vip_last_0", "0"],
      ["vip_last_failure_0", "1"],
    ]);
  });

  it("keeps a failed monitor's rsc_last_failure_0 through the stop that recovers it", () => {
    const root = cib();
    recordOperation(root, "alpha", result({ action: "start" }));
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 5000 }));
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 5000 }, 7));
    recordOperation(root, "alpha", result({ action: "stop" }));
    expect(
      opsOf(root).map((o) => [o.attrs.id, o.attrs.operation, o.attrs.interval, o.attrs["rc-code"]]),
    ).toEqual([
      ["vip_last_0", "stop", "0", "0"],
      ["vip_last_failure_0", "monitor", "5000", "7"],
    ]);
  });

  it("keeps a recurring op's last-rc-change while its rc stays the same, and removes it when cancelled", () => {
    const root = cib();
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 5000 }, 0, 0, 1_700_000_000_000));
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 5000 }, 0, 0, 1_700_000_100_000));
    expect(opsOf(root)[0].attrs["last-rc-change"]).toBe("1700000000");
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 5000 }, 7, 0, 1_700_000_200_000));
    expect(opsOf(root).find((o) => o.attrs.id === "vip_monitor_5000")!.attrs["last-rc-change"]).toBe(
      "1700000200",
    );
    recordOperation(root, "alpha", result({ action: "monitor", intervalMs: 5000 }, 0, ExecStatus.CANCELLED));
    expect(opsOf(root).map((o) => o.attrs.id)).toEqual(["vip_last_failure_0"]);
  });

  it("refuses a document that is not a CIB and leaves it unchanged", () => {
    const notCib = element("configuration");
    expect(() => recordOperation(notCib, "alpha", result({}))).toThrow(
      /expected a <cib> root element, found <configuration>/,
    );
    expect(notCib.children).toEqual([]);
  });
});
