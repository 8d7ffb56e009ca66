import { existsSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { repoRoot } from "@hbx/cib";
import { describe, expect, it } from "vitest";
import { formatLiveWrites, runLiveWrites } from "./live-writes.js";

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join("") };
}

const built = existsSync(join(repoRoot, "packages/crmd/dist/crm/mode.js"));

describe("bench:live", () => {
  it("prints one aligned row per write path, with the rate of acknowledged writes", () => {
    const table = formatLiveWrites([
      {
        path: "socket cib.patch",
        writers: 4,
        sent: 8,
        acked: 8,
        present: 8,
        seconds: 0.5,
        versions: 3,
        hbxdCpu: 0.2,
        clientCpu: 0.04,
      },
      { path: "crm_attribute processes", writers: 2, sent: 2, acked: 0, present: 0, seconds: 1, versions: 0 },
    ]);
    const [header, row, unmeasured] = table.trimEnd().split("\n");
    expect(header.split(/\s{2,}/)).toEqual([
      "path",
      "writers",
      "sent",
      "acked",
      "present",
      "seconds",
      "commits/s",
      "versions",
      "hbxd CPU ms/commit",
      "writers' CPU ms/commit",
    ]);
    expect(row.split(/\s{2,}/)).toEqual([
      "socket cib.patch",
      "4",
      "8",
      "8",
      "8",
      "0.50",
      "16.0",
      "3",
      "25.0",
      "5.0",
    ]);
    // CPU that could not be read, or nothing acknowledged to share it: a dash, not a number.
    expect(unmeasured.split(/\s{2,}/).slice(-2)).toEqual(["-", "-"]);
  });

  it("refuses a load that is not a whole number, saying which option", async () => {
    const out = sink();
    const err = sink();
    expect(await runLiveWrites(["--clients", "many"], { stdout: out.stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toContain('--clients expects a whole number, 1 or more, found "many"');
  });

  it.skipIf(!built)(
    "measures three real hbxd and finds every acknowledged write afterwards (needs npx tsc -b)",
    async () => {
      const out = sink();
      const err = sink();
      const code = await runLiveWrites(
        ["--clients", "6", "--ops", "2", "--tool-procs", "2", "--tool-writes", "1"],
        { stdout: out.stream, stderr: err.stream },
      );
      expect(code, err.text()).toBe(0);
      const rows = out.text().trimEnd().split("\n").slice(2);
      expect(rows.map((r) => r.split(/\s{2,}/).slice(0, 5))).toEqual([
        ["socket cib.patch", "6", "12", "12", "12"],
        ["socket cib.status-update", "6", "12", "12", "12"],
        ["crm_attribute processes", "2", "2", "2", "2"],
      ]);
      // Read from /proc here: every path cost the hbxd and its writers some CPU.
      for (const r of rows)
        expect(r.split(/\s{2,}/).slice(-2)).toEqual([
          expect.stringMatching(/^\d+\.\d$/),
          expect.stringMatching(/^\d+\.\d$/),
        ]);
    },
    120_000,
  );
});
