/**
 * Stops blocked along mandatory orderings by a resource that a failure left unmanaged and
 * blocked (Pacemaker's update_action_for_ordering_flags). Each case is checked against hbx's
 * expected summary, and against Pacemaker's own crm_simulate where it is installed.
 */
import { describe, expect, it } from "vitest";
import { operationDigest } from "@hbx/cib";
import {
  EMPTY_DIGEST,
  ban,
  blockOf,
  cib,
  dummy,
  group,
  havePacemaker,
  hbxSimulate,
  history,
  nodeState,
  oracle,
  order,
  pacemakerSimulate,
  started,
  summaryOf,
} from "./cib.js";

/** `first` ordered before `then`; `then` failed to stop on the first node, which cannot be fenced. */
function failedStopAfter(nodes: string[], first: string, then: string, heartbeatV2 = false): string {
  const [n] = nodes;
  return cib({
    nodes,
    heartbeatV2,
    options: { "stonith-enabled": "false" },
    resources: dummy(first, { "target-role": "Stopped" }, { heartbeatV2 }) + dummy(then),
    constraints: order(`${first}-before-${then}`, first, then),
    status:
      nodeState(
        0,
        n,
        "online",
        started(first, n) +
          history(then, n, [
            { task: "start", callId: 3 },
            { task: "stop", rc: 1, callId: 4 },
          ]),
      ) +
      nodes
        .slice(1)
        .map((m, i) => nodeState(i + 1, m, "online"))
        .join(""),
  });
}

const CASES: Array<{ name: string; xml: string; summary: string[] }> = [
  {
    name: "a stop ordered after a failed stop that cannot be fenced is blocked",
    xml: failedStopAfter(["alpha", "beta"], "A", "B"),
    summary: ["Stop A ( alpha ) due to node availability (blocked)"],
  },
  {
    name: "the same holds with other names, more nodes and Heartbeat v2 attribute names",
    xml: failedStopAfter(["node10", "node2", "node3"], "web-frontend", "db", true),
    summary: ["Stop web-frontend ( node10 ) due to node availability (blocked)"],
  },
  {
    name: "a resource that is only unmanaged blocks nothing: it is left alone, not stopped",
    xml: cib({
      nodes: ["alpha", "beta"],
      resources: dummy("A", { "target-role": "Stopped" }) + dummy("B", { "is-managed": "false" }),
      constraints: order("o", "A", "B"),
      status: nodeState(0, "alpha", "online", started("A", "alpha") + started("B", "alpha")),
    }),
    summary: ["Stop A ( alpha ) due to node availability"],
  },
  {
    name: "a monitor failure with on-fail=block blocks the stops ordered after it",
    xml: cib({
      nodes: ["n1", "n2", "n3"],
      resources:
        dummy("web", { "target-role": "Stopped" }) +
        dummy("db", {}, { ops: '<op id="db-mon" name="monitor" interval="10s" on-fail="block"/>' }),
      constraints: order("web-then-db", "web", "db"),
      status:
        nodeState(
          0,
          "n1",
          "online",
          started("web", "n1") +
            history("db", "n1", [
              { task: "start", callId: 3 },
              { task: "monitor", interval: 10000, rc: 7, callId: 4 },
            ]),
        ) +
        nodeState(1, "n2", "online") +
        nodeState(2, "n3", "online"),
    }),
    summary: ["Stop web ( n1 ) due to node availability (blocked)"],
  },
  {
    name: "a group member before a blocked member cannot move, naming the blocked stop",
    xml: cib({
      nodes: ["alpha", "beta"],
      resources: group("G", dummy("A"), dummy("B")),
      constraints: ban("G-not-alpha", "G", "alpha"),
      status:
        nodeState(
          0,
          "alpha",
          "online",
          started("A", "alpha") +
            history("B", "alpha", [
              { task: "start", callId: 3 },
              { task: "stop", rc: 1, callId: 4 },
            ]),
        ) + nodeState(1, "beta", "online"),
    }),
    summary: ["Stop A ( alpha ) due to unrunnable B stop (blocked)"],
  },
];

const fenceDevice =
  '<primitive id="fence" class="stonith" type="fence_xvm"><operations><op id="fence-mon" name="monitor" interval="60s"/></operations></primitive>';

const fenceRunning = history("fence", "n1", [{ task: "start", callId: 2 }])
  .replace('provider="heartbeat" ', "")
  .replace('class="ocf"', 'class="stonith"')
  .replace('type="Dummy"', 'type="fence_xvm"');

