import { describe, expect, it } from "vitest";
import { type LrmOp, element } from "@hbx/cib";
import { sortOps } from "./history.js";

function op(operation: string, callId: number, magic: string, lastRcChange?: number): LrmOp {
  return {
    id: `${operation}_${callId}`,
    operation,
    interval: 0,
    callId,
    rc: 0,
    opStatus: callId === -1 ? -1 : 0,
    lastRcChange,
    element: element("lrm_rsc_op", { "transition-magic": magic }),
  };
}

describe("ordering a node's operation history", () => {
  it("orders by call id, and two records of one call by when the result changed", () => {
    const ops = [
      op("stop", 9, "0:0;1:5:0:u"),
      op("start", 4, "0:0;1:4:0:u", 20),
      op("monitor", 4, "0:0;2:4:0:u", 10),
    ];
    expect(sortOps(ops).map((o) => o.operation)).toEqual(["monitor", "start", "stop"]);
  });

  it("places a pending operation by its transition: a start left pending before a later stop is older", () => {
    const pending = op("start", -1, "-1:1;3:8:0:dc");
    const stop = op("stop", 8, "0:0;4:9:0:dc");
    expect(sortOps([pending, stop]).map((o) => o.operation)).toEqual(["start", "stop"]);
  });

  it("puts a pending operation last when it comes from another DC", () => {
    const pending = op("start", -1, "-1:1;3:8:0:other");
    const stop = op("stop", 8, "0:0;4:9:0:dc");
    expect(sortOps([stop, pending]).map((o) => o.operation)).toEqual(["stop", "start"]);
  });
});
