import { describe, expect, it } from "vitest";
import { configurationDigest, firstChild, parseXml, readVersion, serializeXml } from "@hbx/cib";
import {
  adoptConfiguration,
  configReport,
  divergentConfigs,
  keepTerm,
  newerConfigSource,
  olderTerm,
  readTerm,
  writeTerm,
  type ConfigReport,
} from "./config-merge.js";
import { decodeJoinReply, encodeJoinReply } from "./join.js";

function cib(
  admin: number,
  epoch: number,
  updates: number,
  resources: string,
  quorum = "1",
  term = 0,
): string {
  const termSet =
    term > 0
      ? `<cluster_property_set id="hbx-dc-term"><nvpair id="hbx-dc-term-value" name="hbx-dc-term" value="${term}"/></cluster_property_set>`
      : "";
  return `<cib admin_epoch="${admin}" epoch="${epoch}" num_updates="${updates}" have-quorum="${quorum}" dc-uuid="alpha"><configuration><crm_config>${termSet}</crm_config><nodes/><resources>${resources}</resources><constraints/></configuration><status><node_state id="alpha" uname="alpha"/></status></cib>`;
}

const dummy = (id: string) => `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;

function report(xml: string): ConfigReport {
  return configReport(parseXml(xml, "test"));
}

describe("the configuration a DC keeps at a merge", () => {
  it("is the joiner's when its epoch is higher, even though the DC's num_updates ran far ahead", () => {
    const own = report(cib(0, 2, 44, dummy("r1")));
    const reports = new Map([
      ["charlie", report(cib(0, 10, 0, dummy("r1") + dummy("w21")))],
      ["bravo", report(cib(0, 3, 900, dummy("r1")))],
    ]);
    expect(newerConfigSource(own, reports)?.node).toBe("charlie");
  });

  it("stays the DC's when no joiner's (admin_epoch, epoch) is higher", () => {
    const own = report(cib(0, 10, 0, dummy("r1")));
    const reports = new Map([["bravo", report(cib(0, 10, 500, dummy("r1")))]]);
    expect(newerConfigSource(own, reports)).toBeUndefined();
    expect(
      newerConfigSource(own, new Map([["bravo", report(cib(0, 9, 9999, dummy("r1")))]])),
    ).toBeUndefined();
  });

  it("orders admin_epoch before epoch", () => {
    const own = report(cib(0, 50, 0, dummy("r1")));
    const reports = new Map([
      ["bravo", report(cib(1, 0, 0, dummy("r2")))],
      ["charlie", report(cib(0, 99, 0, dummy("r3")))],
    ]);
    expect(newerConfigSource(own, reports)?.node).toBe("bravo");
  });

  it("picks the same node on every DC when two joiners tie, whatever order they answered in", () => {
    const own = report(cib(0, 1, 0, ""));
    const a = report(cib(0, 4, 0, dummy("x")));
    const b = report(cib(0, 4, 3, dummy("y")));
    expect(
      newerConfigSource(
        own,
        new Map([
          ["node2", a],
          ["node10", b],
        ]),
      )?.node,
    ).toBe("node10");
    expect(
      newerConfigSource(
        own,
        new Map([
          ["node10", b],
          ["node2", a],
        ]),
      )?.node,
    ).toBe("node10");
  });

  it("names a joiner whose configuration differs at the DC's own version", () => {
    const own = report(cib(0, 5, 0, dummy("r1")));
    const reports = new Map([
      ["bravo", report(cib(0, 5, 7, dummy("r1")))],
      ["charlie", report(cib(0, 5, 0, dummy("forced")))],
    ]);
    expect(divergentConfigs(own, reports)).toEqual(["charlie"]);
  });

  it("takes only the configuration section and keeps the DC's status and <cib> attributes", () => {
    const doc = parseXml(cib(0, 2, 44, dummy("r1"), "0"), "dc");
    const source = parseXml(
      cib(0, 10, 3, dummy("r1") + dummy("w21"), "1").replace("alpha", "charlie"),
      "charlie",
    );
    adoptConfiguration(doc, source);
    expect(configurationDigest(doc)).toBe(configurationDigest(source));
    expect(readVersion(doc)).toEqual({ adminEpoch: 0, epoch: 10, numUpdates: 45 });
    expect(doc.attrs["have-quorum"]).toBe("0");
    expect(serializeXml(firstChild(doc, "status")!)).toContain('uname="alpha"');
  });
});

describe("the DC term in the configuration", () => {
  it("orders a deposed DC's unacknowledged write below the majority's write at the same version", () => {
    // The deposed DC stored w2 as 0.3.0 in term 1; the majority's new DC wrote w3 as 0.3.0 in term 2.
    const own = report(cib(0, 3, 5, dummy("w2"), "0", 1));
    const reports = new Map([["charlie", report(cib(0, 3, 0, dummy("w3"), "1", 2))]]);
    expect(newerConfigSource(own, reports)?.node).toBe("charlie");
    expect(divergentConfigs(own, reports)).toEqual([]);
  });

  it("outranks epoch: a newer term with a lower epoch wins, and the adopted version still grows", () => {
    const own = report(cib(0, 5, 0, dummy("w2") + dummy("w4"), "0", 1));
    const reports = new Map([["bravo", report(cib(0, 4, 0, dummy("w3"), "1", 2))]]);
    expect(newerConfigSource(own, reports)?.node).toBe("bravo");
    const doc = parseXml(cib(0, 5, 9, dummy("w2") + dummy("w4"), "0", 1), "dc");
    adoptConfiguration(doc, parseXml(cib(0, 4, 2, dummy("w3"), "1", 2), "bravo"));
    expect(readVersion(doc)).toEqual({ adminEpoch: 0, epoch: 6, numUpdates: 10 });
    expect(readTerm(doc)).toBe(2);
  });

  it("keeps a node from taking a configuration of an older term, whatever its version numbers", () => {
    const held = report(cib(0, 4, 0, dummy("w3"), "1", 2));
    expect(olderTerm(report(cib(0, 9, 50, dummy("w2"), "1", 1)), held)).toBe(true);
    expect(olderTerm(report(cib(0, 1, 0, dummy("x"), "1", 2)), held)).toBe(false);
    expect(olderTerm(report(cib(1, 0, 0, dummy("upgrade"), "1", 0)), held)).toBe(false);
  });

  it("is below admin_epoch, which an administrator raises to force a configuration", () => {
    const own = report(cib(1, 1, 0, dummy("upgrade"), "1", 1));
    expect(
      newerConfigSource(own, new Map([["bravo", report(cib(0, 9, 0, dummy("x"), "1", 7))]])),
    ).toBeUndefined();
  });

  it("reads as 0 when absent or not a count, and is written in a set of its own", () => {
    expect(readTerm(parseXml(cib(0, 1, 0, ""), "x"))).toBe(0);
    const doc = parseXml(cib(0, 1, 0, "", "1", 3).replace('value="3"', 'value="banana"'), "x");
    expect(readTerm(doc)).toBe(0);
    writeTerm(doc, 4);
    expect(readTerm(doc)).toBe(4);
    expect(serializeXml(doc).replace(/\s*\n\s*/g, "")).toContain(
      '<cluster_property_set id="hbx-dc-term"><nvpair id="hbx-dc-term-value" name="hbx-dc-term" value="4"/></cluster_property_set>',
    );
  });

  it("stays the DC's through a client's write that drops it or sets another", () => {
    const current = parseXml(cib(0, 2, 0, dummy("r1"), "1", 5), "dc");
    const dropped = parseXml(cib(0, 2, 0, dummy("r1") + dummy("r2")), "client");
    keepTerm(dropped, current);
    expect(readTerm(dropped)).toBe(5);
    const forged = parseXml(cib(0, 2, 0, dummy("r1"), "1", 99), "client");
    keepTerm(forged, current);
    expect(readTerm(forged)).toBe(5);
    const none = parseXml(cib(0, 2, 0, dummy("r1")), "dc");
    const added = parseXml(cib(0, 2, 0, dummy("r1"), "1", 8), "client");
    keepTerm(added, none);
    expect(readTerm(added)).toBe(0);
    expect(serializeXml(added)).not.toContain("hbx-dc-term");
  });
});

describe("the join reply's configuration report", () => {
  it("round-trips and is optional for a node that does not send it", () => {
    const config = report(cib(0, 7, 2, dummy("r1")));
    const decoded = decodeJoinReply(encodeJoinReply({ generation: "3", monitors: [], config }));
    expect(decoded.config).toEqual(config);
    expect(decodeJoinReply(encodeJoinReply({ generation: "3", monitors: [] })).config).toBeUndefined();
  });

  it("is refused with the expected shape when a counter is not a count", () => {
    const bad = JSON.stringify({
      generation: "3",
      monitors: [],
      config: { version: { adminEpoch: 0, epoch: "banana", numUpdates: 0 }, digest: "x" },
    });
    expect(() => decodeJoinReply(bad)).toThrow(
      /expected config \{version \{adminEpoch, epoch, numUpdates\}, term, digest\}/,
    );
  });
});
