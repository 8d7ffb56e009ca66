import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectSimulator } from "./direct-simulator.js";
import { run } from "./run.js";
import { ProcessSimulator } from "./process-simulator.js";
import { figuresByTier, formatMisses } from "./report.js";
import { corpusLayout, loadCases, runCases, summaryArgv } from "./runner.js";

const SUMMARY = (action: string, state: string): string =>
  [
    "Current cluster status:",
    "  * Node List:",
    "    * Online: [ node1 node2 ]",
    "",
    "  * Full List of Resources:",
    "    * rsc1\t(ocf:heartbeat:Dummy):\t Stopped",
    "",
    "Transition Summary:",
    ...(action ? [action] : []),
    "",
    "Executing Cluster Transition:",
    "",
    "Revised Cluster Status:",
    "  * Node List:",
    "    * Online: [ node1 node2 ]",
    "",
    "  * Full List of Resources:",
    `    * rsc1\t(ocf:heartbeat:Dummy):\t ${state}`,
    "",
  ].join("\n");

const START1 = "  * Start      rsc1     ( node1 )";
const START2 = "  * Start      rsc1     ( node2 )";

let dir: string;
let fake: string;

// A small corpus and a real program standing in for crm_simulate: it answers per input file,
// right, wrong, by crashing, by hanging, so every path of the runner meets a real process.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hbx-conformance-"));
  for (const sub of ["xml", "summary", "scores"]) mkdirSync(join(dir, sub));
  const cases: Array<[string, number, string]> = [
    ["good", 1, SUMMARY(START1, "Started node1")],
    ["wrong", 1, SUMMARY(START1, "Started node1")],
    ["idle", 2, SUMMARY("", "Stopped")],
    ["crash", 2, SUMMARY(START1, "Started node1")],
    ["hang", 2, SUMMARY("", "Stopped")],
  ];
  writeFileSync(
    join(dir, "cases.tsv"),
    [
      "case\ttier\targs\tdescription",
      ...cases.map(([n, t]) => `${n}\t${t}\t\t${n} case`),
      "Makefil\t1\t\t",
    ].join("\n"),
  );
  for (const [name, , summary] of cases) {
    writeFileSync(join(dir, "xml", `${name}.xml`), "<cib/>");
    writeFileSync(join(dir, "summary", `${name}.summary`), summary);
  }
  writeFileSync(join(dir, "out-good"), SUMMARY(START1, "Started node1"));
  writeFileSync(join(dir, "out-wrong"), SUMMARY(START2, "Started node2"));
  writeFileSync(join(dir, "out-idle"), SUMMARY("", "Stopped"));
  fake = join(dir, "fake_crm_simulate");
  writeFileSync(
    fake,
    [
      "#!/bin/sh",
      'case "$2" in',
      `  */crash.xml) echo "Current cluster status:"; kill -ABRT $$ ;;`,
      "  */hang.xml) exec sleep 30 ;;",
      `  *) cat "${dir}/out-$(basename "$2" .xml)" ;;`,
      "esac",
      "",
    ].join("\n"),
  );
  chmodSync(fake, 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runCases with crm_simulate as a program", () => {
  it("scores right and wrong cases, and counts a crash and a hang as mismatches without stopping", async () => {
    const layout = corpusLayout(dir);
    const cases = loadCases(layout);
    expect(cases.map((c) => c.name)).toEqual(["good", "wrong", "idle", "crash", "hang"]);
    const sim = new ProcessSimulator(fake, 1500, 2);
    const outcomes = await runCases(layout, cases, sim);
    const by = new Map(outcomes.map((o) => [o.case.name, o]));

    expect(by.get("good")).toMatchObject({
      decisionsCounted: true,
      decisionsMatched: true,
      statusMatched: true,
    });
    expect(by.get("wrong")).toMatchObject({ decisionsMatched: false, statusMatched: false });
    expect(by.get("wrong")?.decisionsDiff).toEqual({ missing: [START1], unexpected: [START2] });
    expect(by.get("idle")).toMatchObject({ decisionsCounted: false, statusMatched: true });
    expect(by.get("crash")?.failure).toBe("killed by SIGABRT");
    expect(by.get("crash")).toMatchObject({ decisionsMatched: false, statusMatched: false });
    expect(by.get("hang")?.failure).toBe("timed out after 1500 ms");
    expect(by.get("hang")).toMatchObject({ decisionsCounted: false, statusMatched: false });

    const [tier1, tier2, all] = figuresByTier(outcomes);
    expect(tier1).toMatchObject({ tier: 1, cases: 2, decisions: { matched: 1, total: 2, percent: 50 } });
    expect(tier2).toMatchObject({ tier: 2, cases: 3, decisions: { matched: 0, total: 1 }, failures: 2 });
    expect(tier2.status).toMatchObject({ matched: 1, total: 3 });
    expect(all).toMatchObject({ tier: "all", cases: 5, status: { matched: 2, total: 5, percent: 40 } });
    expect(formatMisses(outcomes)).toContain("tier 2  hang: timed out after 1500 ms, status");
  });

  it("passes the case's extra arguments after -x FILE -S, as cts-scheduler did", () => {
    const layout = corpusLayout(dir);
    expect(
      summaryArgv(layout, { name: "origin", tier: 1, args: ["-t", "2014-05-07 00:28:00"], description: "" }),
    ).toEqual(["-x", join(dir, "xml", "origin.xml"), "-S", "-t", "2014-05-07 00:28:00"]);
  });
});

