import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "../corpus.js";
import { assertValidCib, cibSchemaPath, CibValidationError, validateCib, validateCibs } from "./validate.js";

const XMLLINT = "/usr/bin/xmllint";
const hasXmllint = existsSync(XMLLINT);

/** The shapes Heartbeat 2.x wrote (haresources2cib.py, the v2 guide). */
const HEARTBEAT_V2 = `<?xml version="1.0"?>
<cib admin_epoch="0" epoch="1" num_updates="0" have_quorum="true" generated="false">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <attributes>
          <nvpair id="opt-stickiness" name="default-resource-stickiness" value="100"/>
          <nvpair id="opt-failure" name="default-resource-failure-stickiness" value="-100"/>
        </attributes>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="0bd3b2a1-0000-4000-8000-000000000001" uname="node1" type="normal"/>
    </nodes>
    <resources>
      <group id="group_1" ordered="true" collocated="true">
        <primitive class="ocf" id="IPaddr_1" provider="heartbeat" type="IPaddr" resource_stickiness="100">
          <operations>
            <op id="IPaddr_1_mon" interval="5s" name="monitor" timeout="5s"/>
          </operations>
          <instance_attributes id="IPaddr_1_inst_attr">
            <attributes>
              <nvpair id="IPaddr_1_attr_0" name="ip" value="10.0.0.10"/>
              <nvpair id="IPaddr_1_attr_1" name="target_role" value="started"/>
            </attributes>
          </instance_attributes>
        </primitive>
        <primitive class="heartbeat" id="mysqld_2" type="mysqld">
          <instance_attributes>
            <attributes>
              <nvpair name="resource_failure_stickiness" value="-100"/>
            </attributes>
          </instance_attributes>
        </primitive>
      </group>
      <master_slave id="ms-drbd">
        <primitive id="drbd0" class="ocf" provider="heartbeat" type="drbd"/>
      </master_slave>
    </resources>
    <constraints>
      <rsc_location id="rsc_location_group_1" rsc="group_1">
        <rule id="prefered_location_group_1" score="200">
          <expression attribute="#uname" id="prefered_location_group_1_expr" operation="eq" value="node1"/>
        </rule>
      </rsc_location>
      <rsc_colocation id="colo-1" from="group_1" to="ms-drbd" score="INFINITY"/>
      <rsc_order id="order-1" from="group_1" type="after" to="ms-drbd" action="start"/>
    </constraints>
  </configuration>
  <status/>
</cib>
`;

function craft(resources: string, constraints = ""): string {
  return `<cib admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
${resources}
    </resources>
    <constraints>
${constraints}
    </constraints>
  </configuration>
  <status/>
</cib>
`;
}

const OK_PRIMITIVE = `      <primitive id="ok" class="ocf" provider="heartbeat" type="Dummy"/>`;

const INVALID: { name: string; text: string; path: string; expected: RegExp }[] = [
  {
    name: "an unknown child of <resources>",
    text: craft(`${OK_PRIMITIVE}\n      <banana id="b1"/>`),
    path: "/cib/configuration/resources/banana[@id='b1']",
    expected: /Did not expect element banana.*expected <primitive>, <group>/,
  },
  {
    name: "a primitive without a type",
    text: craft(`      <primitive id="db" class="ocf" provider="heartbeat"/>`),
    path: "/cib/configuration/resources/primitive[@id='db']",
    expected: /expected attributes id and type/,
  },
  {
    name: "a primitive without an id",
    text: craft(`      <primitive class="ocf" provider="heartbeat" type="Dummy"/>`),
    path: "/cib/configuration/resources/primitive",
    expected: /expected attributes id and type/,
  },
  {
    name: "an order constraint without then",
    text: craft(OK_PRIMITIVE, `      <rsc_order id="o1" first="ok"/>`),
    path: "/cib/configuration/constraints/rsc_order[@id='o1']",
    expected: /expected attributes id, first and then/,
  },
  {
    name: "a location constraint without its resource",
    text: craft(OK_PRIMITIVE, `      <rsc_location id="l1" node="n1" score="100"/>`),
    path: "/cib/configuration/constraints/rsc_location[@id='l1']",
    expected: /expected attributes id and rsc/,
  },
  {
    name: "a colocation without with-rsc",
    text: craft(OK_PRIMITIVE, `      <rsc_colocation id="c1" rsc="ok" score="INFINITY"/>`),
    path: "/cib/configuration/constraints/rsc_colocation[@id='c1']",
    expected: /rsc and with-rsc/,
  },
  {
    name: "an nvpair without a name",
    text: craft(
      `      <primitive id="p" class="ocf" provider="heartbeat" type="Dummy">\n        <instance_attributes id="p-ia">\n          <nvpair id="p-ia-x" value="1"/>\n        </instance_attributes>\n      </primitive>`,
    ),
    path: "/cib/configuration/resources/primitive[@id='p']/instance_attributes[@id='p-ia']/nvpair[@id='p-ia-x']",
    expected: /attribute name/,
  },
  {
    name: "a <cib> without configuration",
    text: `<cib epoch="1">\n  <status/>\n</cib>\n`,
    path: "/cib/status",
    expected: /expected a <configuration> element/,
  },
];

