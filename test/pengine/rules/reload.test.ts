/**
 * Restart or reload when a running resource's parameters changed, from the digests in its
 * history (Pacemaker's pcmk__check_action_config and schedule_reload): a changed restart digest
 * or an agent without reload restarts, any other change reloads, and a start still pending
 * restarts instead of reloading. Checked against Pacemaker's own crm_simulate where installed.
 */
import { describe, expect, it } from "vitest";
import { operationDigest, restartDigest } from "@hbx/cib";
import {
  type OpRecord,
  cib,
  dummy,
  havePacemaker,
  hbxSimulate,
  history,
  nodeState,
  oracle,
  pacemakerSimulate,
  summaryOf,
} from "./cib.js";

const PENDING = { rc: 193, status: -1 };

/** `rsc` configured with `now`, its history on the first of two nodes recorded with `then`. */
function changed(
  rsc: string,
  names: [string, string],
  now: Record<string, string>,
  op: (then: string) => OpRecord,
  then: Record<string, string>,
  opts: { ops?: string; meta?: Record<string, string>; more?: OpRecord[] } = {},
): string {
  const [n1, n2] = names;
  return cib({
    nodes: names,
    resources: dummy(rsc, opts.meta ?? {}, { params: now, ops: opts.ops }),
    status:
      nodeState(0, n1, "online", history(rsc, n1, [op(operationDigest(then)), ...(opts.more ?? [])])) +
      nodeState(1, n2, "online"),
  });
}

/** The agent supports reload when the start recorded a restart digest (here over no parameter). */
const reloadable = { "op-force-restart": "", "op-restart-digest": restartDigest({}, []) };

const CASES: Array<{ name: string; xml: string; summary: string[] }> = [
  {
    name: "unchanged parameters change nothing",
    xml: changed("A", ["n1", "n2"], { fake: "1" }, (d) => ({ task: "start", callId: 3, digest: d }), {
      fake: "1",
    }),
    summary: [],
  },
  {
    name: "a changed parameter restarts an agent that cannot reload",
    xml: changed("web", ["alpha", "beta"], { port: "81" }, (d) => ({ task: "start", callId: 3, digest: d }), {
      port: "80",
    }),
    summary: ["Restart web ( alpha ) due to resource definition change"],
  },
  {
    name: "a changed parameter is reloaded by an agent that recorded a restart digest",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "2" },
      (d) => ({ task: "start", callId: 3, digest: d, extra: reloadable }),
      { fake: "1" },
    ),
    summary: ["Reload A ( n1 )"],
  },
  {
    name: "a parameter listed as needing a restart restarts even an agent that can reload",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "2" },
      (d) => ({
        task: "start",
        callId: 3,
        digest: d,
        extra: { "op-force-restart": " fake ", "op-restart-digest": restartDigest({ fake: "1" }, ["fake"]) },
      }),
      { fake: "1" },
    ),
    summary: ["Restart A ( n1 ) due to resource definition change"],
  },
  {
    name: "a probe that found it running is compared like a start, and reloads",
    xml: changed(
      "db",
      ["node10", "node2"],
      { size: "2G" },
      (d) => ({ task: "monitor", callId: 3, digest: d, extra: reloadable }),
      { size: "1G" },
    ),
    summary: ["Reload db ( node10 )"],
  },
  {
    name: "a change while the start is pending restarts, naming no reason, instead of reloading",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "2" },
      (d) => ({ task: "start", callId: 3, digest: d, extra: reloadable, ...PENDING }),
      { fake: "1" },
    ),
    summary: ["Restart A ( n1 )"],
  },
  {
    name: "a change while the start is pending restarts an agent that cannot reload, saying why",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "2" },
      (d) => ({ task: "start", callId: 3, digest: d, ...PENDING }),
      {
        fake: "1",
      },
    ),
    summary: ["Restart A ( n1 ) due to resource definition change"],
  },
  {
    name: "a start's own operation parameters count, and their change restarts it",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "1" },
      (d) => ({ task: "start", callId: 3, digest: d }),
      { fake: "1", extra: "1" },
      {
        ops:
          '<op id="A-start" name="start" interval="0"><instance_attributes id="A-start-ia"><nvpair id="A-start-extra" name="extra" value="2"/></instance_attributes></op>' +
          '<op id="A-mon" name="monitor" interval="10s"/>',
      },
    ),
    summary: ["Restart A ( n1 ) due to resource definition change"],
  },
  {
    name: "a failed resource is recovered, not reloaded",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "2" },
      (d) => ({ task: "start", callId: 3, digest: d, extra: reloadable }),
      { fake: "1" },
      { more: [{ task: "monitor", interval: 10000, rc: 7, callId: 4 }] },
    ),
    summary: ["Recover A ( n1 )"],
  },
  {
    name: "an unmanaged resource is neither reloaded nor restarted",
    xml: changed(
      "A",
      ["n1", "n2"],
      { fake: "2" },
      (d) => ({ task: "start", callId: 3, digest: d, extra: reloadable }),
      { fake: "1" },
      { meta: { "is-managed": "false" } },
    ),
    summary: [],
  },
];

describe("restart or reload on changed parameters", () => {
  for (const c of CASES) {
    it(c.name, () => {
      expect(summaryOf(hbxSimulate(c.xml))).toEqual(c.summary);
    });
    it.skipIf(!havePacemaker)(`${c.name}, ${oracle}`, () => {
      expect(summaryOf(pacemakerSimulate(c.xml))).toEqual(c.summary);
    });
  }
});
