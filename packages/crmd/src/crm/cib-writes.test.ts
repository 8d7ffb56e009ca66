import { describe, expect, it } from "vitest";
import { type XmlElement, makePatch, parseXml, readVersion, serializeXml } from "@hbx/cib";
import type { MembershipView } from "@hbx/ccm";
import { CibWriteError, applyClientPatch, checkReplace, quorumRefusal } from "./cib-writes.js";

const CURRENT = `<cib admin_epoch="0" epoch="7" num_updates="40" have-quorum="1" dc-uuid="alpha" crm_feature_set="3.0.14" validate-with="pacemaker-3.0" cib-last-written="Mon Dec  7 10:00:00 2026"><configuration>
<crm_config><cluster_property_set id="opts"><nvpair id="opts-a" name="a" value="1"/></cluster_property_set></crm_config>
<nodes/><resources><primitive id="d1" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/></configuration>
<status><node_state id="alpha" uname="alpha"/></status></cib>`;

const cib = (x = CURRENT) => parseXml(x, "test");
const refusal = (fn: () => unknown): CibWriteError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CibWriteError) return e;
    throw e;
  }
  throw new Error("not refused");
};
const withNvpair = (doc: XmlElement, id: string) =>
  parseXml(
    serializeXml(doc, { pretty: false }).replace(
      '<nvpair id="opts-a" name="a" value="1"/>',
      `<nvpair id="opts-a" name="a" value="1"/><nvpair id="${id}" name="${id}" value="x"/>`,
    ),
    "edited",
  );

describe("applyClientPatch", () => {
  it("applies a patch made from an older version when its changes still apply", () => {
    const read = cib();
    const patch = makePatch(read, withNvpair(read, "mine"));
    // Someone else's write landed first.
    const current = withNvpair(cib(CURRENT.replace('epoch="7"', 'epoch="8"')), "theirs");
    const next = serializeXml(applyClientPatch(current, patch), { pretty: false });
    expect(next).toContain('id="mine"');
    expect(next).toContain('id="theirs"');
  });

  it("refuses a patch whose target was deleted meanwhile, naming the xpath", () => {
    const read = cib();
    const edited = cib(CURRENT.replace('type="Dummy"/>', 'type="Stateful"/>'));
    const patch = makePatch(read, edited);
    const current = cib(CURRENT.replace(/<primitive[^>]*\/>/, ""));
    const e = refusal(() => applyClientPatch(current, patch));
    expect(e.reason).toBe("conflict");
    expect(e.xpath).toBe("/cib/configuration/resources/primitive[@id='d1']");
    expect(e.message).toContain("nothing was changed");
  });

  it("keeps have-quorum, dc-uuid and the version counters the DC's", () => {
    const read = cib();
    const edited = withNvpair(read, "mine");
    Object.assign(edited.attrs, { "have-quorum": "0", "dc-uuid": "mallory", epoch: "99", num_updates: "0" });
    const next = applyClientPatch(read, makePatch(read, edited));
    expect(next.attrs["have-quorum"]).toBe("1");
    expect(next.attrs["dc-uuid"]).toBe("alpha");
    expect(readVersion(next)).toEqual(readVersion(read));
  });

  it("takes a raised admin_epoch with its epoch, as cibadmin --upgrade sends it", () => {
    const read = cib();
    const edited = withNvpair(read, "mine");
    Object.assign(edited.attrs, { admin_epoch: "1", epoch: "1" });
    expect(readVersion(applyClientPatch(read, makePatch(read, edited)))).toEqual({
      adminEpoch: 1,
      epoch: 1,
      numUpdates: 0,
    });
  });

  it("refuses a change to the status section", () => {
    const read = cib();
    const edited = cib(CURRENT.replace('uname="alpha"/>', 'uname="alpha" expected="down"/>'));
    expect(refusal(() => applyClientPatch(read, makePatch(read, edited))).reason).toBe("status");
  });

  it("leaves the status section untouched, the same element, when the patch is about the configuration", () => {
    const read = cib();
    const status = read.children.find((c) => c.kind === "element" && c.name === "status");
    const next = applyClientPatch(read, makePatch(read, withNvpair(read, "mine")));
    expect(next.children.find((c) => c.kind === "element" && c.name === "status")).toBe(status);
    expect(serializeXml(next, { pretty: false })).toContain(
      '<status><node_state id="alpha" uname="alpha"/></status>',
    );
  });

  it("refuses a change that reaches the status by a path that does not name it, or adds a second status", () => {
    const read = cib();
    const byXPath = parseXml(
      `<diff format="2"><change operation="modify" path="//node_state[@id='alpha']"><change-list><change-attr name="expected" operation="set" value="down"/></change-list></change></diff>`,
      "patch",
    );
    expect(refusal(() => applyClientPatch(read, byXPath)).reason).toBe("status");
    const second = parseXml(
      `<diff format="2"><change operation="create" path="/cib" position="1"><status><node_state id="bravo"/></status></change></diff>`,
      "patch",
    );
    expect(refusal(() => applyClientPatch(read, second)).reason).toBe("status");
  });
});

