/**
 * Scheduler rules on small CIBs built here, each decided by hbx and, where Pacemaker 2.1.5
 * agrees with upstream on the rule, by Pacemaker's crm_simulate too (skipped with the reason
 * when it is not installed). The comment on each case names the Pacemaker function whose rule
 * it pins down.
 */
import { describe, expect, it } from "vitest";
import { operationDigest } from "@hbx/cib";
import {
  hbxDecisions,
  hbxGraphInputs,
  pacemakerDecisions,
  pacemakerGraphInputs,
  pacemakerMissing,
} from "./pacemaker-oracle.js";

const nv = (id: string, name: string, value: string): string =>
  `<nvpair id="${id}" name="${name}" value="${value}"/>`;

/**
 * A CIB of online nodes with no history: everything is stopped. `attrs` gives a node's transient
 * attributes (promotion scores, say).
 */
function freshCib(
  nodes: string[],
  resources: string,
  constraints: string,
  attrs: Record<string, Record<string, number>> = {},
): string {
  const transient = (n: string): string =>
    attrs[n] === undefined
      ? ""
      : `<transient_attributes id="${n}"><instance_attributes id="ta-${n}">${Object.entries(attrs[n])
          .map(([k, v]) => nv(`ta-${n}-${k}`, k, String(v)))
          .join("")}</instance_attributes></transient_attributes>`;
  const states = nodes
    .map(
      (n) =>
        `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">${transient(n)}<lrm id="${n}"><lrm_resources/></lrm></node_state>`,
    )
    .join("");
  return `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="${nodes[0]}">
<configuration><crm_config><cluster_property_set id="opts">${nv("opts-st", "stonith-enabled", "false")}</cluster_property_set></crm_config>
<nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
<resources>${resources}</resources><constraints>${constraints}</constraints></configuration>
<status>${states}</status></cib>`;
}

/** A clone of one primitive; `agent` is provider:type of an OCF agent. */
function clone(id: string, prim: string, meta: Record<string, string>, agent = "heartbeat:Dummy"): string {
  const [provider, type] = agent.split(":");
  const metas = Object.entries(meta)
    .map(([k, v]) => nv(`${id}-${k}`, k, v))
    .join("");
  return `<clone id="${id}"><meta_attributes id="${id}-m">${metas}</meta_attributes><primitive id="${prim}" class="ocf" provider="${provider}" type="${type}"/></clone>`;
}

const order = (id: string, first: string, then: string): string =>
  `<rsc_order id="${id}" first="${first}" then="${then}"/>`;

function expectRule(cib: string, expected: string[]): void {
  expect(hbxDecisions(cib)).toEqual([...expected].sort());
}

describe("interleaved orderings between clones", () => {
  // Pacemaker's update_interleaved_actions and unassign_if_mandatory: a then instance with no
  // first instance on its node under a mandatory ordering is taken off its node; that change
  // reaches the orderings after it (pcmk__update_action_for_orderings), whatever order the
  // constraints are written in.
  const chain = (nodes: string[]) =>
    freshCib(
      nodes,
      clone("base-clone", "base", { interleave: "true", "target-role": "Stopped" }) +
        clone("mid-clone", "mid", { interleave: "true" }) +
        clone("top-clone", "top", { interleave: "true" }) +
        clone("leaf-clone", "leaf", { interleave: "true" }),
      // Written from the end of the chain back to its start.
      order("o3", "top-clone", "leaf-clone") +
        order("o2", "mid-clone", "top-clone") +
        order("o1", "base-clone", "mid-clone"),
    );

  it("starts nothing along a chain of interleaved clones whose first clone cannot run", () => {
    expectRule(chain(["nodeA", "nodeB", "nodeC"]), []);
  });

  it("starts nothing along the chain on five nodes either", () => {
    expectRule(chain(["s1", "s2", "s10", "s11", "s3"]), []);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides the chain as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      const cib = chain(["nodeA", "nodeB", "nodeC"]);
      expect(hbxDecisions(cib)).toEqual(pacemakerDecisions(cib));
    },
  );
});

