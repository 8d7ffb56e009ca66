import { describe, expect, it } from "vitest";
import { parseXml } from "../xml/parse.js";
import {
  bumpEpoch,
  bumpNumUpdates,
  compareVersions,
  CibVersionError,
  formatVersion,
  parseVersion,
  readVersion,
} from "./version.js";

const v = (adminEpoch: number, epoch: number, numUpdates: number) => ({ adminEpoch, epoch, numUpdates });

describe("CIB versions", () => {
  it("reads admin_epoch, epoch and num_updates from the root", () => {
    const cib = parseXml(`<cib admin_epoch="1" epoch="12" num_updates="3"><configuration/></cib>`);
    expect(readVersion(cib)).toEqual(v(1, 12, 3));
    expect(formatVersion(readVersion(cib))).toBe("1.12.3");
  });

  it("treats a missing counter as 0, as Heartbeat-era CIBs omit num_updates", () => {
    expect(readVersion(parseXml(`<cib epoch="4"/>`))).toEqual(v(0, 4, 0));
  });

  it("refuses a counter that is not a number, naming the attribute", () => {
    expect(() => readVersion(parseXml(`<cib epoch="x7"/>`))).toThrow(CibVersionError);
    expect(() => readVersion(parseXml(`<cib epoch="x7"/>`))).toThrow(/epoch="x7"/);
  });

  it("orders by admin_epoch, then epoch, then num_updates", () => {
    expect(compareVersions(v(1, 0, 0), v(0, 99, 99))).toBeGreaterThan(0);
    expect(compareVersions(v(0, 5, 0), v(0, 4, 1000))).toBeGreaterThan(0);
    expect(compareVersions(v(0, 5, 2), v(0, 5, 3))).toBeLessThan(0);
    expect(compareVersions(v(0, 5, 3), v(0, 5, 3))).toBe(0);
    // numeric, not lexical: 10 > 9
    expect(compareVersions(v(0, 10, 0), v(0, 9, 0))).toBeGreaterThan(0);
  });

  it("bumps epoch (resetting num_updates) and num_updates on the root", () => {
    const cib = parseXml(`<cib validate-with="pacemaker-3.0" epoch="7" num_updates="4" admin_epoch="0"/>`);
    expect(bumpEpoch(cib)).toEqual(v(0, 8, 0));
    expect(cib.attrs).toMatchObject({ epoch: "8", num_updates: "0" });
    expect(Object.keys(cib.attrs)).toEqual(["validate-with", "epoch", "num_updates", "admin_epoch"]);
    expect(bumpNumUpdates(cib)).toEqual(v(0, 8, 1));
    expect(cib.attrs.num_updates).toBe("1");
  });

  it("parses the printed form back", () => {
    expect(parseVersion("0.12.3")).toEqual(v(0, 12, 3));
    expect(parseVersion("0.12")).toBeUndefined();
  });
});