describe("checkReplace", () => {
  it("takes an equal configuration version (the CAS match) and keeps the DC's status and attributes", () => {
    const incoming = withNvpair(cib(), "mine");
    Object.assign(incoming.attrs, { "have-quorum": "0", num_updates: "3" });
    incoming.children = incoming.children.filter((c) => !(c.kind === "element" && c.name === "status"));
    const next = checkReplace(cib(), incoming, false);
    expect(next.attrs["have-quorum"]).toBe("1");
    expect(readVersion(next)).toEqual({ adminEpoch: 0, epoch: 7, numUpdates: 40 });
    expect(serializeXml(next, { pretty: false })).toContain(
      '<status><node_state id="alpha" uname="alpha"/></status>',
    );
    expect(serializeXml(next, { pretty: false })).toContain('id="mine"');
  });

  it("refuses an older epoch with Pacemaker's message, unless forced", () => {
    const old = cib(
      CURRENT.replace('epoch="7"', 'epoch="6"').replace('num_updates="40"', 'num_updates="99"'),
    );
    const e = refusal(() => checkReplace(cib(), old, false));
    expect(e.reason).toBe("old");
    expect(e.message).toMatch(
      /^Update was older than existing configuration: the replacement is 0\.6 but the configuration is at 0\.7/,
    );
    expect(readVersion(checkReplace(cib(), old, true)).epoch).toBe(7);
  });

  it("refuses a document whose root is not <cib>", () => {
    const e = refusal(() => checkReplace(cib(), parseXml("<configuration/>", "x"), false));
    expect(e.reason).toBe("invalid");
    expect(e.message).toContain("found <configuration>");
  });
});

describe("quorumRefusal", () => {
  const view = (quorate: boolean, twoNode = false): MembershipView => ({
    members: ["alpha"],
    quorate,
    twoNode,
    dc: "alpha",
  });
  const policy = (p: string) =>
    cib(
      CURRENT.replace(
        "</cluster_property_set>",
        `<nvpair id="nqp" name="no-quorum-policy" value="${p}"/></cluster_property_set>`,
      ),
    );

  it("refuses a write in a partition without quorum, saying what --force risks", () => {
    const e = quorumRefusal(cib(), view(false), false);
    expect(e?.message).toMatch(
      /^cluster partition has no quorum: write refused .*--force writes anyway, at the risk/,
    );
    expect(e?.reason).toBe("quorum");
  });

  it("lets the write through with quorum, with --force, or with no-quorum-policy=ignore", () => {
    expect(quorumRefusal(cib(), view(true), false)).toBeUndefined();
    expect(quorumRefusal(cib(), view(false), true)).toBeUndefined();
    expect(quorumRefusal(policy("ignore"), view(false), false)).toBeUndefined();
    expect(quorumRefusal(policy("stop"), view(false), false)).toBeDefined();
  });
});
