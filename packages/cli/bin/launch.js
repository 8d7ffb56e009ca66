import { readFileSync, statSync } from "node:fs";

/**
 * Runs a tool from dist/<tool>/bundle.mjs, the one-file bundle `pnpm run build` makes (it
 * loads in a few milliseconds instead of resolving and linking 100+ modules), as long as the
 * bundle is newer than every file it was made from; after a bare `tsc -b` it is stale, and the
 * tool runs from its modules, dist/<tool>/main.js, instead.
 */
export async function launch(tool) {
  const dist = new URL(`../dist/${tool}/`, import.meta.url);
  const bundle = new URL("bundle.mjs", dist);
  await import(
    bundleIsFresh(bundle, new URL("bundle.inputs", dist)) ? bundle.href : new URL("main.js", dist).href
  );
}

/** Whether the bundle exists and no file named in its inputs list changed after it was made. */
export function bundleIsFresh(bundle, inputs) {
  try {
    const built = statSync(bundle).mtimeMs;
    for (const file of readFileSync(inputs, "utf8").split("\n")) {
      if (file !== "" && statSync(new URL(file, inputs)).mtimeMs > built) return false;
    }
    return true;
  } catch {
    return false;
  }
}
