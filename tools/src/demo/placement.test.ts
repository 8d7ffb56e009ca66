import { describe, expect, it } from "vitest";
import { groupRunsOn } from "./placement.js";

/** crm_mon --output-as xml's resources section for group web: [role, node, failed] per member. */
function monXml(members: [string, string | undefined, boolean?][]): string {
  const rs = members
    .map(
      ([role, node, failed], i) =>
        `<resource id="m${i}" role="${role}" failed="${failed ? "true" : "false"}">` +
        (node ? `<node name="${node}" id="${node}" cached="true"/>` : "") +
        `</resource>`,
    )
    .join("");
  return `<pacemaker-result api-version="2.25" request="crm_mon --output-as xml"><resources><group id="web" number_resources="${members.length}">${rs}</group></resources></pacemaker-result>`;
}

describe("groupRunsOn", () => {
  it("names the node when every member is Started there", () => {
    expect(
      groupRunsOn(
        monXml([
          ["Started", "bravo"],
          ["Started", "bravo"],
        ]),
        "web",
      ),
    ).toBe("bravo");
  });

  it("is undefined while a member is stopped, as between a node's death and the takeover", () => {
    expect(
      groupRunsOn(
        monXml([
          ["Started", "alpha"],
          ["Stopped", undefined],
        ]),
        "web",
      ),
    ).toBeUndefined();
  });

  it("is undefined while the members run on different nodes", () => {
    expect(
      groupRunsOn(
        monXml([
          ["Started", "alpha"],
          ["Started", "bravo"],
        ]),
        "web",
      ),
    ).toBeUndefined();
  });

  it("is undefined while a member is marked failed", () => {
    expect(
      groupRunsOn(
        monXml([
          ["Started", "bravo"],
          ["Started", "bravo", true],
        ]),
        "web",
      ),
    ).toBeUndefined();
  });

  it("is undefined for a group crm_mon does not list", () => {
    expect(groupRunsOn(monXml([["Started", "bravo"]]), "db")).toBeUndefined();
  });
});
