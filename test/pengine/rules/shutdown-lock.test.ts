/**
 * Shutdown locks (Pacemaker's unpack_shutdown_lock and pcmk__primitive_shutdown_lock): with
 * shutdown-lock, what a clean shutdown stops stays locked to its node until the node returns or
 * shutdown-lock-limit passes; clones are never locked; and an offline node's history is read so
 * its locks are seen. Checked against Pacemaker's own crm_simulate where it is installed.
 */
import { describe, expect, it } from "vitest";
import {
  type NodeCondition,
  EMPTY_DIGEST,
  blockOf,
  cib,
  dummy,
  group,
  havePacemaker,
  hbxSimulate,
  history,
  nodeState,
  oracle,
  pacemakerSimulate,
  started,
  summaryOf,
} from "./cib.js";

const NOW = Math.floor(Date.now() / 1000);

/** A resource's history on a node with the shutdown lock its stop recorded at `at`. */
function lockedHistory(rsc: string, node: string, at: number): string {
  return history(rsc, node, [
    { task: "start", callId: 3, digest: EMPTY_DIGEST },
    { task: "stop", callId: 4, digest: EMPTY_DIGEST },
  ]).replace("<lrm_resource ", `<lrm_resource shutdown-lock="${at}" `);
}

/** Two nodes with shutdown-lock: `B` runs on the first; the second is in `second` with `history`. */
function twoNodes(
  names: [string, string],
  second: NodeCondition,
  resources: string,
  secondHistory: string,
  opts: { limit?: string; shutdownAt?: number } = {},
): string {
  const [n1, n2] = names;
  const options: Record<string, string> = { "shutdown-lock": "true" };
  if (opts.limit) options["shutdown-lock-limit"] = opts.limit;
  const transient = opts.shutdownAt === undefined ? {} : { shutdown: String(opts.shutdownAt) };
  return cib({
    nodes: names,
    options,
    resources: resources + dummy("B"),
    status: nodeState(0, n1, "online", started("B", n1)) + nodeState(1, n2, second, secondHistory, transient),
  });
}

const CASES: Array<{ name: string; xml: string; summary: string[]; status?: string }> = [
  {
    name: "a resource stopped by a clean shutdown stays stopped, locked to its node",
    xml: twoNodes(["n1", "n2"], "down", dummy("A"), lockedHistory("A", "n2", NOW - 100)),
    summary: [],
    status: "* A (ocf:heartbeat:Dummy): Stopped n2 (LOCKED)",
  },
  {
    name: "the lock holds while shutdown-lock-limit has not passed",
    xml: twoNodes(["alpha", "beta"], "down", dummy("A"), lockedHistory("A", "beta", NOW - 100), {
      limit: "5m",
    }),
    summary: [],
    status: "* A (ocf:heartbeat:Dummy): Stopped beta (LOCKED)",
  },
  {
    name: "an expired lock frees the resource to start elsewhere",
    xml: twoNodes(["n1", "n2"], "down", dummy("A"), lockedHistory("A", "n2", 1000), { limit: "5m" }),
    summary: ["Start A ( n1 )"],
  },
  {
    name: "a node shutting down stops its resource without moving it",
    xml: twoNodes(["n1", "n2"], "online", dummy("A"), started("A", "n2"), { shutdownAt: NOW - 10 }),
    summary: ["Stop A ( n2 ) due to node availability"],
  },
  {
    name: "every member of a group on a node shutting down is locked there",
    xml: twoNodes(
      ["node1", "node10"],
      "online",
      group("G", dummy("A"), dummy("C")),
      started("A", "node10") + started("C", "node10"),
      { shutdownAt: NOW - 10 },
    ),
    summary: ["Stop A ( node10 ) due to node availability", "Stop C ( node10 ) due to node availability"],
  },
  {
    name: "a clone instance is never locked: it moves",
    xml: twoNodes(["n1", "n2"], "online", `<clone id="cl">${dummy("A")}</clone>`, started("A", "n2"), {
      shutdownAt: NOW - 10,
    }),
    summary: ["Move A:0 ( n2 -> n1 )"],
  },
  {
    name: "a locked resource starts again on its node when the node returns, still shown locked",
    xml: twoNodes(["n1", "n2"], "online", dummy("A"), lockedHistory("A", "n2", NOW - 100)),
    summary: ["Start A ( n2 )"],
    status: "* A (ocf:heartbeat:Dummy): Started n2 (LOCKED)",
  },
  {
    name: "with shutdown locks an offline node's history is read, and what it ran cannot be stopped",
    xml: twoNodes(["n1", "n2"], "down", dummy("A"), started("A", "n2")),
    summary: ["Stop A ( n2 ) blocked"],
  },
];

describe("shutdown locks", () => {
  for (const c of CASES) {
    const check = (out: string): void => {
      expect(summaryOf(out)).toEqual(c.summary);
      if (c.status) expect(blockOf(out, "Revised Cluster Status:")).toContain(c.status);
    };
    it(c.name, () => check(hbxSimulate(c.xml)));
    it.skipIf(!havePacemaker)(`${c.name}, ${oracle}`, () => check(pacemakerSimulate(c.xml)));
  }
});
