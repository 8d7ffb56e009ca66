import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "@hbx/cib";
import { buildPackage } from "./build.js";

/**
 * `pnpm package`: the Debian package of hbx from this tree's build, in dist/deb/ (or --out DIR).
 */
let out = resolve(repoRoot, "dist/deb");
try {
  const { values } = parseArgs({ options: { out: { type: "string" } }, strict: true });
  if (values.out !== undefined) out = resolve(values.out);
} catch (e) {
  process.stderr.write(`package: ${(e as Error).message}\nusage: pnpm package [--out DIR]\n`);
  process.exit(64);
}
const started = performance.now();
const built = await buildPackage(repoRoot, out);
if (built.staleBundles.length > 0)
  process.stderr.write(
    `package: warning: stale bundles, these run from their modules: ${built.staleBundles.join(" ")} (pnpm run build first)\n`,
  );
const ms = (performance.now() - started).toFixed(0);
process.stdout.write(`${built.deb} (${built.commands.length} commands, ${built.architecture}) in ${ms} ms\n`);