describe("the order a promotable clone's instances are assigned in", () => {
  // Pacemaker's pcmk__add_promotion_scores raises each instance's priority to its best promotion
  // score, and pcmk__cmp_instance assigns higher priority first: the instance most worth promoting
  // takes its best node before a lower-numbered one can.
  const unique = (nodes: string[], scores: Record<string, Record<string, number>>) =>
    freshCib(
      nodes,
      clone(
        "db-clone",
        "db",
        { promotable: "true", "globally-unique": "true", "clone-max": "2" },
        "pacemaker:Stateful",
      ),
      "",
      scores,
    );
  const laterInstanceFirst = unique(["alpha", "beta", "gamma"], {
    alpha: { "master-db:0": 5, "master-db:1": 50 },
    beta: { "master-db:0": 20, "master-db:1": 500 },
  });
  const firstInstanceFirst = unique(["n2", "n10"], {
    n2: { "master-db:0": 300, "master-db:1": 10 },
    n10: { "master-db:0": 30, "master-db:1": 100 },
  });

  it("gives the instance with the highest promotion score its node first and promotes it there", () => {
    expectRule(laterInstanceFirst, ["Start db:0 ( alpha )", "Promote db:1 ( Stopped -> Promoted beta )"]);
  });

  it("gives the first instance its node first when it is the one most worth promoting", () => {
    expectRule(firstInstanceFirst, ["Promote db:0 ( Stopped -> Promoted n2 )", "Start db:1 ( n10 )"]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides both as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const cib of [laterInstanceFirst, firstInstanceFirst])
        expect(hbxDecisions(cib)).toEqual(pacemakerDecisions(cib));
    },
  );
});

describe("colocations of resource sets", () => {
  const prim = (id: string): string =>
    `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"/>`;
  const set = (id: string, members: string[], extra = ""): string =>
    `<resource_set id="${id}"${extra}>${members.map((m) => `<resource_ref id="${m}"/>`).join("")}</resource_set>`;
  const prefer = (rsc: string, node: string, score: number): string =>
    `<rsc_location id="loc-${rsc}" rsc="${rsc}" node="${node}" score="${score}"/>`;

  // Pacemaker's colocate_rsc_sets: the earlier set depends on the later one, through the first
  // member of a sequential earlier set and the last member of a sequential later set. So the
  // head of the first set follows the tail of the second, and the whole chain stays together.
  const chained = freshCib(
    ["left", "right"],
    ["web", "cache", "db"].map(prim).join(""),
    `<rsc_colocation id="chain" score="INFINITY">${set("front", ["web", "cache"])}${set("back", ["db"])}</rsc_colocation>` +
      prefer("web", "left", 100) +
      prefer("db", "right", 200),
  );

  it("places a sequential set's first member with the last member of the set after it", () => {
    expectRule(chained, ["Start cache ( right )", "Start db ( right )", "Start web ( right )"]);
  });

  // Pacemaker's unpack_colocation_set: with a negative score every member keeps away from every
  // member before it, not only from its neighbour.
  const apart = freshCib(
    ["m1", "m2"],
    ["x1", "x2", "x3"].map(prim).join(""),
    `<rsc_colocation id="apart" score="-INFINITY">${set("spread", ["x1", "x2", "x3"])}</rsc_colocation>`,
  );

  it("keeps every member of a negatively scored set off the nodes of all members before it", () => {
    expectRule(apart, ["Start x1 ( m1 )", "Start x2 ( m2 )"]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides both as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const cib of [chained, apart]) expect(hbxDecisions(cib)).toEqual(pacemakerDecisions(cib));
    },
  );
});