describe("validateCib", () => {
  it("accepts the Heartbeat v2 forms: <attributes> wrappers, underscore names, from/to constraints", async () => {
    const result = await validateCib(HEARTBEAT_V2, "heartbeat-v2.xml");
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  for (const c of INVALID) {
    it(`refuses ${c.name}, naming the element and what was expected`, async () => {
      const result = await validateCib(c.text, "bad.xml");
      expect(result.valid).toBe(false);
      const issue = result.errors.find((e) => e.elementPath === c.path);
      expect(issue, JSON.stringify(result.errors)).toBeDefined();
      expect(issue!.message).toMatch(c.expected);
      expect(issue!.line).toBe(
        c.text.split("\n").findIndex((l) => l.includes(`<${c.path.split("/").pop()!.split("[")[0]}`)) + 1,
      );
    });
  }

  it("reports a document that is not well-formed with its line", async () => {
    const result = await validateCib(`<cib>\n  <configuration>\n</cib>\n`, "broken.xml");
    expect(result.valid).toBe(false);
    expect(result.errors[0]).toMatchObject({ line: 3, elementPath: "" });
    expect(result.errors[0].message).toMatch(/not well-formed XML/);
  });

  it("throws a one-line CibValidationError from assertValidCib", async () => {
    await expect(assertValidCib(HEARTBEAT_V2, "ok.xml")).resolves.toBeUndefined();
    const err = await assertValidCib(INVALID[1].text, "/etc/ha.d/cib.xml").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CibValidationError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toMatch(
      /^\/etc\/ha\.d\/cib\.xml:6: \/cib\/configuration\/resources\/primitive\[@id='db'\]: /,
    );
  });

  it.skipIf(!hasXmllint)("gives the same verdicts as the system's xmllint on the crafted documents", () => {
    const dir = mkdtempSync(join(tmpdir(), "hbx-rng-"));
    const good = join(dir, "good.xml");
    writeFileSync(good, HEARTBEAT_V2);
    expect(spawnSync(XMLLINT, ["--noout", "--relaxng", cibSchemaPath, good]).status).toBe(0);
    INVALID.forEach((c, i) => {
      const file = join(dir, `bad-${i}.xml`);
      writeFileSync(file, c.text);
      expect(spawnSync(XMLLINT, ["--noout", "--relaxng", cibSchemaPath, file]).status, c.name).not.toBe(0);
    });
  });
});

const corpus = schedulerCorpusDir();
const corpusFiles = corpus
  ? readdirSync(join(corpus, "xml"))
      .filter((f) => f.endsWith(".xml"))
      .sort()
      .map((f) => join(corpus, "xml", f))
  : [];

describe.skipIf(!corpus)("schemas/cib.rng on Pacemaker's scheduler corpus", () => {
  it("accepts every input through validateCib (libxml2 in WebAssembly)", async () => {
    const docs = corpusFiles.map((f) => ({ text: readFileSync(f, "utf8"), source: f }));
    const results = await validateCibs(docs);
    const refused = results.flatMap((r, i) =>
      r.valid ? [] : [`${docs[i].source}: ${JSON.stringify(r.errors[0])}`],
    );
    expect(refused).toEqual([]);
    expect(results.length).toBeGreaterThan(600);
  });

  it.skipIf(!hasXmllint)("accepts every input through the system's xmllint", () => {
    const refused: string[] = [];
    for (let i = 0; i < corpusFiles.length; i += 100) {
      const batch = corpusFiles.slice(i, i + 100);
      const r = spawnSync(XMLLINT, ["--noout", "--relaxng", cibSchemaPath, ...batch], { encoding: "utf8" });
      if (r.status !== 0)
        refused.push(...r.stderr.split("\n").filter((l) => l.includes("fails to validate")));
    }
    expect(refused).toEqual([]);
    expect(execFileSync(XMLLINT, ["--version"], { encoding: "utf8", stdio: "pipe" })).toBeDefined();
  });
});
