import { describe, expect, it } from "vitest";
import { parseXml } from "../xml/parse.js";
import { checkCibValues, formatCibValueError } from "./semantic.js";
import { parseBooleanValue, parseDurationMs } from "./values.js";
import { CibValueErrors, assertWritableCib } from "./writable.js";

function cib(resources: string, constraints = "", extra = ""): string {
  return `<cib validate-with="pacemaker-3.8" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="alpha"/></nodes>
    <resources>${resources}</resources>
    <constraints>${constraints}</constraints>${extra}
  </configuration>
  <status/>
</cib>`;
}

const prim = (meta: string, ops = `<op id="d-mon" name="monitor" interval="10s" timeout="20"/>`) =>
  `<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="d-meta">${meta}</meta_attributes><operations>${ops}</operations></primitive>`;
const nv = (name: string, value: string) => `<nvpair id="d-meta-${name}" name="${name}" value="${value}"/>`;

describe("checkCibValues", () => {
  it("accepts every spelling Pacemaker reads", () => {
    const doc = parseXml(
      cib(
        prim(
          nv("resource-stickiness", "-INFINITY") +
            nv("migration-threshold", "INFINITY") +
            nv("is-managed", "yes") +
            nv("priority", "+10") +
            nv("clone-max", "2") +
            nv("failure-timeout", "PT1M30S") +
            nv("target-role", "Started"),
          `<op id="d-mon" name="monitor" interval="1500ms" timeout="2min" start-delay="0"/>`,
        ),
        `<rsc_location id="l" rsc="d" node="alpha" score="+INFINITY"/>`,
        `<op_defaults><meta_attributes id="od"><nvpair id="od-t" name="timeout" value="PT20S"/></meta_attributes></op_defaults>`,
      ),
    );
    expect(checkCibValues(doc)).toEqual([]);
  });

  it("names the place, the expected form and what was found for each bad value", () => {
    const doc = parseXml(
      cib(
        prim(
          nv("resource-stickiness", "banana") + nv("migration-threshold", "-5") + nv("is_managed", "maybe"),
        ),
        `<rsc_location id="loc-banana" rsc="d" node="alpha" score="banana"/>`,
      ),
    );
    const errors = checkCibValues(doc);
    expect(errors.map((e) => [e.elementId, e.attribute, e.found])).toEqual([
      ["d-meta-resource-stickiness", "resource-stickiness", "banana"],
      ["d-meta-migration-threshold", "migration-threshold", "-5"],
      ["d-meta-is_managed", "is_managed", "maybe"],
      ["loc-banana", "score", "banana"],
    ]);
    expect(formatCibValueError(errors[0])).toBe(
      "/cib/configuration/resources/primitive[@id='d']/meta_attributes[@id='d-meta']/nvpair[@id='d-meta-resource-stickiness']: resource-stickiness=\"banana\" is not valid; expected a score (an integer, INFINITY, +INFINITY or -INFINITY)",
    );
    expect(errors[1].expected).toBe("a non-negative integer or INFINITY");
  });

  it("checks op intervals and timeouts, on <op> and in op_defaults", () => {
    const doc = parseXml(
      cib(
        prim("", `<op id="d-mon" name="monitor" interval="often" timeout="10 parsecs"/>`),
        "",
        `<op_defaults><meta_attributes id="od"><nvpair id="od-t" name="timeout" value="soon"/></meta_attributes></op_defaults>`,
      ),
    );
    expect(checkCibValues(doc).map((e) => `${e.elementId}.${e.attribute}=${e.found}`)).toEqual([
      "d-mon.interval=often",
      "d-mon.timeout=10 parsecs",
      "od-t.timeout=soon",
    ]);
  });

  it("refuses an agent class no node could have, a malformed interval and a malformed score, naming each element id", () => {
    const doc = parseXml(
      cib(
        `<primitive id="vip" class="ocff" provider="heartbeat" type="IPaddr2"/>` +
          prim("", `<op id="d-mon" name="monitor" interval="3x"/>`),
        `<rsc_location id="loc-d" rsc="d" node="alpha" score="2OO"/>`,
      ),
    );
    const errors = checkCibValues(doc);
    expect(errors.map((e) => `${e.elementId}.${e.attribute}=${e.found}`)).toEqual([
      "vip.class=ocff",
      "d-mon.interval=3x",
      "loc-d.score=2OO",
    ]);
    expect(formatCibValueError(errors[0])).toBe(
      `/cib/configuration/resources/primitive[@id='vip']: class="ocff" is not valid; expected a resource agent class (ocf, lsb, heartbeat, stonith, service, systemd, upstart, nagios)`,
    );
  });

  it("accepts every agent class Pacemaker knows, installed here or not", () => {
    const classes = ["ocf", "lsb", "heartbeat", "stonith", "service", "systemd", "upstart", "nagios"];
    const doc = parseXml(
      cib(classes.map((c) => `<primitive id="p-${c}" class="${c}" provider="x" type="Dumy"/>`).join("")),
    );
    expect(checkCibValues(doc)).toEqual([]);
  });

  it("leaves instance attributes, the status section and unknown meta attributes alone", () => {
    const doc = parseXml(
      cib(
        `<primitive id="d" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="i"><nvpair id="i-t" name="timeout" value="whatever"/></instance_attributes><meta_attributes id="m"><nvpair id="m-x" name="my-own" value="x"/></meta_attributes></primitive>`,
      ).replace(
        "<status/>",
        `<status><node_state id="1"><lrm_rsc_op id="o" interval="x"/></node_state></status>`,
      ),
    );
    expect(checkCibValues(doc)).toEqual([]);
  });

  it("with `since`, reports only values the write adds or changes", () => {
    const before = parseXml(cib(prim(nv("priority", "high"))));
    const after = parseXml(cib(prim(nv("priority", "high") + nv("notify", "perhaps"))));
    expect(checkCibValues(after, { since: before }).map((e) => e.found)).toEqual(["perhaps"]);
  });
});

