import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "@hbx/cib";
import { memoryIo, runCrmMon } from "@hbx/cli";
import { FIXTURE } from "./harness.js";

/**
 * crm_mon's display options a sysadmin reaches for (-n group by node, -t timings, -D no
 * headers, -Q, -R details, -L bans, --output-as=xml) against Pacemaker 2.1.5's crm_mon on the same CIB: the whole
 * report, line for line, clock and the request echo aside.
 */
const CRM_MON = "/usr/sbin/crm_mon";
const available = existsSync(CRM_MON);
const corpus = schedulerCorpusDir();

/** Cases with anonymous and unique clones, promotable clones, standby, unclean and offline nodes. */
const CASES = [
  "829", // unique clone instances named by their own id, offline unclean node
  "1360", // anonymous clone
  "bug-1573", // inactive groups
  "bug-1685", // promotable clone
  "bug-cl-5170", // offline standby node, blocked failure
  "bug-lf-2153", // anonymous instances read from several history entries, standby with resources
  "bug-lf-2606", // clone failure, unclean node
  "bug-pm-11", // unique promotable clone
  "clone-require-all-2", // clones with no instance active
  "group-anticolocation",
  "stop-failure-with-fencing", // unclean online and offline nodes
  "asymmetric",
];

const VIEWS: string[][] = [
  ["-1", "-n"],
  ["-1", "-n", "-r"],
  ["-1", "--group-by-node", "--inactive", "-f", "-A", "-o"],
  ["-1", "-t"],
  ["-1", "-r", "--timing-details"],
  ["-1", "-D", "-r", "-f"],
  ["-1", "-Q", "-r"],
  ["-1", "-R"],
  ["-1", "-U", "nodes"],
  ["-1", "-I", "none", "-I", "resources,failures"],
  ["-1", "-U", "summary", "--include=attributes,failcounts"],
  ["-1", "-I", "all"],
  ["-1", "--exclude=all", "-Ibans", "-I", "dc,times"],
  ["-1", "--show-detail", "-r", "-f"],
];

/**
 * XML on cases whose every section hbx reproduces. Left out and why: 829 (2.1.5 marks an
 * unclean offline node's resource `cached="false"`), bug-1573 and bug-1685 (orphan and stop
 * details of inactive resources), stop-failure-with-fencing (expected_up of a node shutting
 * down), clone-require-all-2 and the fixture (the `<bans>` list is not written yet), asymmetric.
 */
const XML_CASES = [
  "bug-cl-5170",
  "1360",
  "bug-pm-11",
  "group-anticolocation",
  "bug-lf-2153",
  "bug-lf-2606",
  "failed-sticky-anticolocated-group",
  "group-colocation-failure",
  "on-fail-ignore",
  "stopped-monitor-01",
  "bug-5069-op-enabled",
];

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.replace(/^( {2}\* Last updated:).*$/, "$1 <now>"))
    .map((l) => l.replace(/^( *<last_update time=)".*"/, "$1<now>").replace(/ request="[^"]*"/, ""))
    .filter((l) => !/^ *<cluster_options /.test(l));
}

async function compare(file: string, view: string[]): Promise<void> {
  const theirs = spawnSync(CRM_MON, view, {
    env: { ...process.env, CIB_file: file, PCMK_logfile: "/dev/null" },
    encoding: "utf8",
  });
  const io = memoryIo({ CIB_file: file });
  const code = await runCrmMon(view, io);
  expect(io.err).toBe("");
  expect(code).toBe(theirs.status);
  expect(bansSorted(io.out)).toEqual(bansSorted(theirs.stdout));
}

describe.skipIf(!available)("crm_mon -n/-t against Pacemaker 2.1.5 on the two-node fixture", () => {
  for (const view of VIEWS) it(`two-node ${view.join(" ")}`, () => compare(FIXTURE, view));
});

describe.skipIf(!available || corpus === undefined)(
  "crm_mon -n/-t against Pacemaker 2.1.5 on the corpus",
  () => {
    for (const name of CASES) {
      for (const view of VIEWS) {
        it(`${name} ${view.join(" ")}`, async (ctx) => {
          const file = path.join(corpus ?? "", "xml", `${name}.xml`);
          if (!existsSync(file)) ctx.skip();
          await compare(file, view);
        });
      }
    }
  },
);

describe.skipIf(!available || corpus === undefined)("crm_mon --output-as=xml against Pacemaker 2.1.5", () => {
  // cluster_options is left out of the comparison: these cases set fencing-enabled=false,
  // which hbx honours and 2.1.5 does not know (its stonith-enabled stays true).
  for (const name of XML_CASES) {
    it(`${name} --output-as=xml`, async (ctx) => {
      const file = path.join(corpus ?? "", "xml", `${name}.xml`);
      if (!existsSync(file)) ctx.skip();
      await compare(file, ["--output-as=xml"]);
    });
  }
});