/** `A`'s stop failed with "not installed" (a hard error) on the second of three nodes. */
function hardStopFailure(opts: { device: boolean; quorum: boolean; second: "online" | "unclean" }): string {
  return cib({
    nodes: ["n1", "n2", "n3"],
    quorum: opts.quorum,
    options: { "stonith-enabled": "true", "no-quorum-policy": "stop" },
    resources: (opts.device ? fenceDevice : "") + dummy("A") + dummy("B"),
    status:
      nodeState(0, "n1", "online", (opts.device ? fenceRunning : "") + started("B", "n1")) +
      nodeState(
        1,
        "n2",
        opts.second,
        history("A", "n2", [
          { task: "start", callId: 3 },
          { task: "stop", rc: 5, callId: 4 },
        ]),
      ) +
      nodeState(2, "n3", "online"),
  });
}

/** A stop that failed for good where its node cannot be fenced (Pacemaker's check_recoverable). */
const UNRECOVERABLE: Array<{ name: string; xml: string; summary: string[]; status: string[] }> = [
  {
    name: "with fencing enabled but no device, it is left failed and blocked, the rest shown managed",
    xml: hardStopFailure({ device: false, quorum: true, second: "online" }),
    summary: [],
    status: ["* A (ocf:heartbeat:Dummy): FAILED n2 (blocked)", "* B (ocf:heartbeat:Dummy): Started n1"],
  },
  {
    name: "without quorum, on a node that left, it is left blocked on the unclean node",
    xml: hardStopFailure({ device: true, quorum: false, second: "unclean" }),
    summary: ["Stop fence ( n1 ) due to no quorum", "Stop B ( n1 ) due to no quorum"],
    status: ["* A (ocf:heartbeat:Dummy): Started n2 (UNCLEAN, blocked)"],
  },
  {
    name: "where the node can be fenced, it is fenced and the resource recovered elsewhere",
    xml: hardStopFailure({ device: true, quorum: true, second: "online" }),
    summary: ["Fence (reboot) n2 'A failed there'", "Recover A ( n2 -> n3 )"],
    status: ["* A (ocf:heartbeat:Dummy): Started n3"],
  },
];

/** The digest of a 10 s monitor with the default 20 s timeout and no parameters. */
const MONITOR_DIGEST = operationDigest({ CRM_meta_interval: "10000", CRM_meta_timeout: "20000" });

/**
 * `db`'s 10 s monitor (on-fail=block) failed and, in a second record of the same call, later
 * succeeded again — or the other way round when `recovered` is false.
 */
function monitorRecovery(
  recovered: boolean,
  meta: Record<string, string> = {},
  digest = MONITOR_DIGEST,
): string {
  const [failedAt, okAt] = recovered ? [1000, 2000] : [2000, 1000];
  return cib({
    nodes: ["node1", "node2"],
    resources: dummy("db", meta, { ops: '<op id="db-mon" name="monitor" interval="10s" on-fail="block"/>' }),
    status:
      nodeState(
        0,
        "node1",
        "online",
        history("db", "node1", [
          { task: "start", callId: 3 },
          { task: "monitor", interval: 10000, callId: 4, lastRcChange: okAt, digest },
          {
            task: "monitor",
            interval: 10000,
            rc: 1,
            callId: 4,
            lastRcChange: failedAt,
            digest,
            id: "db_last_failure_0",
          },
        ]),
        { "fail-count-db#monitor_10000": "1", "last-failure-db#monitor_10000": String(failedAt) },
      ) + nodeState(1, "node2", "online"),
  });
}

const MONITOR_RECOVERY: Array<{ name: string; xml: string; summary: string[]; status: string[] }> = [
  {
    name: "a blocked monitor failure stands while it is the newer record",
    xml: monitorRecovery(false),
    summary: [],
    status: ["* db (ocf:heartbeat:Dummy): FAILED node1 (blocked)"],
  },
  {
    name: "the same monitor succeeding again clears the blocked failure",
    xml: monitorRecovery(true),
    summary: [],
    status: ["* db (ocf:heartbeat:Dummy): Started node1"],
  },
  {
    name: "a cleared failure still counts toward migration-threshold",
    xml: monitorRecovery(true, { "migration-threshold": "1" }),
    summary: ["Move db ( node1 -> node2 )"],
    status: ["* db (ocf:heartbeat:Dummy): Started node2"],
  },
  {
    name: "a fail count is not held against a resource whose failed monitor was redefined since",
    xml: monitorRecovery(true, { "migration-threshold": "1" }, EMPTY_DIGEST),
    summary: [],
    status: ["* db (ocf:heartbeat:Dummy): Started node1"],
  },
];

