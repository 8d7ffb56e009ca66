import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { evaluateRule, parseInterval } from "./rules.js";
import { compareNodeNames } from "./nodes.js";

const rule = (xml: string) => parseXml(xml, "rule.xml");
const attrs = (o: Record<string, string>) => ({ nodeAttrs: new Map(Object.entries(o)), now: new Date(0) });

describe("rule evaluation", () => {
  it("compares #uname as a string and ands expressions by default", () => {
    const r =
      rule(`<rule id="r" score="1"><expression id="e" attribute="#uname" operation="eq" value="node1"/>
      <expression id="f" attribute="rack" operation="defined"/></rule>`);
    expect(evaluateRule(r, attrs({ "#uname": "node1", rack: "a" }))).toBe(true);
    expect(evaluateRule(r, attrs({ "#uname": "node1" }))).toBe(false);
  });

  it("ors expressions with boolean-op=or and honours not_defined", () => {
    const r = rule(`<rule id="r" boolean-op="or"><expression id="e" attribute="x" operation="not_defined"/>
      <expression id="f" attribute="x" operation="eq" value="1"/></rule>`);
    expect(evaluateRule(r, attrs({}))).toBe(true);
    expect(evaluateRule(r, attrs({ x: "1" }))).toBe(true);
    expect(evaluateRule(r, attrs({ x: "2" }))).toBe(false);
  });

  it("compares numbers numerically for lt/gt, integers truncating decimals", () => {
    const gt = rule(`<rule id="r"><expression id="e" attribute="mem" operation="gt" value="9"/></rule>`);
    expect(evaluateRule(gt, attrs({ mem: "10" }))).toBe(true);
    const integer = rule(
      `<rule id="r"><expression id="e" attribute="v" operation="eq" type="integer" value="3"/></rule>`,
    );
    expect(evaluateRule(integer, attrs({ v: "3.7" }))).toBe(true);
    const version = rule(
      `<rule id="r"><expression id="e" attribute="v" operation="lt" type="version" value="1.10"/></rule>`,
    );
    expect(evaluateRule(version, attrs({ v: "1.9" }))).toBe(true);
  });

  it("falls back to a string comparison when a number does not parse", () => {
    const r = rule(
      `<rule id="r"><expression id="e" attribute="v" operation="gt" type="number" value="abc"/></rule>`,
    );
    expect(evaluateRule(r, attrs({ v: "abd" }))).toBe(true);
  });
});

describe("intervals and node names", () => {
  it("reads intervals with units and ISO 8601 durations in milliseconds", () => {
    expect(parseInterval("10s")).toBe(10000);
    expect(parseInterval("2m")).toBe(120000);
    expect(parseInterval("PT1M30S")).toBe(90000);
    expect(parseInterval("15")).toBe(15000);
  });

  it("sorts node names case-insensitively with numbers compared as numbers", () => {
    expect(["node10", "Node2", "node1"].sort(compareNodeNames)).toEqual(["node1", "Node2", "node10"]);
  });
});
