import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { schedulerCorpusDir } from "@hbx/cib";
import { memoryIo, runCrmMon } from "@hbx/cli";
import { fixtureText, pacemakerAvailable, runPacemaker } from "./harness.js";

/** The fixture with beta in standby (the crm_standby attribute), as a file both tools read. */
function standbyFixture(): string {
  return fixtureText().replace(
    /(<node id="2" uname="beta">)/,
    '$1<instance_attributes id="nodes-2-sb"><nvpair id="nodes-2-standby" name="standby" value="on"/></instance_attributes>',
  );
}

async function hbxHtml(cibText: string, argv: string[] = []): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "hbx-mon-html-"));
  const file = path.join(dir, "cib.xml");
  writeFileSync(file, cibText);
  const io = memoryIo({ CIB_file: file });
  expect(await runCrmMon(["-1", "--output-as=html", ...argv], io)).toBe(0);
  return io.out;
}

/** What a reader of the page sees, line by line: headings and list items as text. */
function visible(html: string): string[] {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, "")
    .replace(/<(h2|h3|li)>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "" && !l.startsWith("Last updated:"));
}

/** Each node's name with the classes its state is coloured by. */
function nodeClasses(html: string): string[] {
  return [...html.matchAll(/<span class="bold">([^<]+):<\/span>((?:<span class="\w+">[^<]*<\/span>)+)/g)].map(
    (m) => `${m[1]} ${[...m[2].matchAll(/class="(\w+)"/g)].map((c) => c[1]).join(" ")}`,
  );
}

describe("crm_mon --output-as html", () => {
  it("writes a whole page with the summary, each node, the resources and the failed actions", async () => {
    const html = await hbxHtml(fixtureText());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>Cluster Status<\/title>/);
    expect(html.trimEnd().endsWith("</body>\n</html>")).toBe(true);
    expect(nodeClasses(html)).toEqual(["alpha online", "beta online", "gamma offline"]);
    expect(html).toContain("<h3>Resource Group: web</h3>");
    expect(html).toContain('<span class="rsc-failed">db\t(ocf:heartbeat:Dummy):\t FAILED alpha</span>');
    expect(visible(html)).toContain(
      "db 10s-interval monitor on alpha returned 'not running' at Fri Nov 21 10:00:00 2025 after 10ms",
    );
    // No refresh tag on a one-shot page: nothing rewrites it.
    expect(html).not.toContain('http-equiv="refresh"');
  });

  it("shows a standby node online with its standby state in blue, as Pacemaker's page does", async () => {
    const html = await hbxHtml(standbyFixture());
    expect(nodeClasses(html)).toEqual(["alpha online", "beta online standby", "gamma offline"]);
    expect(html).toContain('<span class="standby"> (in standby, with active resources)</span>');
  });

  it("escapes names that carry markup, so a node name cannot inject HTML", async () => {
    const hostile = fixtureText().replaceAll('uname="gamma"', 'uname="&lt;img src=x onerror=alert(1)&gt;"');
    const html = await hbxHtml(hostile);
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;:");
  });

  it("follows the same section options as the text report (-r, -f, -U nodes)", async () => {
    const html = await hbxHtml(fixtureText(), ["-r", "-f", "-U", "nodes"]);
    expect(html).toContain("<h2>Full List of Resources</h2>");
    expect(html).toContain("<h2>Migration Summary</h2>");
    expect(html).not.toContain("<h2>Node List</h2>");
  });

  it.skipIf(!pacemakerAvailable)(
    "shows the same headings, nodes, resources and failures as Pacemaker's crm_mon (skipped without Pacemaker's tools)",
    async () => {
      for (const cib of [fixtureText(), standbyFixture()]) {
        const ours = await hbxHtml(cib);
        const theirs = runPacemaker("crm_mon", ["-1", "--output-as=html"], cib);
        expect(theirs.code).toBe(0);
        expect(visible(ours)).toEqual(visible(theirs.stdout));
        expect(nodeClasses(ours)).toEqual(nodeClasses(theirs.stdout));
      }
    },
  );

  const corpus = schedulerCorpusDir();
  it.skipIf(!pacemakerAvailable || corpus === undefined)(
    "says on the page what Pacemaker's page says, over a sample of Pacemaker's scheduler cases whose text reports agree (skipped without Pacemaker's tools or the corpus)",
    async () => {
      const dir = path.join(corpus!, "xml");
      const sample = readdirSync(dir)
        .filter((f) => f.endsWith(".xml"))
        .sort()
        .filter((_, i) => i % 40 === 0);
      let compared = 0;
      for (const f of sample) {
        const cib = readFileSync(path.join(dir, f), "utf8");
        // Where the text reports differ the difference is not the page's; the text tests own it.
        const text = runPacemaker("crm_mon", ["-1"], cib).stdout;
        const io = memoryIo({ CIB_file: path.join(dir, f) });
        await runCrmMon(["-1"], io);
        const stamp = /^ {2}\* Last updated: .*\n/m;
        if (io.out.replace(stamp, "") !== text.replace(stamp, "")) continue;
        compared++;
        const theirs = runPacemaker("crm_mon", ["-1", "--output-as=html"], cib).stdout;
        expect({ f, page: visible(await hbxHtml(cib)) }).toEqual({ f, page: visible(theirs) });
        expect({ f, nodes: nodeClasses(await hbxHtml(cib)) }).toEqual({ f, nodes: nodeClasses(theirs) });
      }
      expect(compared).toBeGreaterThan(sample.length / 2);
      process.stdout.write(
        `crm_mon html: ${compared} of ${sample.length} sampled scheduler cases compared, all alike\n`,
      );
    },
    120_000,
  );
});
