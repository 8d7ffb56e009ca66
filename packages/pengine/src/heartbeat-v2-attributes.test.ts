import { describe, expect, it } from "vitest";
import { operationDigest, parseXml } from "@hbx/cib";
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