/** Group G [A B C] on the first node with B unmanaged; `failed` makes A's monitor fail. */
function unmanagedInGroup(opts: { failed?: boolean; colocatedWith?: string } = {}): string {
  const a = opts.failed
    ? history("A", "n1", [
        { task: "start", callId: 3 },
        { task: "monitor", interval: 10000, rc: 7, callId: 4 },
      ])
    : started("A", "n1");
  const primary = opts.colocatedWith;
  return cib({
    nodes: ["n1", "n2"],
    resources:
      (primary ? dummy(primary, { "target-role": "Stopped" }) : "") +
      group("G", dummy("A"), dummy("B", { "is-managed": "false" }), dummy("C")),
    constraints: primary
      ? `<rsc_colocation id="G-with-${primary}" rsc="G" with-rsc="${primary}" score="INFINITY"/>`
      : "",
    status:
      nodeState(0, "n1", "online", a + started("B", "n1") + (opts.failed ? started("C", "n1") : "")) +
      nodeState(1, "n2", "online"),
  });
}

describe("a group with an unmanaged member", () => {
  // A cannot restart, so neither can the unmanaged B's start happen, and C behind it stops.
  const failedFirst = (lines: string[]): void => {
    expect(lines).toContain("Stop A ( n1 ) due to unrunnable B stop (blocked)");
    expect(lines.filter((l) => l.startsWith("Stop C ( n1 )"))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("Restart C"))).toBe(false);
  };
  it("cannot recover a failed member before it: the stop waits on the unmanaged member's", () => {
    failedFirst(summaryOf(hbxSimulate(unmanagedInGroup({ failed: true }))));
  });
  it.skipIf(!havePacemaker)(`cannot recover a failed member before it, ${oracle}`, () => {
    failedFirst(summaryOf(pacemakerSimulate(unmanagedInGroup({ failed: true }))));
  });
  // Behind the unmanaged member the group's mandatory colocation holds for each member itself.
  const behind = unmanagedInGroup({ colocatedWith: "R" });
  it("does not start a member behind it whose group's primary cannot run", () => {
    expect(summaryOf(hbxSimulate(behind))).toEqual(["Stop A ( n1 ) due to node availability (blocked)"]);
  });
  it.skipIf(!havePacemaker)(`does not start a member behind it, ${oracle}`, () => {
    expect(summaryOf(pacemakerSimulate(behind))).toEqual([
      "Stop A ( n1 ) due to node availability (blocked)",
    ]);
  });
});

/** X then Y then Z; X is disabled and Z's stop failed for good, so Y cannot stop, nor X after it. */
const stuck = cib({
  nodes: ["alpha", "beta"],
  resources: dummy("X", { "target-role": "Stopped" }) + dummy("Y") + dummy("Z"),
  constraints: order("x-then-y", "X", "Y") + order("y-then-z", "Y", "Z"),
  status:
    nodeState(
      0,
      "alpha",
      "online",
      started("X", "alpha") +
        started("Y", "alpha") +
        history("Z", "alpha", [
          { task: "start", callId: 3 },
          { task: "stop", rc: 1, callId: 4 },
        ]),
    ) + nodeState(1, "beta", "online"),
});

describe("a transition waiting on a stop that cannot happen", () => {
  const check = (out: string): void => {
    // The summary lists X's stop, but the transition never gets to it.
    expect(summaryOf(out)).toContain("Stop X ( alpha ) due to node availability");
    expect(blockOf(out, "Revised Cluster Status:")).toContain(
      "* X (ocf:heartbeat:Dummy): Started alpha (disabled)",
    );
  };
  it("leaves undone what is ordered after it", () => check(hbxSimulate(stuck)));
  it.skipIf(!havePacemaker)(`leaves undone what is ordered after it, ${oracle}`, () =>
    check(pacemakerSimulate(stuck)),
  );
});