describe("orderings of resource sets", () => {
  const prim = (id: string, stopped = false): string =>
    `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy">${
      stopped
        ? `<meta_attributes id="${id}-m">${nv(`${id}-tr`, "target-role", "Stopped")}</meta_attributes>`
        : ""
    }</primitive>`;
  const set = (id: string, members: string[], extra = ""): string =>
    `<resource_set id="${id}"${extra}>${members.map((m) => `<resource_ref id="${m}"/>`).join("")}</resource_set>`;

  // Pacemaker's order_rsc_sets: between sets, a set takes part through one member only when it
  // says sequential="true" itself; left unset, every member of the earlier set comes before
  // every member of the later one.
  const allPairs = freshCib(
    ["h1", "h2"],
    prim("a1") + prim("a2", true) + prim("b1") + prim("c1") + prim("c2"),
    `<rsc_order id="chain">${set("s-a", ["a1", "a2"], ' sequential="false"')}${set("s-b", ["b1"])}${set(
      "s-c",
      ["c1", "c2"],
      ' sequential="false"',
    )}</rsc_order>`,
  );

  it("blocks the later sets when any member of an earlier unordered set cannot start", () => {
    expectRule(allPairs, [
      "Start a1 ( h1 )",
      "Start b1 ( h2 ) due to unrunnable a2 start (blocked)",
      "Start c1 ( h1 ) due to unrunnable b1 start (blocked)",
      "Start c2 ( h2 ) due to unrunnable b1 start (blocked)",
    ]);
  });

  // With require-all="false" the earlier set gates the later one through a one-or-more pseudo
  // action, runnable while any member can start.
  const oneOrMore = (disabled: string[]) =>
    freshCib(
      ["p", "q"],
      ["m1", "m2"].map((m) => prim(m, disabled.includes(m))).join("") + prim("after"),
      `<rsc_order id="any">${set("either", ["m1", "m2"], ' sequential="false" require-all="false"')}${set("then", ["after"])}</rsc_order>`,
    );

  it("starts what follows a require-all=false set once one member of it can start", () => {
    expectRule(oneOrMore(["m2"]), ["Start after ( q )", "Start m1 ( p )"]);
  });

  it("blocks what follows a require-all=false set when none of its members can start", () => {
    expectRule(oneOrMore(["m1", "m2"]), ["Start after ( p ) due to unrunnable one-or-more:either (blocked)"]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides all three as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const cib of [allPairs, oneOrMore(["m2"]), oneOrMore(["m1", "m2"])])
        expect(hbxDecisions(cib)).toEqual(pacemakerDecisions(cib));
    },
  );
});

describe("a remote connection left only in the status section", () => {
  // Pacemaker's create_fake_resource: an orphaned ocf:pacemaker:remote history still makes its
  // node, marked as shutting down, so what runs there moves off before the connection stops.
  const op = (rsc: string, task: string, rc: number, call: number, node: string): string =>
    `<lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_${task}_0" operation="${task}" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="${call}:1:0:6d3c" transition-magic="0:${rc};${call}:1:0:6d3c" exit-reason="" on_node="${node}" call-id="${call}" rc-code="${rc}" op-status="0" interval="0" last-rc-change="1" exec-time="1" queue-time="0" op-digest="${operationDigest({})}"/>`;
  const entry = (rsc: string, agent: string, ops: string): string => {
    const [provider, type] = agent.split(":");
    return `<lrm_resource id="${rsc}" class="ocf" provider="${provider}" type="${type}">${ops}</lrm_resource>`;
  };
  const cluster = (n: string, lrm: string): string =>
    `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
  const cib = (remote: string, hosts: [string, string]): string =>
    `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="${hosts[0]}">
<configuration><crm_config><cluster_property_set id="opts">${nv("opts-st", "stonith-enabled", "false")}</cluster_property_set></crm_config>
<nodes>${hosts.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
<resources><primitive id="app" class="ocf" provider="pacemaker" type="Dummy"/></resources><constraints/></configuration>
<status>${cluster(hosts[0], entry(remote, "pacemaker:remote", op(remote, "start", 0, 3, hosts[0])))}${cluster(
      hosts[1],
      entry(remote, "pacemaker:remote", op(remote, "monitor", 7, 2, hosts[1])),
    )}<node_state remote_node="true" id="${remote}" uname="${remote}"><lrm id="${remote}"><lrm_resources>${entry(
      "app",
      "pacemaker:Dummy",
      op("app", "start", 0, 4, remote),
    )}</lrm_resources></lrm></node_state></status></cib>`;

  it("moves what runs on the orphaned connection's node off it, then stops the connection", () => {
    expectRule(cib("edge1", ["nA", "nB"]), [
      "Move app ( edge1 -> nA )",
      "Stop edge1 ( nA ) due to node availability",
    ]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides it as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const x of [cib("edge1", ["nA", "nB"]), cib("r9", ["host10", "host2"])])
        expect(hbxDecisions(x)).toEqual(pacemakerDecisions(x));
    },
  );
});

describe("a remote connection with a reconnect interval", () => {
  // Pacemaker's pe__unpack_resource makes reconnect_interval the connection's failure timeout,
  // and process_rsc_state keeps a connection whose failure reset its node stopped (on-fail
  // reset_remote) until that failure expires; only then does it connect again.
  const failedAt = 1700000000;
  const op = (key: string, task: string, interval: number, rc: number, call: number, at: number): string =>
    `<lrm_rsc_op id="${key}" operation_key="rnode_${task}_${interval}" operation="${task}" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="${call}:1:0:6d3c" transition-magic="0:${rc};${call}:1:0:6d3c" exit-reason="" on_node="c1" call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}" last-rc-change="${at}" exec-time="1" queue-time="0"/>`;
  const cib = (secondsLater: number): string =>
    `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="c1" execution-date="${failedAt + secondsLater}">
<configuration><crm_config><cluster_property_set id="opts">${nv("opts-st", "stonith-enabled", "false")}</cluster_property_set></crm_config>
<nodes><node id="c1" uname="c1"/><node id="c2" uname="c2"/></nodes>
<resources><primitive id="rnode" class="ocf" provider="pacemaker" type="remote"><instance_attributes id="rnode-ia">${nv(
      "rnode-server",
      "server",
      "192.0.2.7",
    )}${nv("rnode-ri", "reconnect_interval", "60s")}</instance_attributes><operations><op id="rnode-mon" name="monitor" interval="60s"/></operations></primitive></resources>
<constraints/></configuration>
<status><node_state id="c1" uname="c1" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="c1"><instance_attributes id="c1-ta">${nv(
      "c1-fc",
      "fail-count-rnode#monitor_60000",
      "1",
    )}${nv("c1-lf", "last-failure-rnode#monitor_60000", String(failedAt))}</instance_attributes></transient_attributes><lrm id="c1"><lrm_resources><lrm_resource id="rnode" class="ocf" provider="pacemaker" type="remote">${op(
      "rnode_last_failure_0",
      "monitor",
      60000,
      1,
      5,
      failedAt,
    )}${op("rnode_last_0", "stop", 0, 0, 6, failedAt + 2)}</lrm_resource></lrm_resources></lrm></node_state>
<node_state id="c2" uname="c2" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="c2"><lrm_resources/></lrm></node_state>
<node_state remote_node="true" id="rnode" uname="rnode" in_ccm="false"/></status></cib>`;

  it("leaves the connection stopped while the reconnect interval runs", () => {
    expectRule(cib(30), []);
  });

  it("connects again once the reconnect interval has passed", () => {
    expectRule(cib(90), ["Start rnode ( c1 )"]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides both as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const x of [cib(30), cib(90)]) expect(hbxDecisions(x)).toEqual(pacemakerDecisions(x));
    },
  );
});

