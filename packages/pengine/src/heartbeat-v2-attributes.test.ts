import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type XmlElement, operationDigest, parseXml, repoRoot, serializeXml, walkElements } from "@hbx/cib";
import { schedule } from "./schedule.js";
import { simulateTransition } from "./simulate/execute.js";
import { transitionGraphXml } from "./graph/graph.js";

/**
 * Each CIB here is written twice: with nvpairs directly in their sets, as Pacemaker writes them,
 * and wrapped in Heartbeat v2's `<attributes>` element. The scheduler must decide the same on both.
 */
type Form = "modern" | "v2";

function set(form: Form, kind: string, id: string, pairs: Record<string, string>): string {
  const nv = Object.entries(pairs)
    .map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${v}"/>`)
    .join("");
  return `<${kind} id="${id}">${form === "v2" ? `<attributes>${nv}</attributes>` : nv}</${kind}>`;
}

const member = (n: string, lrm = "") =>
  `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;

function cib(form: Form, options: Record<string, string>, nodes: string, resources: string, status: string) {
  const props = set(form, "cluster_property_set", "o", { "stonith-enabled": "false", ...options });
  return `<cib have-quorum="1"><configuration><crm_config>${props}</crm_config>
    <nodes>${nodes}</nodes><resources>${resources}</resources><constraints/></configuration>
    <status>${status}</status></cib>`;
}

/** What crm_simulate -S -s shows of a decision, and the graph the DC would run. */
function decisions(xml: string) {
  const t = schedule(parseXml(xml, "t.xml"), { scores: true });
  return {
    scores: t.ws.scoreLines,
    actions: simulateTransition(t.ws).lines.map((l) => l.replace(/\s+/g, " ")),
    graph: transitionGraphXml(t.ws),
  };
}

describe("the scheduler on Heartbeat v2's <attributes> form", () => {
  it("reads an operation's own instance attributes (OCF_CHECK_LEVEL) in either form, so a running monitor is kept", () => {
    // The monitor and the start ran with the operation-level parameters now configured: their
    // recorded digests match, and nothing is to be done on either form.
    const monitorDigest = operationDigest({
      OCF_CHECK_LEVEL: "10",
      CRM_meta_interval: "10000",
      CRM_meta_timeout: "20000",
    });
    const startDigest = operationDigest({ fake: "2", CRM_meta_interval: "0" });
    const xml = (form: Form) =>
      cib(
        form,
        {},
        `<node id="n1" uname="n1"/>`,
        `<primitive id="r" class="ocf" provider="heartbeat" type="Dummy"><operations>
          <op id="r-start" name="start" interval="0">${set(form, "instance_attributes", "r-start-ia", { fake: "2" })}</op>
          <op id="r-mon" name="monitor" interval="10s">${set(form, "instance_attributes", "r-mon-ia", { OCF_CHECK_LEVEL: "10" })}</op>
        </operations></primitive>`,
        member(
          "n1",
          `<lrm_resource id="r" class="ocf" provider="heartbeat" type="Dummy">
            <lrm_rsc_op id="r_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x" op-digest="${startDigest}"/>
            <lrm_rsc_op id="r_monitor_10000" operation="monitor" call-id="4" rc-code="0" op-status="0" interval="10000" transition-key="2:1:0:x" op-digest="${monitorDigest}"/>
          </lrm_resource>`,
        ),
      );
    const modern = decisions(xml("modern"));
    expect(modern.actions).toEqual([]);
    expect(decisions(xml("v2"))).toEqual(modern);
  });

  it("places by a resource's utilization written in either form", () => {
    const util = (form: Form, id: string, memory: number) =>
      set(form, "utilization", `${id}-u`, { memory: String(memory) });
    const xml = (form: Form) =>
      cib(
        form,
        { "placement-strategy": "utilization" },
        `<node id="n1" uname="n1">${util(form, "n1", 1024)}</node><node id="n2" uname="n2">${util(form, "n2", 512)}</node>`,
        ["big:800", "small:400", "huge:2000"]
          .map((s) => s.split(":"))
          .map(
            ([id, m]) =>
              `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${util(form, id, Number(m))}</primitive>`,
          )
          .join(""),
        member("n1") + member("n2"),
      );
    const modern = decisions(xml("modern"));
    // huge fits nowhere: it stays stopped, as on the modern form.
    expect(modern.actions.filter((l) => l.includes("huge start"))).toEqual([]);
    expect(decisions(xml("v2"))).toEqual(modern);
  });

  it("reads enable-startup-probes=false in either form and probes nothing", () => {
    const xml = (form: Form) =>
      cib(
        form,
        { "enable-startup-probes": "false" },
        `<node id="n1" uname="n1"/>`,
        `<primitive id="r" class="ocf" provider="heartbeat" type="Dummy"/>`,
        member("n1"),
      );
    const modern = decisions(xml("modern"));
    expect(modern.actions).toEqual([" * Resource action: r start on n1"]);
    expect(decisions(xml("v2"))).toEqual(modern);
  });
});

/** The same CIB with every `<attributes>` wrapper taken away: its nvpairs moved up into the set. */
function unwrapped(cib: XmlElement): XmlElement {
  for (const el of walkElements(cib))
    el.children = el.children.flatMap((c) =>
      c.kind === "element" && c.name === "attributes" ? c.children : [c],
    );
  return cib;
}

describe("the project's Heartbeat v2 example", () => {
  const example = readFileSync(join(repoRoot, "examples/mysql-scoring/cib.xml"), "utf8");

  /** The example with mysql_group running on mysql1 and `failures` monitor failures of mysql_ip, kept in v2 form. */
  function withFailures(failures: number): string {
    const op = (rsc: string, type: string, cls: string) =>
      `<lrm_resource id="${rsc}" class="${cls}"${cls === "ocf" ? ' provider="heartbeat"' : ""} type="${type}">
        <lrm_rsc_op id="${rsc}_last_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
      </lrm_resource>`;
    const state = (n: string, lrm: string, attrs: string) =>
      `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">
        <transient_attributes id="${n}"><instance_attributes id="status-${n}"><attributes>${attrs}</attributes></instance_attributes></transient_attributes>
        <lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
    const fails = failures
      ? `<nvpair id="status-mysql1-fc" name="fail-count-mysql_ip#monitor_5000" value="${failures}"/>
         <nvpair id="status-mysql1-lf" name="last-failure-mysql_ip#monitor_5000" value="1767323045"/>`
      : "";
    const status = `<status>${state("mysql1", op("mysql_ip", "IPaddr", "ocf") + op("mysql", "mysql", "lsb"), fails)}${state("mysql2", "", "")}</status>`;
    return example.replace("<status/>", status);
  }

  it("keeps the group on mysql1 through three failures of mysql_ip and moves it at the fourth, as the example's README says", () => {
    // Both members' stickiness (100 each) and their locations add up in the group: 600 on
    // mysql1 against 300 on mysql2, 100 less per failure; at the third failure the scores tie
    // and the group stays where it runs.
    const startsOnMysql2 = (failures: number) =>
      decisions(withFailures(failures))
        .actions.map((l) => l.trim())
        .filter((l) => /: mysql(_ip)? start on mysql2$/.test(l));
    for (const failures of [0, 1, 2, 3]) expect(startsOnMysql2(failures), `${failures} failures`).toEqual([]);
    expect(startsOnMysql2(4)).toEqual([
      "* Resource action: mysql_ip start on mysql2",
      "* Resource action: mysql start on mysql2",
    ]);
  });

  it("decides and scores the same as its modern form, with no failures and after one or two", () => {
    for (const failures of [0, 1, 2]) {
      const v2 = parseXml(withFailures(failures), "v2.xml");
      const modern = unwrapped(parseXml(withFailures(failures), "modern.xml"));
      expect(serializeXml(modern)).not.toContain("<attributes>");
      expect(decisions(serializeXml(v2))).toEqual(decisions(serializeXml(modern)));
    }
    // The v2-form fail counts reach the scores: each failure takes 100 off mysql_ip on mysql1.
    const onMysql1 = (failures: number) =>
      decisions(withFailures(failures)).scores.find((l) =>
        l.startsWith("pcmk__primitive_assign: mysql_ip allocation score on mysql1:"),
      );
    expect([0, 1, 2].map(onMysql1)).toEqual([
      "pcmk__primitive_assign: mysql_ip allocation score on mysql1: 600",
      "pcmk__primitive_assign: mysql_ip allocation score on mysql1: 500",
      "pcmk__primitive_assign: mysql_ip allocation score on mysql1: 400",
    ]);
  });
});
