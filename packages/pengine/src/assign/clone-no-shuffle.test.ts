/**
 * "Don't shuffle" (Pacemaker's assign_instance_early): an active clone instance stays on its node
 * unless better nodes need more instances than are left to assign. Pacemaker 2.1.5 moved running
 * instances onto a preferred node here; upstream's reserve-and-retry loop (2.1.7 on) keeps them,
 * and that is the rule these cases pin down.
 */
import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";

const nv = (id: string, name: string, value: string) =>
  `<nvpair id="${id}" name="${name}" value="${value}"/>`;

interface Layout {
  nodes: string[];
  /** The clone's instance: a primitive, or a group of these primitive ids. */
  members: string[];
  /** Meta attributes of the clone. */
  meta?: Record<string, string>;
  /** node → score, a location constraint on the clone. */
  prefer?: Record<string, number>;
  /** node → role the instance has there now ("Started" or "Promoted"). */
  running: Record<string, "Started" | "Promoted">;
  /** node → promotion score (transient master-<member> attribute of the first member). */
  promotion?: Record<string, number>;
}

function cibFor(l: Layout): string {
  const agent = l.meta?.promotable === "true" ? `type="Stateful"` : `type="Dummy"`;
  const prim = (id: string) => `<primitive id="${id}" class="ocf" provider="pacemaker" ${agent}/>`;
  const inner =
    l.members.length === 1 ? prim(l.members[0]) : `<group id="g">${l.members.map(prim).join("")}</group>`;
  const meta = Object.entries(l.meta ?? {})
    .map(([k, v]) => nv(`m-${k}`, k, v))
    .join("");
  const locs = Object.entries(l.prefer ?? {})
    .map(([n, s]) => `<rsc_location id="loc-${n}" rsc="cl" node="${n}" score="${s}"/>`)
    .join("");
  let call = 10;
  const states = l.nodes
    .map((n) => {
      const role = l.running[n];
      const ops = role
        ? l.members
            .map((m) => {
              const task = role === "Promoted" ? "promote" : "start";
              return `<lrm_resource id="${m}" class="ocf" provider="pacemaker" ${agent}><lrm_rsc_op id="${m}_last_0" operation_key="${m}_${task}_0" operation="${task}" call-id="${call++}" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:5d5b" transition-magic="0:0;1:1:0:5d5b" crm-debug-origin="x" crm_feature_set="3.16.2" on_node="${n}" exec-time="1" queue-time="0"/></lrm_resource>`;
            })
            .join("")
        : "";
      const p = l.promotion?.[n];
      const attrs =
        p === undefined
          ? ""
          : `<transient_attributes id="${n}"><instance_attributes id="ta-${n}">${nv(`pr-${n}`, `master-${l.members[0]}`, String(p))}</instance_attributes></transient_attributes>`;
      return `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">${attrs}<lrm id="${n}"><lrm_resources>${ops}</lrm_resources></lrm></node_state>`;
    })
    .join("");
  return `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="${l.nodes[0]}"><configuration><crm_config><cluster_property_set id="o">${nv("o1", "stonith-enabled", "false")}</cluster_property_set></crm_config>
    <nodes>${l.nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
    <resources><clone id="cl"><meta_attributes id="cl-m">${meta}</meta_attributes>${inner}</clone></resources>
    <constraints>${locs}</constraints></configuration><status>${states}</status></cib>`;
}

function decisions(l: Layout): string[] {
  const t = schedule(parseXml(cibFor(l), "t.xml"));
  return transitionSummaryLines(t.ws)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .sort();
}

describe("clone instances that already run stay where they run", () => {
  it("starts the new primitive instance on the preferred node instead of moving a running one there", () => {
    const l: Layout = {
      nodes: ["west", "east", "north"],
      members: ["web"],
      prefer: { west: 100 },
      running: { east: "Started", north: "Started" },
    };
    expect(decisions(l)).toEqual(["Start web:2 ( west )"]);
  });

  it("starts the new group instance on the preferred node and moves no member of the running ones", () => {
    const l: Layout = {
      nodes: ["hostA", "hostB", "hostC", "hostD"],
      members: ["fs", "ip", "app"],
      prefer: { hostA: 50 },
      running: { hostB: "Started", hostC: "Started", hostD: "Started" },
    };
    expect(decisions(l)).toEqual(["Start app:3 ( hostA )", "Start fs:3 ( hostA )", "Start ip:3 ( hostA )"]);
  });

  it("moves one instance to the preferred node when clone-max leaves none to start there", () => {
    // Two instances for two running ones: the second reservation for node "p" uses up what is
    // left, so that instance gives way.
    const l: Layout = {
      nodes: ["p", "q", "r"],
      members: ["svc"],
      meta: { "clone-max": "2" },
      prefer: { p: 100 },
      running: { q: "Started", r: "Started" },
    };
    expect(decisions(l)).toEqual(["Move svc:1 ( r -> p )"]);
  });

  it("promotes a new instance on the node promotion prefers and demotes the old one in place", () => {
    const l: Layout = {
      nodes: ["db1", "db2", "db3"],
      members: ["pg"],
      meta: { promotable: "true" },
      running: { db2: "Promoted", db3: "Started" },
      promotion: { db1: 100, db2: 5, db3: 5 },
    };
    expect(decisions(l)).toEqual([
      "Demote pg:0 ( Promoted -> Unpromoted db2 )",
      "Promote pg:2 ( Stopped -> Promoted db1 )",
    ]);
  });
});