describe("DirectSimulator", () => {
  it("captures io writes, turns a throw into a crash and process.exit into an exit code", async () => {
    const sim = new DirectSimulator(
      (argv, io) => {
        if (argv[0] === "throw") throw new Error("engine bug");
        if (argv[0] === "exit") process.exit(3);
        io.stdout("Transition Summary:\n");
        io.stderr.write("warn\n");
        return 0;
      },
      "inline",
      1000,
    );
    await expect(sim.simulate(["ok"])).resolves.toMatchObject({
      stdout: "Transition Summary:\n",
      stderr: "warn\n",
      exitCode: 0,
    });
    const thrown = await sim.simulate(["throw"]);
    expect(thrown.failure).toMatch(/^crashed: Error: engine bug/);
    await expect(sim.simulate(["exit"])).resolves.toMatchObject({ exitCode: 3, failure: undefined });
  });

  it("gives up on a case that never settles", async () => {
    const sim = new DirectSimulator(() => new Promise<number>(() => {}), "inline", 200);
    await expect(sim.simulate([])).resolves.toMatchObject({ failure: "timed out after 200 ms" });
  });
});

describe("the conformance command", () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    };
  };

  it("prints per-tier figures as JSON for a given crm_simulate program", async () => {
    const c = capture();
    const code = await run(["--corpus", dir, "--crm-simulate", fake, "--timeout", "1.5", "--json"], c.io);
    expect(code).toBe(0);
    const report = JSON.parse(c.out.join("")) as {
      tiers: Array<{ tier: number | string; status: { matched: number } }>;
    };
    expect(report.tiers.map((t) => [t.tier, t.status.matched])).toEqual([
      [1, 1],
      [2, 1],
      ["all", 2],
    ]);
  });

  it("runs one case by name and refuses an unknown one", async () => {
    const c = capture();
    expect(await run(["--corpus", dir, "--crm-simulate", fake, "--case", "good"], c.io)).toBe(0);
    expect(c.out.join("")).toMatch(/^1 +1 +1\/1 100\.0% +1\/1 100\.0% +0$/m);
    const bad = capture();
    expect(await run(["--corpus", dir, "--crm-simulate", fake, "--case", "nope"], bad.io)).toBe(2);
    expect(bad.err.join("")).toContain("no such case in");
  });

  it("only raises the floor from a full run of hbx", async () => {
    const c = capture();
    expect(await run(["--corpus", dir, "--crm-simulate", fake, "--update-floor"], c.io)).toBe(2);
    expect(c.err.join("")).toContain("--update-floor needs a full run of hbx");
  });

  it("says where it looked when the corpus has no cases.tsv", async () => {
    const c = capture();
    expect(await run(["--corpus", join(dir, "xml"), "--crm-simulate", fake], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/cases\.tsv/);
  });
});