describe("resources launched by another (the container meta attribute)", () => {
  // Pacemaker's pcmk__primitive_internal_constraints: a resource whose container meta attribute
  // names its launcher is colocated with it, starts after it and stops before it; and
  // pcmk__threshold_reached counts the failures of what a launcher launches toward its own
  // migration-threshold.
  const dummy = (id: string, meta: Record<string, string>): string =>
    `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="${id}-m">${Object.entries(
      meta,
    )
      .map(([k, v]) => nv(`${id}-${k}`, k, v))
      .join("")}</meta_attributes></primitive>`;
  const started = (rsc: string, node: string, call: number): string =>
    `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="${call}:1:0:6d3c" transition-magic="0:0;${call}:1:0:6d3c" exit-reason="" on_node="${node}" call-id="${call}" rc-code="0" op-status="0" interval="0" last-rc-change="1" exec-time="1" queue-time="0" op-digest="${operationDigest({})}"/></lrm_resource>`;
  const cib = (running: boolean, failCounts: Record<string, number>): string => {
    const attrs = Object.entries(failCounts)
      .map(([r, n]) => nv(`fc-${r}`, `fail-count-${r}#monitor_10000`, String(n)))
      .join("");
    const lrm = running ? started("box", "w1", 3) + started("inner", "w1", 4) + started("side", "w1", 5) : "";
    return `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="w1">
<configuration><crm_config><cluster_property_set id="opts">${nv("opts-st", "stonith-enabled", "false")}</cluster_property_set></crm_config>
<nodes><node id="w1" uname="w1"/><node id="w2" uname="w2"/></nodes>
<resources>${dummy("box", { "migration-threshold": "3" })}${dummy("inner", { container: "box" })}${dummy("side", { container: "box" })}</resources>
<constraints><rsc_location id="inner-likes-w2" rsc="inner" node="w2" score="${running ? 0 : 100}"/></constraints></configuration>
<status><node_state id="w1" uname="w1" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="w1"><instance_attributes id="w1-ta">${attrs}</instance_attributes></transient_attributes><lrm id="w1"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>
<node_state id="w2" uname="w2" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="w2"><lrm_resources/></lrm></node_state></status></cib>`;
  };

  it("starts launched resources with their launcher, where what it launches prefers to be", () => {
    expectRule(cib(false, {}), ["Start box ( w2 )", "Start inner ( w2 )", "Start side ( w2 )"]);
  });

  it("moves a launcher and what it launches once their failures together reach its threshold", () => {
    expectRule(cib(true, { inner: 2, side: 1 }), [
      "Move box ( w1 -> w2 )",
      "Move inner ( w1 -> w2 )",
      "Move side ( w1 -> w2 )",
    ]);
  });

  // process_rsc_state with restart-container, the default on-fail of a launched resource: the
  // failed resource is recovered and its launcher restarted, and with it what else it launches.
  const failedMonitor = (rsc: string, node: string, call: number): string =>
    `<lrm_rsc_op id="${rsc}_monitor_10000" operation_key="${rsc}_monitor_10000" operation="monitor" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="${call}:1:0:6d3c" transition-magic="0:7;${call}:1:0:6d3c" exit-reason="" on_node="${node}" call-id="${call}" rc-code="7" op-status="0" interval="10000" last-rc-change="2" exec-time="1" queue-time="0" op-digest="${operationDigest({})}"/>`;
  const innerFailed = cib(true, { inner: 1 }).replace(
    /(<lrm_resource id="inner"[^>]*>.*?)(<\/lrm_resource>)/,
    (_m, body: string, end: string) => body + failedMonitor("inner", "w1", 9) + end,
  );

  it("restarts the launcher, and what else it launches, when a launched resource fails", () => {
    expectRule(innerFailed, [
      "Restart box ( w1 )",
      "Recover inner ( w1 )",
      "Restart side ( w1 ) due to required box start",
    ]);
  });

  it("keeps them where they are below the threshold", () => {
    expectRule(cib(true, { inner: 1, side: 1 }), []);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides all four as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const x of [
        cib(false, {}),
        cib(true, { inner: 2, side: 1 }),
        cib(true, { inner: 1, side: 1 }),
        innerFailed,
      ])
        expect(hbxDecisions(x)).toEqual(pacemakerDecisions(x));
    },
  );
});

