import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "@hbx/cib";
import { bundleTool } from "./bundle.js";

/**
 * Bundles each command-line tool of @hbx/cli (after tsc has built dist/) into
 * dist/<tool>/bundle.mjs, which its launcher in bin/ prefers while it is newer than its inputs.
 */
const cli = resolve(repoRoot, "packages/cli");
const pkg = JSON.parse(readFileSync(resolve(cli, "package.json"), "utf8")) as { bin: Record<string, string> };
const started = performance.now();
let modules = 0;
for (const tool of Object.keys(pkg.bin)) {
  const dist = resolve(cli, "dist", tool);
  modules += await bundleTool({
    tool,
    entry: resolve(dist, "main.js"),
    outfile: resolve(dist, "bundle.mjs"),
  });
}
const ms = (performance.now() - started).toFixed(0);
process.stdout.write(`bundled ${Object.keys(pkg.bin).length} tools (${modules} modules) in ${ms} ms\n`);