/** Cases with negative locations: plain, rule-based on several nodes, promoted-only. */
const BAN_CASES = [
  "662",
  "bnc-515172",
  "clone-require-all-2",
  "anti-colocation-unpromoted",
  "group14",
  "interleave-0",
];

/**
 * The ban list with the lines of one rule-based constraint in a fixed order: 2.1.5 walks the
 * nodes a rule matched in hash-table order, hbx in node-id order.
 */
function bansSorted(text: string): string[] {
  const all = lines(text);
  const start = all.indexOf("Negative Location Constraints:");
  if (start < 0) return all;
  const end = all.indexOf("", start);
  const bans = all.slice(start + 1, end < 0 ? undefined : end);
  const key = (l: string) => l.split("\t")[0];
  const order = [...new Set(bans.map(key))];
  bans.sort((a, b) => order.indexOf(key(a)) - order.indexOf(key(b)) || (a < b ? -1 : a > b ? 1 : 0));
  return [...all.slice(0, start + 1), ...bans, ...(end < 0 ? [] : all.slice(end))];
}

describe.skipIf(!available || corpus === undefined)("crm_mon -L against Pacemaker 2.1.5", () => {
  for (const name of BAN_CASES) {
    for (const view of [
      ["-1", "-L"],
      ["-1", "-Lcant"],
      ["--output-as=xml", "-L"],
    ]) {
      it(`${name} ${view.join(" ")}`, async (ctx) => {
        const file = path.join(corpus ?? "", "xml", `${name}.xml`);
        if (!existsSync(file)) ctx.skip();
        const theirs = spawnSync(CRM_MON, view, {
          env: { ...process.env, CIB_file: file, PCMK_logfile: "/dev/null" },
          encoding: "utf8",
        });
        const io = memoryIo({ CIB_file: file });
        expect(await runCrmMon(view, io)).toBe(theirs.status);
        const pick = (t: string) =>
          view[0] === "--output-as=xml"
            ? lines(t)
                .filter((l) => /^ *<\/?bans?[ >]/.test(l))
                .sort()
            : bansSorted(t).slice(bansSorted(t).indexOf("Negative Location Constraints:"));
        expect(pick(io.out)).toEqual(pick(theirs.stdout));
      });
    }
  }
  it("two-node -1 -L -A -f lists the rule's ban after the failed actions", () =>
    compare(FIXTURE, ["-1", "-L", "-A", "-f"]));
  it("two-node -1 -Lloc-x filters every ban out, section title too", () =>
    compare(FIXTURE, ["-1", "-Lloc-x"]));
});

describe("crm_mon -n without a Pacemaker to compare", () => {
  it("puts each running primitive under its node, without the node name, and an empty list under an offline node", async () => {
    const io = memoryIo({ CIB_file: FIXTURE });
    expect(await runCrmMon(["-1", "-n"], io)).toBe(0);
    expect(io.out).toContain(
      "  * Node beta: online:\n    * Resources:\n      * ping\t(ocf:pacemaker:ping):\t Started\n  * Node gamma: OFFLINE:\n    * Resources:\n",
    );
    expect(io.out).not.toContain("Active Resources:");
    expect(io.out).not.toContain("Inactive Resources:");
  });

  it("with -r lists the resources that are not fully active after the nodes", async () => {
    const io = memoryIo({ CIB_file: FIXTURE });
    await runCrmMon(["-1", "-n", "-r"], io);
    expect(io.out).toContain("\nInactive Resources:\n  * Clone Set: ping-clone [ping]:\n");
    expect(io.out).not.toMatch(/Inactive Resources:[\s\S]*\* vip\t/);
  });

  it("-I with an unknown section is a usage error (64) naming the sections there are", async () => {
    const io = memoryIo({ CIB_file: FIXTURE });
    expect(await runCrmMon(["-1", "-I", "bogus"], io)).toBe(64);
    expect(io.err).toContain("--include options: all, attributes, bans[:PREFIX], counts, dc,");
  });

  it("--output-as=xml writes each online node's operation history and no XML declaration", async () => {
    const io = memoryIo({ CIB_file: FIXTURE });
    expect(await runCrmMon(["--output-as=xml"], io)).toBe(0);
    expect(io.out).toMatch(/^<pacemaker-result /);
    expect(io.out).toContain(
      '<resource_history id="db" orphan="false" migration-threshold="1000000" fail-count="2" last-failure="',
    );
    expect(io.out).toContain(
      '<operation_history call="16" task="monitor" rc="7" rc_text="not running" interval="10000ms"',
    );
  });
});
