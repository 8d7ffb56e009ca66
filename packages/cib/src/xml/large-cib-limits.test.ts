import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { validateCib } from "../schema/validate.js";
import { CibStore } from "../store/store.js";
import { childElements, firstChild } from "./node.js";
import { DEFAULT_XML_LIMITS, TRUSTED_XML_LIMITS } from "./limits.js";
import { XmlRefusedError, parseXml } from "./parse.js";

const NODES = 64;
const RESOURCES = 10_000;

function primitive(i: number): string {
  return (
    `<primitive id="r${i}" class="ocf" provider="pacemaker" type="Dummy"><operations>` +
    `<op id="r${i}-monitor" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`
  );
}

function lrmResource(i: number): string {
  return (
    `<lrm_resource id="r${i}" class="ocf" provider="pacemaker" type="Dummy">` +
    `<lrm_rsc_op id="r${i}_last_0" operation="monitor" call-id="${i}" rc-code="7" interval="0"/></lrm_resource>`
  );
}

/** `lrm` entries in the status of node 1, an empty lrm on every other node. */
function cib(resources: number, lrm: number): string {
  const nodes = Array.from({ length: NODES }, (_, n) => `<node id="n${n}" uname="node${n}" type="normal"/>`);
  const states = Array.from(
    { length: NODES },
    (_, n) =>
      `<node_state id="n${n}" uname="node${n}" in_ccm="true" crmd="online"><lrm id="n${n}"><lrm_resources>` +
      (n === 1 ? Array.from({ length: lrm }, (_, i) => lrmResource(i)).join("\n") : "") +
      `</lrm_resources></lrm></node_state>`,
  );
  return (
    `<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/>` +
    `<nodes>${nodes.join("")}</nodes>` +
    `<resources>\n${Array.from({ length: resources }, (_, i) => primitive(i)).join("\n")}</resources>` +
    `<constraints/></configuration><status>${states.join("")}</status></cib>`
  );
}

function refusal(text: string): XmlRefusedError {
  try {
    parseXml(text, "in.xml");
  } catch (e) {
    if (e instanceof XmlRefusedError) return e;
    throw e;
  }
  throw new Error("not refused");
}

describe("the reader's limits on large legitimate CIBs", () => {
  it("takes a 64-node, 10,000-resource CIB from outside, and the schema accepts it", async () => {
    const text = cib(RESOURCES, RESOURCES);
    const doc = parseXml(text, "big.xml", DEFAULT_XML_LIMITS);
    const config = firstChild(doc, "configuration")!;
    expect(childElements(firstChild(config, "resources")!)).toHaveLength(RESOURCES);
    expect(childElements(firstChild(doc, "status")!)).toHaveLength(NODES);
    const result = await validateCib(text, "big.xml");
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("refuses a pathological sibling list from outside at the limit, in a fraction of a second", () => {
    const nvpairs = '<nvpair id="x" name="y" value="z"/>\n'.repeat(480_000);
    const text = `<cib><configuration><crm_config><cluster_property_set id="o">\n${nvpairs}</cluster_property_set></crm_config></configuration></cib>`;
    const started = performance.now();
    const e = refusal(text);
    const ms = performance.now() - started;
    expect(e.message).toBe(
      `in.xml:${DEFAULT_XML_LIMITS.maxChildren + 2}:1: refused: <cluster_property_set> has more than ${DEFAULT_XML_LIMITS.maxChildren} children`,
    );
    expect(ms).toBeLessThan(1_000);
  });

  it("reads a CIB hbx wrote itself with any number of children, where outside input is refused", () => {
    const many = DEFAULT_XML_LIMITS.maxChildren + 5_000;
    const text = cib(10, many);
    expect(refusal(text).message).toContain(
      `<lrm_resources> has more than ${DEFAULT_XML_LIMITS.maxChildren} children`,
    );
    const doc = parseXml(text, "cib.db", TRUSTED_XML_LIMITS);
    const lrm = firstChild(
      firstChild(childElements(firstChild(doc, "status")!)[1], "lrm")!,
      "lrm_resources",
    )!;
    expect(childElements(lrm)).toHaveLength(many);
  });

  it("keeps the depth bound for CIBs hbx wrote itself", () => {
    const deep = `<cib>${"<a>".repeat(300)}${"</a>".repeat(300)}</cib>`;
    expect(() => parseXml(deep, "cib.db", TRUSTED_XML_LIMITS)).toThrow(/nest deeper than 256 levels/);
  });

  it("reopens a store whose status grew past the limit for outside input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-large-store-"));
    const many = DEFAULT_XML_LIMITS.maxChildren + 5_000;
    const store = await CibStore.open(dir, { logger: pino({ level: "silent" }) });
    store.replace(parseXml(cib(10, many), "grown", TRUSTED_XML_LIMITS), { client: "test", force: true });
    const version = store.currentVersion();
    store.close();
    const reopened = await CibStore.open(dir, { logger: pino({ level: "silent" }) });
    try {
      expect(reopened.currentVersion()).toEqual(version);
      const status = firstChild(reopened.current().document, "status")!;
      const lrm = firstChild(firstChild(childElements(status)[1], "lrm")!, "lrm_resources")!;
      expect(childElements(lrm)).toHaveLength(many);
      expect(reopened.history(1)[0].document().name).toBe("cib");
    } finally {
      reopened.close();
    }
  });
});
