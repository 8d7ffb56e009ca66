import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir, sumScores, tryParseScore } from "@hbx/cib";
import { run } from "./run.js";

function output(argv: string[]): string {
  let out = "";
  let err = "";
  const code = run(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  if (code !== 0) throw new Error(`crm_simulate ${argv.join(" ")} exited ${code}: ${err}`);
  return out;
}

interface ExplainedScore {
  readonly line: string;
  readonly score: number;
  readonly terms: { score: number; source: string }[];
  readonly remarks: string[];
}

/** A printed score; NaN (which equals nothing) for text that is not one. */
const score = (text: string): number => tryParseScore(text) ?? NaN;

const SCORE_LINE = /^\S+: \S+ allocation score on \S+: (\S+)$/;
const TERM_LINE = /^ {2}(-?INFINITY|-?\d+): (.+)$/;

/** The Allocation scores section: each score line with the term lines printed under it. */
function explainedScores(out: string): ExplainedScore[] {
  const lines = out.split("\n");
  const from = lines.indexOf("Allocation scores:");
  const scores: ExplainedScore[] = [];
  if (from < 0) return scores;
  for (const l of lines.slice(from + 1)) {
    if (l === "") break;
    const m = SCORE_LINE.exec(l);
    if (m) {
      scores.push({ line: l, score: score(m[1]), terms: [], remarks: [] });
      continue;
    }
    const last = scores.at(-1);
    if (!last) continue;
    const t = TERM_LINE.exec(l);
    if (t) last.terms.push({ score: score(t[1]), source: t[2] });
    else if (l.startsWith("  ")) last.remarks.push(l.trim());
  }
  return scores;
}

/** -s output as it would be without --explain-scores: the term lines dropped. */
function withoutTerms(out: string): string {
  const lines = out.split("\n");
  const from = lines.indexOf("Allocation scores:");
  if (from < 0) return out;
  let end = lines.indexOf("", from);
  if (end < 0) end = lines.length;
  const kept = lines.slice(from, end).filter((l) => !l.startsWith("  "));
  return [...lines.slice(0, from), ...kept, ...lines.slice(end)].join("\n");
}

const NODES = ["node1", "node2", "node3"];

function cib(): string {
  const failOp =
    `<lrm_rsc_op id="web_last_failure_0" operation_key="web_monitor_10000" operation="monitor" ` +
    `transition-key="1:1:0:x" transition-magic="0:1;1:1:0:x" call-id="3" rc-code="1" op-status="0" interval="10000"/>`;
  const start =
    `<lrm_rsc_op id="web_last_0" operation_key="web_start_0" operation="start" transition-key="2:1:0:x" ` +
    `transition-magic="0:0;2:1:0:x" call-id="2" rc-code="0" op-status="0" interval="0"/>`;
  const states = NODES.map((n) => {
    const lrm =
      n === "node1"
        ? `<lrm_resource id="web" class="ocf" provider="heartbeat" type="Dummy">${start}${failOp}</lrm_resource>`
        : "";
    const attrs =
      n === "node1"
        ? `<transient_attributes id="${n}"><instance_attributes id="ta-${n}">` +
          `<nvpair id="fc-${n}" name="fail-count-web#monitor_10000" value="2"/></instance_attributes></transient_attributes>`
        : "";
    return (
      `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">` +
      `${attrs}<lrm id="${n}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`
    );
  }).join("");
  return (
    `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config>` +
    `<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set>` +
    `</crm_config><nodes>${NODES.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes><resources>` +
    `<primitive id="web" class="ocf" provider="heartbeat" type="Dummy"><meta_attributes id="web-m">` +
    `<nvpair id="web-s" name="resource-stickiness" value="100"/>` +
    `<nvpair id="web-f" name="resource-failure-stickiness" value="-30"/></meta_attributes></primitive>` +
    `<primitive id="ip" class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints>` +
    `<rsc_location id="web-prefers-node2" rsc="web" node="node2" score="50"/>` +
    `<rsc_location id="ip-avoids-node3" rsc="ip" node="node3" score="-INFINITY"/>` +
    `<rsc_colocation id="ip-with-web" rsc="ip" with-rsc="web" score="200"/>` +
    `</constraints></configuration><status>${states}</status></cib>`
  );
}

function utilizationCib(): string {
  const util = (id: string, memory: number) =>
    `<utilization id="${id}-u"><nvpair id="${id}-u-m" name="memory" value="${memory}"/></utilization>`;
  return (
    `<cib have-quorum="1" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config>` +
    `<cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/>` +
    `<nvpair id="o2" name="placement-strategy" value="utilization"/></cluster_property_set></crm_config>` +
    `<nodes><node id="n1" uname="n1">${util("n1", 1024)}</node><node id="n2" uname="n2">${util("n2", 512)}</node>` +
    `</nodes><resources><primitive id="big" class="ocf" provider="heartbeat" type="Dummy">${util("big", 800)}` +
    `</primitive></resources><constraints/></configuration><status>` +
    ["n1", "n2"]
      .map(
        (n) =>
          `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"/>`,
      )
      .join("") +
    `</status></cib>`
  );
}

describe("crm_simulate --explain-scores", () => {
  const dir = mkdtempSync(join(tmpdir(), "explain-"));
  const file = join(dir, "cib.xml");
  writeFileSync(file, cib());

  it("prints under a score its location, stickiness and failure-stickiness terms", () => {
    const scores = explainedScores(output(["-x", file, "--explain-scores"]));
    const web1 = scores.find((s) => s.line === "pcmk__primitive_assign: web allocation score on node1: 40");
    expect(web1?.terms).toEqual([
      { score: -60, source: "failcount 2 × resource-failure-stickiness -30" },
      { score: 100, source: "resource-stickiness" },
    ]);
    const web2 = scores.find((s) => s.line === "pcmk__primitive_assign: web allocation score on node2: 50");
    expect(web2?.terms).toEqual([{ score: 50, source: "location web-prefers-node2" }]);
  });

  it("names a colocation and its weight where the dependent follows its primary", () => {
    const scores = explainedScores(output(["-x", file, "--explain-scores"]));
    const ip2 = scores.find((s) => s.line === "pcmk__primitive_assign: ip allocation score on node2: 200");
    expect(ip2?.terms).toEqual([{ score: 200, source: "colocation ip-with-web with web (200)" }]);
    const ip3 = scores.find((s) => s.line.startsWith("pcmk__primitive_assign: ip allocation score on node3"));
    expect(ip3?.terms.map((t) => t.source)).toEqual(["location ip-avoids-node3"]);
  });

  it("says where utilization leaves no room, though it adds nothing to the score", () => {
    const f = join(dir, "utilization.xml");
    writeFileSync(f, utilizationCib());
    const scores = explainedScores(output(["-x", f, "--explain-scores"]));
    const on = (n: string) =>
      scores.find((s) => s.line === `pcmk__primitive_assign: big allocation score on ${n}: 0`);
    expect(on("n2")?.remarks).toEqual([
      "(no room: its utilization does not fit in what is left here, placement-strategy=utilization)",
    ]);
    expect(on("n1")?.remarks).toEqual([]);
  });

  it("leaves -s output as it was once the term lines are taken out", () => {
    const explained = output(["-x", file, "--explain-scores"]);
    expect(explained).not.toBe(output(["-x", file, "-s"]));
    expect(withoutTerms(explained)).toBe(output(["-x", file, "-s"]));
  });
});

const corpus = schedulerCorpusDir();
const inputs = corpus
  ? readdirSync(join(corpus, "xml"))
      .filter((f) => f.endsWith(".xml"))
      .sort()
  : [];

describe.skipIf(!corpus)(
  corpus
    ? "--explain-scores on every input of Pacemaker's scheduler corpus"
    : "--explain-scores on Pacemaker's scheduler corpus (skipped: ../shared/pacemaker-scheduler is absent)",
  () => {
    it("finds several hundred inputs", () => {
      expect(inputs.length).toBeGreaterThan(600);
    });

    it("prints terms that add up to every allocation score, and -s unchanged without them", () => {
      const wrong: string[] = [];
      let explained = 0;
      for (const f of inputs) {
        const path = join(corpus!, "xml", f);
        let out: string;
        try {
          out = output(["-x", path, "--explain-scores"]);
        } catch {
          // An input crm_simulate refuses has no scores to explain; the conformance run counts it.
          continue;
        }
        for (const s of explainedScores(out)) {
          const total = sumScores(...s.terms.map((t) => t.score));
          // The only other remark allowed says utilization rules the node out.
          const unexpected = s.remarks.filter((r) => !r.startsWith("(no room:"));
          if (total !== s.score || unexpected.length > 0) wrong.push(`${f}: ${s.line} (terms: ${total})`);
          if (s.terms.length > 0) explained++;
        }
        if (withoutTerms(out) !== output(["-x", path, "-s"])) wrong.push(`${f}: -s output differs`);
      }
      expect(wrong.slice(0, 20)).toEqual([]);
      expect(explained).toBeGreaterThan(1000);
    }, 120_000);
  },
);