describe("guest nodes (a primitive with remote-node)", () => {
  // Pacemaker's expand_remote_rsc_meta: the primitive gets an ocf:pacemaker:remote connection of
  // the guest node's name, placed with it and started after it; what the primitive launches
  // (container meta attribute) runs on the guest node itself.
  const dummy = (id: string, meta: Record<string, string>): string =>
    `<primitive id="${id}" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="${id}-m">${Object.entries(
      meta,
    )
      .map(([k, v]) => nv(`${id}-${k}`, k, v))
      .join("")}</meta_attributes></primitive>`;
  const cib = (hosts: string[], guest: string): string =>
    freshCib(
      hosts,
      dummy("vm", { "remote-node": guest }) + dummy("inside", { container: "vm" }) + dummy("plain", {}),
      `<rsc_location id="plain-on-guest" rsc="plain" node="${guest}" score="INFINITY"/>` +
        `<rsc_location id="vm-on-last" rsc="vm" node="${hosts[hosts.length - 1]}" score="50"/>`,
    );

  it("starts the guest's container, its connection and what runs on the guest", () => {
    expectRule(cib(["g1", "g2"], "guest1"), [
      "Start guest1 ( g2 )",
      "Start inside ( guest1 )",
      "Start plain ( guest1 )",
      "Start vm ( g2 )",
    ]);
  });

  // link_rsc2remotenode: a guest node's #kind is "container", so a rule can ask for one; and it is
  // not fenced at startup (a fencing-enabled cluster would otherwise fence it before it starts).
  const byKind = (kind: string): string =>
    freshCib(
      ["k1", "k2"],
      dummy("vm", { "remote-node": "kguest" }) +
        dummy("svc", {}) +
        `<primitive id="fencer" class="stonith" type="fence_dummy"/>`,
      `<rsc_location id="svc-kind" rsc="svc"><rule id="svc-kind-r" score="INFINITY"><expression id="svc-kind-e" attribute="#kind" operation="eq" value="${kind}"/></rule></rsc_location>`,
    ).replace(nv("opts-st", "stonith-enabled", "false"), nv("opts-st", "stonith-enabled", "true"));

  // pe__unpack_resource: in an asymmetric cluster a guest's connection still may run wherever its
  // container does ("remote_connection_default"), so the guest comes up where the container opts in.
  const optIn = freshCib(
    ["a1", "a2"],
    dummy("vm", { "remote-node": "ag" }) + dummy("svc", {}),
    `<rsc_location id="vm-a2" rsc="vm" node="a2" score="100"/><rsc_location id="svc-ag" rsc="svc" node="ag" score="100"/>`,
  ).replace(
    nv("opts-st", "stonith-enabled", "false"),
    nv("opts-st", "stonith-enabled", "false") + nv("opts-sym", "symmetric-cluster", "false"),
  );

  it("starts a guest node where its container opts in, in an asymmetric cluster", () => {
    expectRule(optIn, ["Start ag ( a2 )", "Start svc ( ag )", "Start vm ( a2 )"]);
  });

  it("lets a rule on #kind eq container choose the guest node, fencing nothing", () => {
    expectRule(byKind("container"), [
      "Start fencer ( k2 )",
      "Start kguest ( k1 )",
      "Start svc ( kguest )",
      "Start vm ( k1 )",
    ]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides them as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const x of [
        cib(["g1", "g2"], "guest1"),
        cib(["h10", "h2", "h3"], "vmguest"),
        byKind("container"),
        optIn,
      ])
        expect(hbxDecisions(x)).toEqual(pacemakerDecisions(x));
    },
  );
});