describe("assertWritableCib", () => {
  it("refuses a bad value with one line naming the source", async () => {
    const text = cib(prim(nv("resource-stickiness", "banana")));
    await expect(assertWritableCib(text, "cib.replace")).rejects.toThrow(CibValueErrors);
    await expect(assertWritableCib(text, "cib.replace")).rejects.toThrow(
      /^cib\.replace: \/cib\/configuration\/resources\/primitive\[@id='d'\].*resource-stickiness="banana" is not valid/,
    );
  });

  it("refuses a DTD before the schema validator sees it", async () => {
    await expect(
      assertWritableCib(`<!DOCTYPE cib [<!ENTITY a "b">]>\n${cib("")}`, "cib.replace"),
    ).rejects.toThrow("cib.replace:1:1: refused: DTDs and entities are not accepted");
  });

  it("returns the parsed document of a good CIB", async () => {
    const doc = await assertWritableCib(cib(prim(nv("resource-stickiness", "100"))), "t");
    expect(doc.name).toBe("cib");
  });
});

describe("typed values", () => {
  it.each([
    ["10", 10_000],
    ["10s", 10_000],
    ["500ms", 500],
    ["2min", 120_000],
    ["1h", 3_600_000],
    ["PT1M30S", 90_000],
    ["P1D", 86_400_000],
    ["0", 0],
  ])("reads the duration %s as %i ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "banana", "-5", "1.5s", "10 parsecs"])("refuses the duration '%s'", (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it("reads Pacemaker's boolean spellings and nothing else", () => {
    expect(["true", "On", "YES", "y", "1"].map(parseBooleanValue)).toEqual([true, true, true, true, true]);
    expect(["false", "off", "No", "n", "0"].map(parseBooleanValue)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(parseBooleanValue("banana")).toBeUndefined();
  });
});
