import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { memoryIo, runCrmMon } from "@hbx/cli";
import { readOptions } from "../../packages/cli/src/crm_mon/options.js";
import { FIXTURE } from "./harness.js";

async function mon(argv: string[], cwd?: string) {
  const io = memoryIo({ CIB_file: FIXTURE });
  if (cwd) io.cwd = cwd;
  const code = await runCrmMon(argv, io);
  return { code, out: io.out, err: io.err };
}

describe("crm_mon modes", () => {
  it("refreshes by default on a terminal and prints once when stdout is a pipe or a file", () => {
    expect(readOptions([], true).oneShot).toBe(false);
    expect(readOptions([], false).oneShot).toBe(true);
    expect(readOptions(["--output-to=/tmp/x"], true).oneShot).toBe(true);
  });

  it("prints once with -1, -s, -X or a document to stdout even on a terminal, and refreshes with -i even into a pipe", () => {
    for (const a of [["-1"], ["-s"], ["-X"], ["-1", "-i", "2"], ["--output-as=html", "-i", "2"]])
      expect(readOptions(a, true).oneShot).toBe(true);
    expect(readOptions(["--output-as=html", "--output-to=/tmp/x", "-i", "2"], false).oneShot).toBe(false);
    expect(readOptions(["-i", "2"], false)).toMatchObject({ oneShot: false, intervalMs: 2000 });
  });

  it("reads -i as Pacemaker's time spec, 5 seconds when not given", () => {
    expect(readOptions([], true).intervalMs).toBe(5000);
    expect(readOptions(["-i", "500ms"], true).intervalMs).toBe(500);
    expect(readOptions(["--interval=PT1M"], true).intervalMs).toBe(60_000);
  });

  it("refuses a bad interval and --daemonize without a file, naming the problem in one line", async () => {
    const bad = await mon(["-i", "soon"]);
    expect(bad.code).toBe(64);
    expect(bad.err).toBe(
      "crm_mon: Invalid --interval: soon (expected a duration of at least 100ms, e.g. 5, 2s, 500ms)\n",
    );
    const d = await mon(["--daemonize"]);
    expect(d.code).toBe(64);
    expect(d.err).toBe("crm_mon: --daemonize requires --output-to=FILE (or -h FILE)\n");
    expect((await mon(["--output-as=pdf"])).err).toContain("expected console, text, xml or html");
  });

  it("writes one report into --output-to FILE, and the deprecated -h FILE writes the HTML page", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-mon-out-"));
    const text = await mon(["-1", "--output-to", "status.txt"], dir);
    expect(text).toEqual({ code: 0, out: "", err: "" });
    expect(readFileSync(path.join(dir, "status.txt"), "utf8")).toMatch(/^Cluster Summary:\n/);
    writeFileSync(path.join(dir, "page.html"), "old");
    const html = await mon(["-1", "-h", "page.html"], dir);
    expect(html.code).toBe(0);
    expect(readFileSync(path.join(dir, "page.html"), "utf8")).toMatch(
      /^<!DOCTYPE html>[\s\S]*<h2>Node List<\/h2>/,
    );
  });

  it("puts the reason on the page when the CIB cannot be read, so a stale page says why", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-mon-out-"));
    const io = memoryIo({ CIB_file: path.join(dir, "missing.xml") });
    io.cwd = dir;
    const code = await runCrmMon(["-1", "--output-as=html", "--output-to=page.html"], io);
    expect(code).not.toBe(0);
    const page = readFileSync(path.join(dir, "page.html"), "utf8");
    expect(page).toContain("<h2>Error</h2>");
    expect(page).toContain("missing.xml");
  });
});
