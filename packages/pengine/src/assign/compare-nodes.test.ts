import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseXml } from "@hbx/cib";
import { schedule } from "../schedule.js";
import { transitionSummaryLines } from "../print/summary.js";
import { strcmpNames } from "./compare-nodes.js";

/** Unpadded names, so strcmp order (node1, node10 … node16, node2 …) differs from natural order. */
const NODES = Array.from({ length: 16 }, (_, i) => `node${i + 1}`);
const TX = "8b3c2a10-0000-4000-8000-00000000b3c4";
const START_DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";

interface Scenario {
  readonly resources: number;
  readonly options?: Record<string, string>;
  readonly runningOn?: Record<string, string>;
  /** Per resource, a score on every node. */
  readonly everywhere?: Record<string, number>;
}

function started(rsc: string, call: number): string {
  const key = `${call}:1:0:${TX}`;
  return (
    `<lrm_resource id="${rsc}" class="ocf" provider="heartbeat" type="Dummy">` +
    `<lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" crm_feature_set="3.16.2" ` +
    `transition-key="${key}" transition-magic="0:0;${key}" call-id="${call}" rc-code="0" op-status="0" ` +
    `interval="0" last-rc-change="1700000000" exec-time="10" queue-time="0" op-digest="${START_DIGEST}"/>` +
    `</lrm_resource>`
  );
}

function scenarioCib(s: Scenario): string {
  const ids = Array.from({ length: s.resources }, (_, i) => `r${i + 1}`);
  const opts = Object.entries({ "stonith-enabled": "false", ...s.options })
    .map(([k, v]) => `<nvpair id="o-${k}" name="${k}" value="${v}"/>`)
    .join("");
  const locations = Object.entries(s.everywhere ?? {})
    .flatMap(([r, score]) =>
      NODES.map((n) => `<rsc_location id="l-${r}-${n}" rsc="${r}" node="${n}" score="${score}"/>`),
    )
    .join("");
  const states = NODES.map((n, i) => {
    const lrm = Object.entries(s.runningOn ?? {})
      .filter(([, node]) => node === n)
      .map(([r], j) => started(r, j + 1))
      .join("");
    return (
      `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
      `<lrm id="${i + 1}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`
    );
  }).join("");
  return (
    `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0" ` +
    `have-quorum="1" dc-uuid="1"><configuration><crm_config><cluster_property_set id="o">${opts}` +
    `</cluster_property_set></crm_config><nodes>${NODES.map((n, i) => `<node id="${i + 1}" uname="${n}"/>`).join("")}` +
    `</nodes><resources>${ids.map((r) => `<primitive id="${r}" class="ocf" provider="heartbeat" type="Dummy"/>`).join("")}` +
    `</resources><constraints>${locations}</constraints></configuration><status>${states}</status></cib>`
  );
}

const SCENARIOS: Record<string, Scenario> = {
  "twenty stopped resources": { resources: 20 },
  "five stopped resources under placement-strategy=minimal": {
    resources: 5,
    options: { "placement-strategy": "minimal" },
  },
  "running resources without stickiness under minimal": {
    resources: 3,
    options: { "placement-strategy": "minimal" },
    runningOn: { r1: "node9", r2: "node2" },
  },
  "two resources sharing node9 with score 0": { resources: 3, runningOn: { r1: "node9", r2: "node9" } },
  "two resources sharing node9 with score 5 everywhere": {
    resources: 4,
    runningOn: { r3: "node9", r4: "node9" },
    everywhere: { r3: 5, r4: 5 },
  },
};

function hbxSummary(xml: string): string[] {
  const t = schedule(parseXml(xml, "tie.xml"));
  return transitionSummaryLines(t.ws).map((l) => l.replace(/\s+/g, " ").trim());
}

function placements(xml: string): string[] {
  return hbxSummary(xml).map((l) => l.replace(/^\w+ (\S+) \((?: \S+ ->)? (\S+) \)$/, "$1@$2"));
}

describe("strcmpNames", () => {
  it("orders names byte by byte, so node10 comes before node2", () => {
    expect(strcmpNames("node10", "node2")).toBeLessThan(0);
    expect(strcmpNames("node2", "node10")).toBeGreaterThan(0);
  });

  it("puts a name before the longer names it begins", () => {
    expect(strcmpNames("node1", "node10")).toBeLessThan(0);
    expect(strcmpNames("node1", "node1")).toBe(0);
  });

  it("orders upper case before lower case, as bytes do", () => {
    expect(strcmpNames("Node9", "node1")).toBeLessThan(0);
  });

  it("orders characters beyond the BMP after U+FFFD, as their UTF-8 bytes do", () => {
    expect(strcmpNames("n\u{1F600}", "n\uFFFD")).toBeGreaterThan(0);
  });
});

describe("tie-breaking between equally scored nodes", () => {
  it("spreads stopped resources over node1..node16 in strcmp order of the names", () => {
    const got = placements(scenarioCib(SCENARIOS["twenty stopped resources"]));
    expect(got.slice(0, 10)).toEqual([
      "r1@node1",
      "r2@node10",
      "r3@node11",
      "r4@node12",
      "r5@node13",
      "r6@node14",
      "r7@node15",
      "r8@node16",
      "r9@node2",
      "r10@node3",
    ]);
    expect(got[16]).toBe("r17@node1");
  });

  it("under placement-strategy=minimal ignores counts and puts everything on the lowest name", () => {
    const got = placements(scenarioCib(SCENARIOS["five stopped resources under placement-strategy=minimal"]));
    expect(got).toEqual(["r1@node1", "r2@node1", "r3@node1", "r4@node1", "r5@node1"]);
  });

  it("moves a resource scoring 0 off a node that holds more resources than another", () => {
    const got = placements(scenarioCib(SCENARIOS["two resources sharing node9 with score 0"]));
    expect(got).toEqual(["r2@node1", "r3@node10"]);
  });

  it("keeps a resource scoring above 0 where it runs even when that node holds more resources", () => {
    const got = placements(scenarioCib(SCENARIOS["two resources sharing node9 with score 5 everywhere"]));
    expect(got).toEqual(["r1@node1", "r2@node10"]);
  });
});

const PACEMAKER = "/usr/sbin/crm_simulate";
const haveOracle = existsSync(PACEMAKER);

function pacemakerSummary(xml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "tie-"));
  const file = join(dir, "cib.xml");
  writeFileSync(file, xml);
  const out = execFileSync(PACEMAKER, ["-x", file, "--run"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const lines = out.split("\n");
  const from = lines.indexOf("Transition Summary:");
  const body: string[] = [];
  for (const l of lines.slice(from + 1)) {
    if (!l.startsWith("  * ")) break;
    body.push(l.slice(4).replace(/\s+/g, " ").trim());
  }
  return body.sort();
}

describe.skipIf(!haveOracle)(
  haveOracle
    ? "tie-breaking against Pacemaker 2.1.5's crm_simulate on nodes node1..node16"
    : `tie-breaking against Pacemaker's crm_simulate (skipped: ${PACEMAKER} is not installed)`,
  () => {
    it.each(Object.keys(SCENARIOS))("takes Pacemaker's decisions with %s", (name) => {
      const xml = scenarioCib(SCENARIOS[name]);
      expect(hbxSummary(xml).sort()).toEqual(pacemakerSummary(xml));
    });
  },
);