describe("actions on a guest node", () => {
  // Pacemaker's apply_launcher_ordering: a start on a guest node waits for the guest's container
  // and is forced again when the container restarts; the guest's connection goes with its
  // container rather than migrating (pe__unpack_resource: no default allow-migrate for a guest).
  const history = (rsc: string, agent: string, node: string, call: number): string => {
    const [cls, provider, type] = agent.split(":");
    return `<lrm_resource id="${rsc}" class="${cls}" provider="${provider}" type="${type}"><lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="${call}:1:0:6d3c" transition-magic="0:0;${call}:1:0:6d3c" exit-reason="" on_node="${node}" call-id="${call}" rc-code="0" op-status="0" interval="0" last-rc-change="1" exec-time="1" queue-time="0" op-digest="${operationDigest({})}"/></lrm_resource>`;
  };
  const state = (n: string, lrm: string): string =>
    `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`;
  const moving = (hosts: [string, string], guest: string): string =>
    `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="${hosts[0]}">
<configuration><crm_config><cluster_property_set id="opts">${nv("opts-st", "stonith-enabled", "false")}</cluster_property_set></crm_config>
<nodes>${hosts.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
<resources><primitive id="vm" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="vm-m">${nv(
      "vm-rn",
      "remote-node",
      guest,
    )}</meta_attributes></primitive><primitive id="app" class="ocf" provider="heartbeat" type="Dummy"/></resources>
<constraints><rsc_location id="vm-away" rsc="vm" node="${hosts[1]}" score="INFINITY"/><rsc_location id="app-in" rsc="app" node="${guest}" score="INFINITY"/></constraints></configuration>
<status>${state(hosts[0], history("vm", "ocf:heartbeat:Dummy", hosts[0], 3) + history(guest, "ocf:pacemaker:remote", hosts[0], 4))}${state(hosts[1], "")}<node_state remote_node="true" id="${guest}" uname="${guest}"><lrm id="${guest}"><lrm_resources>${history(
      "app",
      "ocf:heartbeat:Dummy",
      guest,
      5,
    )}</lrm_resources></lrm></node_state></status></cib>`;

  // pe_fence_node for a guest: when its container fails, the guest is "fenced" by recovering the
  // container (pcmk__fence_guest, a pseudo fencing), and what ran on it is recovered there.
  const containerFailed = (fencing: boolean): string =>
    moving(["h1", "h2"], "gq")
      .replace(`<rsc_location id="vm-away" rsc="vm" node="h2" score="INFINITY"/>`, "")
      .replace(nv("opts-st", "stonith-enabled", "false"), nv("opts-st", "stonith-enabled", String(fencing)))
      .replace(
        /(<lrm_resource id="vm"[^>]*>.*?)(<\/lrm_resource>)/,
        (_m, body: string, end: string) =>
          body +
          `<lrm_rsc_op id="vm_monitor_10000" operation_key="vm_monitor_10000" operation="monitor" crm-debug-origin="x" crm_feature_set="3.16.2" transition-key="9:1:0:6d3c" transition-magic="0:7;9:1:0:6d3c" exit-reason="" on_node="h1" call-id="9" rc-code="7" op-status="0" interval="10000" last-rc-change="2" exec-time="1" queue-time="0" op-digest="${operationDigest({})}"/>` +
          end,
      );

  it("recovers a failed guest container and what ran on the guest, fencing the guest through it", () => {
    expectRule(containerFailed(false), [
      "Fence (reboot) gq (resource: vm) 'guest is unclean'",
      "Recover app ( gq )",
      "Recover vm ( h1 )",
      "Restart gq ( h1 ) due to required vm start",
    ]);
  });

  // determine_remote_online_status: a guest whose host is lost is reset with it; its container is
  // recovered when something ran on the guest (which then counts as failed), else just moved.
  const hostLost = (withApp: boolean): string => {
    let x = moving(["h1", "h2"], "gq")
      .replace(`<rsc_location id="vm-away" rsc="vm" node="h2" score="INFINITY"/>`, "")
      .replace(nv("opts-st", "stonith-enabled", "false"), nv("opts-st", "stonith-enabled", "true"))
      .replace("</resources>", `<primitive id="fencer" class="stonith" type="fence_dummy"/></resources>`)
      .replace(
        `<node_state id="h1" uname="h1" in_ccm="true" crmd="online" join="member" expected="member">`,
        `<node_state id="h1" uname="h1" in_ccm="false" crmd="offline" join="down" expected="member">`,
      );
    if (!withApp) x = x.replace(/<lrm_resource id="app".*?<\/lrm_resource>/, "");
    return x;
  };

  it("resets a guest whose host is lost, recovering its container when something ran on it", () => {
    expectRule(hostLost(true), [
      "Fence (reboot) gq (resource: vm) 'guest is unclean'",
      "Fence (reboot) h1 'peer is no longer part of the cluster'",
      "Move gq ( h1 -> h2 )",
      "Recover app ( gq )",
      "Recover vm ( h1 -> h2 )",
      "Start fencer ( h2 )",
    ]);
  });

  it("resets an empty guest whose host is lost and just moves its container", () => {
    expectRule(hostLost(false), [
      "Fence (reboot) gq (resource: vm) 'guest is unclean'",
      "Fence (reboot) h1 'peer is no longer part of the cluster'",
      "Move gq ( h1 -> h2 )",
      "Move vm ( h1 -> h2 )",
      "Start app ( gq )",
      "Start fencer ( h2 )",
    ]);
  });

  it("restarts what runs on a guest node when its container moves", () => {
    expectRule(moving(["h1", "h2"], "gq"), [
      "Move gq ( h1 -> h2 )",
      "Move vm ( h1 -> h2 )",
      "Restart app ( gq ) due to required vm start",
    ]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `decides it as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const x of [
        moving(["h1", "h2"], "gq"),
        moving(["n20", "n3"], "box9"),
        containerFailed(false),
        containerFailed(true),
        hostLost(true),
        hostLost(false),
      ])
        expect(hbxDecisions(x)).toEqual(pacemakerDecisions(x));
    },
  );
});

describe("actions on a remote node wait for its connection", () => {
  // Pacemaker's apply_remote_ordering: a start on a remote node, and a probe there, wait for the
  // connection's start; the transition graph says so.
  const cib = (remote: string, hosts: string[]): string =>
    freshCib(
      hosts,
      `<primitive id="${remote}" class="ocf" provider="pacemaker" type="remote"/><primitive id="app" class="ocf" provider="heartbeat" type="Dummy"/>`,
      `<rsc_location id="app-there" rsc="app" node="${remote}" score="INFINITY"/>`,
    );

  it("starts and probes a resource on a remote node only after its connection starts", () => {
    const g = hbxGraphInputs(cib("r1", ["c1", "c2"]));
    expect(g.get("app_start_0 on r1")).toContain("r1_start_0 on c1");
    expect(g.get("app_monitor_0 on r1")).toEqual(["r1_start_0 on c1"]);
  });

  it.skipIf(pacemakerMissing !== undefined)(
    `orders them as Pacemaker's crm_simulate does${pacemakerMissing ? ` (skipped: ${pacemakerMissing})` : ""}`,
    () => {
      for (const x of [cib("r1", ["c1", "c2"]), cib("edge", ["n10", "n2", "n3"])])
        expect(hbxGraphInputs(x)).toEqual(pacemakerGraphInputs(x));
    },
  );
});
