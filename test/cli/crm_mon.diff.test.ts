import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "@hbx/cib";
import { memoryIo, runCrmMon } from "@hbx/cli";
import { repoRoot } from "./harness.js";

/**
 * crm_mon against Pacemaker 2.1.5's on the same CIB files: every section of the one-shot text,
 * line by line, with "Last updated" (the clock) taken out.
 */
const CRM_MON = "/usr/sbin/crm_mon";
const available = existsSync(CRM_MON);
const corpus = schedulerCorpusDir();
const xmlDir = corpus === undefined ? undefined : path.join(corpus, "xml");

/** Chosen to cover groups, clones, promotable clones, failures, fail counts, standby and offline nodes. */
const CASES = [
  "1360", // clone, failed probes
  "829", // offline node, clone
  "bug-1573", // group, offline node
  "bug-1685", // promotable clone, node attributes
  "bug-5069-op-enabled", // failure, offline node
  "bug-cl-5170", // group, clone, failure, standby, offline
  "bug-lf-2153", // group in clone, standby node
  "bug-lf-2606", // clone failure, unclean node
  "bug-pm-11", // group, promotable clone
  "clone-require-all-2", // clone, standby nodes
  "failed-sticky-anticolocated-group", // fail counts
  "group-anticolocation", // groups, fail counts
  "group-colocation-failure", // group failure
  "on-fail-ignore", // failure ignored
  "stop-failure-with-fencing", // stop failure, unclean node
  "stopped-monitor-01", // role=Stopped monitor
  "asymmetric", // asymmetric cluster, promotable clone
];

const VIEWS: string[][] = [["-1"], ["-1", "-r", "-f", "-A"], ["-1", "-r", "-o"]];

function normalise(text: string): string[] {
  return text.split("\n").map((l) => l.replace(/^( {2}\* Last updated:).*$/, "$1 <now>"));
}

/** Split a report at its unindented section titles. */
function sections(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = "<top>";
  for (const l of lines) {
    if (/^\S.*:$/.test(l)) current = l;
    else out.set(current, [...(out.get(current) ?? []), l]);
  }
  return out;
}

const tally = { sections: 0, same: 0, reports: 0, sameReports: 0 };

describe.skipIf(!available || xmlDir === undefined)("crm_mon -1 text against Pacemaker 2.1.5", () => {
  for (const name of CASES) {
    for (const view of VIEWS) {
      const label = `${name} ${view.join(" ")}`;
      it(label, async (ctx) => {
        const file = path.join(xmlDir ?? "", `${name}.xml`);
        if (!existsSync(file)) ctx.skip();
        const theirs = spawnSync(CRM_MON, view, {
          env: { ...process.env, CIB_file: file, PCMK_logfile: "/dev/null" },
          encoding: "utf8",
        });
        const io = memoryIo({ CIB_file: file });
        const code = await runCrmMon(view, io);
        expect(code).toBe(theirs.status);
        expect(io.err).toBe("");
        const a = sections(normalise(io.out));
        const b = sections(normalise(theirs.stdout));
        expect([...a.keys()]).toEqual([...b.keys()]);
        tally.reports++;
        let all = true;
        for (const [title, lines] of b) {
          tally.sections++;
          const same = JSON.stringify(a.get(title)) === JSON.stringify(lines);
          if (same) tally.same++;
          all &&= same;
        }
        if (all) tally.sameReports++;
        for (const [title, lines] of b) expect(a.get(title), title).toEqual(lines);
      });
    }
  }
  afterAll(() => {
    process.stdout.write(
      `crm_mon differential: ${tally.sameReports}/${tally.reports} reports and ${tally.same}/${tally.sections} sections identical\n`,
    );
  });
});

describe.skipIf(!available)("crm_mon on the shipped examples", () => {
  for (const ex of [
    "nginx-vip",
    "apache-jboss",
    "drbd-filesystem",
    "mail-server",
    "mysql-scoring",
    "three-services",
  ]) {
    it(`examples/${ex}/cib.xml -1 -r`, async (ctx) => {
      const file = path.join(repoRoot, "examples", ex, "cib.xml");
      if (!existsSync(file)) ctx.skip();
      const theirs = spawnSync(CRM_MON, ["-1", "-r"], {
        env: { ...process.env, CIB_file: file },
        encoding: "utf8",
      });
      const io = memoryIo({ CIB_file: file });
      expect(await runCrmMon(["-1", "-r"], io)).toBe(theirs.status);
      expect(normalise(io.out)).toEqual(normalise(theirs.stdout));
      expect(readFileSync(file, "utf8")).toContain("<cib");
    });
  }
});
