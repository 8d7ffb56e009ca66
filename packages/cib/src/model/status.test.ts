import { describe, expect, it } from "vitest";
import { parseXml } from "../xml/parse.js";
import { readStatus } from "./status.js";

const op = (key: string | undefined): string =>
  `<lrm_rsc_op id="a_start_0" operation="start" call-id="7" rc-code="0" op-status="0" interval="0"${
    key === undefined ? "" : ` transition-key="${key}"`
  }/>`;

function targetRc(key: string | undefined): number | undefined {
  const cib = parseXml(
    `<cib><status><node_state id="1" uname="n1"><lrm id="1"><lrm_resources>` +
      `<lrm_resource id="a" class="ocf" provider="heartbeat" type="Dummy">${op(key)}</lrm_resource>` +
      `</lrm_resources></lrm></node_state></status></cib>`,
  );
  return readStatus(cib)[0].resources[0].ops[0].targetRc;
}

describe("readStatus", () => {
  it("reads the target rc from the third field of a transition-key", () => {
    expect(targetRc("3:14:7:0b6ae4b2-1234-4cde-8f00-1234567890ab")).toBe(7);
    expect(targetRc("3:14:0:x:y")).toBe(0);
  });

  it("has no target rc when the key is missing, short or not a number there", () => {
    expect(targetRc(undefined)).toBeUndefined();
    expect(targetRc("")).toBeUndefined();
    expect(targetRc("3:14:7")).toBeUndefined();
    expect(targetRc("3:14::uuid")).toBeUndefined();
    expect(targetRc("3:14:seven:uuid")).toBeUndefined();
  });
});
