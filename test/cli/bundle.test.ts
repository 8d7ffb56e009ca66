import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "@hbx/cib";
// @ts-expect-error: the launcher is plain JavaScript run straight from bin/.
import { bundleIsFresh } from "../../packages/cli/bin/launch.js";

const dist = (tool: string) => path.join(repoRoot, "packages/cli/dist", tool);
const built = (tool: string) => existsSync(path.join(dist(tool), "bundle.mjs"));

/** Runs one tool from its bundle or from its modules, with the same arguments and input. */
function runBoth(tool: string, args: string[], env: Record<string, string> = {}) {
  const run = (file: string) =>
    spawnSync(process.execPath, [path.join(dist(tool), file), ...args], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
  return { bundle: run("bundle.mjs"), modules: run("main.js") };
}

describe("bundled tools", () => {
  it("are used only while newer than every file they were made from", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-bundle-"));
    const file = (name: string) => path.join(dir, name);
    writeFileSync(file("a.js"), "");
    writeFileSync(file("b.js"), "");
    writeFileSync(file("bundle.inputs"), "./a.js\n./b.js\n");
    const bundle = pathToFileURL(file("bundle.mjs"));
    const inputs = pathToFileURL(file("bundle.inputs"));
    expect(bundleIsFresh(bundle, inputs)).toBe(false); // not built
    writeFileSync(file("bundle.mjs"), "");
    const t = Date.now() / 1000;
    utimesSync(file("a.js"), t - 20, t - 20);
    utimesSync(file("b.js"), t - 20, t - 20);
    utimesSync(file("bundle.mjs"), t - 10, t - 10);
    expect(bundleIsFresh(bundle, inputs)).toBe(true);
    utimesSync(file("b.js"), t, t); // rebuilt by tsc after bundling
    expect(bundleIsFresh(bundle, inputs)).toBe(false);
  });

  it.skipIf(!built("crm_simulate"))("crm_simulate prints and saves what its modules do", () => {
    const cib = path.join(repoRoot, "examples/nginx-vip/cib.xml");
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-bundle-"));
    const r = runBoth("crm_simulate", ["-x", cib, "-S", "-s"]);
    expect(r.bundle.status).toBe(0);
    expect(r.bundle.stdout).toContain("Transition Summary:");
    expect(r.bundle.stdout).toBe(r.modules.stdout);
    // A graph file to a directory that does not exist: the same error from both.
    const g = runBoth("crm_simulate", ["-x", cib, "-G", path.join(dir, "missing/graph.xml")]);
    expect(g.bundle.status).not.toBe(0);
    expect([g.bundle.status, g.bundle.stderr]).toEqual([g.modules.status, g.modules.stderr]);
  });

  it.skipIf(!built("crm_verify"))("crm_verify finds the schema and validates as its modules do", () => {
    // Validation reaches schemas/cib.rng through the repository root that a module derives
    // from its own location, and loads xmllint-wasm from its own package.
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-bundle-"));
    const bad = path.join(dir, "bad.xml");
    writeFileSync(
      bad,
      '<cib epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/>' +
        '<resources><primitive id="p" class="ocf" provider="heartbeat"/></resources>' +
        "<constraints/></configuration><status/></cib>\n",
    );
    const r = runBoth("crm_verify", ["-x", bad]);
    expect(r.bundle.status).not.toBe(0);
    expect(r.bundle.stderr).toMatch(/primitive\[@id='p'\]/);
    expect([r.bundle.status, r.bundle.stdout, r.bundle.stderr]).toEqual([
      r.modules.status,
      r.modules.stdout,
      r.modules.stderr,
    ]);
  });

  it.skipIf(!built("crm_resource"))("crm_resource lists the agents its modules list", () => {
    // The agent directories (hbx's own fence agent among them) are found from the LRM's
    // module location, not the bundle's.
    const r = runBoth("crm_resource", ["--list-agents", "stonith"]);
    expect(r.bundle.stdout).toContain("fence_hbx_local");
    expect([r.bundle.status, r.bundle.stdout]).toEqual([r.modules.status, r.modules.stdout]);
  });

  it.skipIf(!built("crm_attribute"))(
    "leave out the modules a tool never uses, and the third-party ones those import",
    () => {
      // crm_attribute reaches IpcClient through @hbx/crmd's barrel, behind which are the daemon,
      // the bus, the transport and the scheduler; none of them, nor pino, belongs in its start.
      const text = readFileSync(path.join(dist("crm_attribute"), "bundle.mjs"), "utf8");
      const packages = new Set([...text.matchAll(/^\/\/ packages\/([a-z]+)\//gm)].map((m) => m[1]));
      expect([...packages].sort()).toEqual(["cib", "cli", "crmd"]);
      expect(text).not.toMatch(/from "[^"]*\/pino\.js"/);
      const r = runBoth("crm_attribute", ["-n", "x", "-G"], {
        CIB_file: path.join(repoRoot, "examples/nginx-vip/cib.xml"),
      });
      expect([r.bundle.status, r.bundle.stdout, r.bundle.stderr]).toEqual([
        r.modules.status,
        r.modules.stdout,
        r.modules.stderr,
      ]);
    },
  );
});
