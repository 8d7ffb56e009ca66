import { describe, expect, it } from "vitest";
import { parseXml, serializeXml } from "../xml/index.js";
import {
  cleanupResourceStatus,
  findNodeState,
  deleteTransientAttribute,
  getTransientAttribute,
  nodeHasFailures,
  setTransientAttribute,
} from "./transient.js";
import { readStatus } from "./status.js";

/** One node whose transient attributes are written in Heartbeat v2's `<attributes>` form. */
function v2Status() {
  return parseXml(
    `<cib><configuration/><status><node_state id="n1" uname="alpha">
      <transient_attributes id="n1"><instance_attributes id="status-n1"><attributes>
        <nvpair id="status-n1-pingd" name="pingd" value="100"/>
        <nvpair id="status-n1-fc" name="fail-count-d#monitor_10000" value="2"/>
        <nvpair id="status-n1-lf" name="last-failure-d#monitor_10000" value="1767323045"/>
      </attributes></instance_attributes></transient_attributes>
    </node_state></status></cib>`,
    "v2.xml",
  );
}

const nvpairCount = (xml: string) => xml.match(/<nvpair /g)?.length ?? 0;

describe("transient attributes in Heartbeat v2's <attributes> form", () => {
  it("reads a value inside <attributes>, as the scheduler does", () => {
    const cib = v2Status();
    const state = findNodeState(cib, "alpha")!;
    expect(getTransientAttribute(state, "pingd")).toBe("100");
    expect(readStatus(cib)[0].transient[0].pairs.find((p) => p.name === "pingd")?.value).toBe("100");
  });

  it("updates the existing nvpair instead of adding a second one, and adds new ones inside <attributes>", () => {
    const cib = v2Status();
    const state = findNodeState(cib, "alpha")!;
    expect(setTransientAttribute(state, "fail-count-d#monitor_10000", (old) => String(Number(old) + 1))).toBe(
      "3",
    );
    setTransientAttribute(state, "standby", "on");
    const xml = serializeXml(cib);
    expect(nvpairCount(xml)).toBe(4);
    expect(xml).toMatch(/name="fail-count-d#monitor_10000" value="3"/);
    expect(xml).toMatch(/<attributes>(?:(?!<\/attributes>).)*name="standby"/s);
  });

  it("deletes an attribute inside <attributes>", () => {
    const state = findNodeState(v2Status(), "alpha")!;
    expect(deleteTransientAttribute(state, "pingd")).toBe(true);
    expect(getTransientAttribute(state, "pingd")).toBeUndefined();
    expect(deleteTransientAttribute(state, "pingd")).toBe(false);
  });

  it("sees a fail count inside <attributes> and cleans it up", () => {
    const cib = v2Status();
    expect(nodeHasFailures(findNodeState(cib, "alpha")!, "d")).toBe(true);
    expect(cleanupResourceStatus(cib, ["d"], { history: false })).toEqual(["alpha"]);
    const state = findNodeState(cib, "alpha")!;
    expect(nodeHasFailures(state, "d")).toBe(false);
    expect(getTransientAttribute(state, "pingd")).toBe("100");
  });
});