describe("a promoted instance blocked by a failed demote", () => {
  // The promoted instance's demote failed (on-fail=block) on a node now in standby; the other
  // node runs an unpromoted instance. The blocked one stays promoted and counts toward
  // promoted-max (Pacemaker's node_to_be_promoted_on), so nothing else is promoted.
  const xml = cib({
    nodes: ["n1", "n2"],
    resources:
      '<clone id="ms"><meta_attributes id="ms-meta"><nvpair id="ms-promotable" name="promotable" value="true"/></meta_attributes>' +
      dummy(
        "db",
        {},
        {
          ops:
            '<op id="db-demote" name="demote" interval="0" on-fail="block"/>' +
            '<op id="db-mon-p" name="monitor" interval="10s" role="Promoted"/>' +
            '<op id="db-mon-u" name="monitor" interval="11s" role="Unpromoted"/>',
        },
      ) +
      "</clone>",
    status:
      nodeState(
        0,
        "n1",
        "online",
        history("db", "n1", [
          { task: "monitor", rc: 8, callId: 2 },
          { task: "demote", rc: 1, callId: 4 },
        ]),
        { standby: "on" },
      ) + nodeState(1, "n2", "online", started("db", "n2", 3), { "master-db": "10" }),
  });
  const check = (out: string): void => {
    expect(summaryOf(out)).toEqual([]);
    const status = blockOf(out, "Revised Cluster Status:");
    expect(status).toContain("* db (ocf:heartbeat:Dummy): FAILED Promoted n1 (blocked)");
    expect(status).toContain("* Unpromoted: [ n2 ]");
  };
  it("keeps the other instance unpromoted", () => check(hbxSimulate(xml)));
  it.skipIf(!havePacemaker)(`keeps the other instance unpromoted, ${oracle}`, () =>
    check(pacemakerSimulate(xml)),
  );
});

describe("a clone instance whose stop failed for good", () => {
  // B then the clone; B is disabled, and the clone's instance on n1 failed to stop (no fencing).
  const xml = cib({
    nodes: ["n1", "n2"],
    resources: `<clone id="cl">${dummy("A")}</clone>` + dummy("B", { "target-role": "Stopped" }),
    constraints: order("b-then-cl", "B", "cl"),
    status:
      nodeState(
        0,
        "n1",
        "online",
        history("A", "n1", [
          { task: "start", callId: 3 },
          { task: "stop", rc: 1, callId: 4 },
        ]) + started("B", "n1"),
      ) + nodeState(1, "n2", "online", started("A", "n2")),
  });
  // The clone still counts as stopped once its other instances are: B stops.
  const check = (out: string): void => {
    expect(summaryOf(out)).toContain("Stop B ( n1 ) due to node availability");
    // The other instance stops for B's start, which B's stop requires though it cannot happen.
    expect(summaryOf(out)).toContain("Stop A:1 ( n2 ) due to required B start");
    expect(blockOf(out, "Revised Cluster Status:")).toContain(
      "* B (ocf:heartbeat:Dummy): Stopped (disabled)",
    );
  };
  it("does not keep what is ordered before the clone from stopping", () => check(hbxSimulate(xml)));
  it.skipIf(!havePacemaker)(`does not keep what is ordered before the clone from stopping, ${oracle}`, () =>
    check(pacemakerSimulate(xml)),
  );
});

describe("a monitor that recovers by itself", () => {
  for (const c of MONITOR_RECOVERY) {
    const check = (out: string): void => {
      expect(summaryOf(out)).toEqual(c.summary);
      const status = blockOf(out, "Revised Cluster Status:");
      for (const line of c.status) expect(status).toContain(line);
    };
    it(c.name, () => check(hbxSimulate(c.xml)));
    it.skipIf(!havePacemaker)(`${c.name}, ${oracle}`, () => check(pacemakerSimulate(c.xml)));
  }
});

describe("a stop that failed for good", () => {
  for (const c of UNRECOVERABLE) {
    const check = (out: string): void => {
      expect(summaryOf(out)).toEqual(c.summary);
      const status = blockOf(out, "Revised Cluster Status:");
      for (const line of c.status) expect(status).toContain(line);
    };
    it(c.name, () => check(hbxSimulate(c.xml)));
    it.skipIf(!havePacemaker)(`${c.name}, ${oracle}`, () => check(pacemakerSimulate(c.xml)));
  }
});

describe("stops blocked by a blocked resource along mandatory orderings", () => {
  it("a merely unmanaged resource does not hold up the stop ordered after it", () => {
    const out = hbxSimulate(CASES[2].xml);
    expect(blockOf(out, "Revised Cluster Status:")).toContain(
      "* A (ocf:heartbeat:Dummy): Stopped (disabled)",
    );
  });
  for (const c of CASES) {
    it(c.name, () => {
      expect(summaryOf(hbxSimulate(c.xml))).toEqual(c.summary);
    });
    it.skipIf(!havePacemaker)(`${c.name}, ${oracle}`, () => {
      // Pacemaker reads the modern names only; the v2 variant is hbx's alone.
      const modern = c.xml
        .replace(/target_role/g, "target-role")
        .replace(/stonith_enabled/g, "stonith-enabled");
      expect(summaryOf(pacemakerSimulate(modern))).toEqual(c.summary);
    });
  }
});
