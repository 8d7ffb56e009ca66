import { describe, expect, it } from "vitest";
import { type CcmEffect, CcmCore, hasQuorum } from "./core.js";

const dcOf = (effs: CcmEffect[]) => effs.find((e) => e.type === "dc");

describe("CcmCore", () => {
  const nodes = ["alpha", "bravo", "charlie"];

  it("elects no DC while a node is still pending, then the first member in ha.cf order", () => {
    const ccm = new CcmCore({ self: "charlie", nodes });
    expect(dcOf(ccm.start(0))).toBeUndefined();
    expect(dcOf(ccm.step(1, { type: "node", node: "bravo", up: true }))).toBeUndefined();
    expect(dcOf(ccm.step(2, { type: "node", node: "alpha", up: true }))).toEqual({
      type: "dc",
      dc: "alpha",
      previous: undefined,
      isSelf: false,
    });
    expect(ccm.view()).toMatchObject({ members: ["alpha", "bravo", "charlie"], quorate: true, dc: "alpha" });
  });

  it("elects the next node in order when the DC dies, and tells that node it is DC", () => {
    const ccm = new CcmCore({ self: "bravo", nodes });
    ccm.step(0, { type: "node", node: "alpha", up: true });
    ccm.step(0, { type: "node", node: "charlie", up: true });
    const effs = ccm.step(5, { type: "node", node: "alpha", up: false });
    expect(effs[0]).toMatchObject({ type: "membership", left: ["alpha"], joined: [] });
    expect(dcOf(effs)).toEqual({ type: "dc", dc: "bravo", previous: "alpha", isSelf: true });
    expect(ccm.view()).toMatchObject({ members: ["bravo", "charlie"], quorate: true });
  });

  it("gives the DC back to the first node when it returns, and loses quorum at one of three", () => {
    const ccm = new CcmCore({ self: "charlie", nodes });
    ccm.step(0, { type: "node", node: "alpha", up: false });
    expect(dcOf(ccm.step(0, { type: "node", node: "bravo", up: false }))).toMatchObject({
      dc: "charlie",
      isSelf: true,
    });
    expect(ccm.view().quorate).toBe(false);
    expect(dcOf(ccm.step(9, { type: "node", node: "alpha", up: true }))).toMatchObject({
      dc: "alpha",
      previous: "charlie",
      isSelf: false,
    });
  });

  it("reports a repeated status without effects and ignores nodes not in ha.cf", () => {
    const ccm = new CcmCore({ self: "alpha", nodes: ["alpha", "bravo"] });
    expect(ccm.step(0, { type: "node", node: "bravo", up: true }).map((e) => e.type)).toEqual([
      "membership",
      "dc",
    ]);
    expect(ccm.step(1, { type: "node", node: "bravo", up: true })).toEqual([]);
    expect(ccm.step(1, { type: "node", node: "pinghost", up: true })).toEqual([]);
    expect(ccm.view().twoNode).toBe(true);
  });

  it("counts quorum as more than half of the configured nodes", () => {
    expect(hasQuorum(2, 3)).toBe(true);
    expect(hasQuorum(1, 2)).toBe(false);
    expect(hasQuorum(2, 4)).toBe(false);
    expect(hasQuorum(1, 1)).toBe(true);
  });
});
