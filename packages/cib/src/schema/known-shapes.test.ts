import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../corpus.js";
import { cloneElement, element, firstChild, walkElements, type XmlElement } from "../xml/node.js";
import { parseXml } from "../xml/parse.js";
import { serializeXml } from "../xml/serialize.js";
import {
  cibShape,
  forgetValidShapes,
  isKnownValidShape,
  rememberValidShape,
  shapeDecidesValidity,
} from "./known-shapes.js";
import { cibSchemaText, CibValidationError, validateCibs } from "./validate.js";
import { assertWritableCib, CibValueErrors } from "./writable.js";

const FIXTURE = readFileSync(resolve(repoRoot, "test/cli/fixtures/two-node.xml"), "utf8");
const base = (): XmlElement => parseXml(FIXTURE, "two-node.xml");

function nvpair(doc: XmlElement, id: string): XmlElement {
  for (const el of walkElements(doc)) if (el.attrs.id === id) return el;
  throw new Error(`no element ${id}`);
}

describe("skipping the schema run for a shape libxml2 already accepted", () => {
  beforeEach(() => forgetValidShapes());

  it("holds for schemas/cib.rng because it has no value patterns, and is off for a schema with one", () => {
    expect(shapeDecidesValidity(cibSchemaText())).toBe(true);
    expect(shapeDecidesValidity('<attribute name="score"><data type="integer"/></attribute>')).toBe(false);
    expect(shapeDecidesValidity('<attribute name="kind"><value>Mandatory</value></attribute>')).toBe(false);
  });

  it("finds every attribute value libxml2 is given valid: 300 CIBs with random values", async () => {
    // Deterministic spread of choices: Weyl sequence over the golden ratio.
    let step = 0;
    const rng = () => (++step * 0.6180339887) % 1;
    const chars = [
      "a",
      "Z",
      "0",
      " ",
      "-",
      "&",
      "<",
      ">",
      '"',
      "'",
      "é",
      "\u2603",
      "\u{1F600}",
      "\t",
      "\n",
      "]]>",
    ];
    const junk = () =>
      Array.from({ length: Math.floor(rng() * 12) }, () => chars[Math.floor(rng() * chars.length)]).join("");
    const docs = Array.from({ length: 300 }, () => {
      const doc = base();
      for (const el of walkElements(doc))
        for (const k of Object.keys(el.attrs)) if (rng() < 0.5) el.attrs[k] = junk();
      return { text: serializeXml(doc, { pretty: true }), source: "random values" };
    });
    const results = await validateCibs(docs);
    expect(results.filter((r) => !r.valid).map((r) => r.errors[0])).toEqual([]);
  });

  it("takes a value change after the first check from the cache, and still refuses a bad value", async () => {
    const first = base();
    await assertWritableCib(first, "first");
    const changed = base();
    nvpair(changed, "cib-bootstrap-options-cluster-name").attrs.value = "other";
    expect(isKnownValidShape(cibShape(changed))).toBe(true);
    await expect(assertWritableCib(changed, "changed")).resolves.toBe(changed);
    const banana = base();
    firstChild(firstChild(banana, "configuration")!, "constraints")!.children.forEach((c) => {
      if (c.kind === "element" && c.attrs.score !== undefined) c.attrs.score = "banana";
    });
    expect(isKnownValidShape(cibShape(banana))).toBe(true);
    await expect(assertWritableCib(banana, "banana")).rejects.toThrow(CibValueErrors);
  });

  it("sees a new element, a new attribute or new text as another shape", () => {
    const doc = base();
    rememberValidShape(cibShape(doc));
    const added = cloneElement(doc);
    firstChild(firstChild(added, "configuration")!, "resources")!.children.push(
      element("bogus", { id: "x" }),
    );
    expect(isKnownValidShape(cibShape(added))).toBe(false);
    const attr = cloneElement(doc);
    nvpair(attr, "vip").attrs["new-attribute"] = "1";
    expect(isKnownValidShape(cibShape(attr))).toBe(false);
    const text = cloneElement(doc);
    nvpair(text, "vip").children.push({ kind: "text", text: "words" });
    expect(isKnownValidShape(cibShape(text))).toBe(false);
  });

  it("ignores what changes inside the status section, which the schema leaves open", () => {
    const doc = base();
    rememberValidShape(cibShape(doc));
    const status = cloneElement(doc);
    firstChild(status, "status")!.children.push(element("anything", { at: "all" }, [element("deeper")]));
    expect(isKnownValidShape(cibShape(status))).toBe(true);
  });

  it("refuses, after a cached shape, a namespace change and values the parser would not read", async () => {
    await assertWritableCib(base(), "first");
    const ns = base();
    ns.attrs.xmlns = "http://example.org/not-a-cib";
    expect(isKnownValidShape(cibShape(ns))).toBe(false);
    await expect(assertWritableCib(ns, "namespace")).rejects.toThrow(CibValidationError);
    const control = base();
    nvpair(control, "cib-bootstrap-options-cluster-name").attrs.value = "a\u0001b";
    expect(cibShape(control)).toBeUndefined();
    await expect(assertWritableCib(control, "control")).rejects.toThrow(CibValidationError);
    const comment = base();
    firstChild(comment, "configuration")!.children.push({ kind: "comment", text: "a -- b" });
    expect(cibShape(comment)).toBeUndefined();
    await expect(assertWritableCib(comment, "comment")).rejects.toThrow(CibValidationError);
  });
});
