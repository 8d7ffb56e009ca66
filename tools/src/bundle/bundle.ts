import { readFileSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, relative, resolve, sep } from "node:path";
import { build, type Plugin } from "esbuild";

/** One command-line tool: its compiled entry module and where its bundle goes. */
export interface BundleEntry {
  tool: string;
  /** dist/<tool>/main.js, as tsc wrote it. */
  entry: string;
  /** dist/<tool>/bundle.mjs, beside the entry so relative locations stay the same depth. */
  outfile: string;
}

/** The inputs list beside a bundle: the files it was made from, relative to its directory. */
export function inputsFile(outfile: string): string {
  return resolve(dirname(outfile), "bundle.inputs");
}

/** A relative module specifier from `fromDir` to `file`, always starting with ./ or ../. */
function specifier(fromDir: string, file: string): string {
  const rel = relative(fromDir, file).split(sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/** A module compiled from hbx's own sources (packages/<name>/dist), not a third-party one. */
function isOwnModule(file: string): boolean {
  return !file.split(sep).includes("node_modules") && /\.m?js$/.test(file);
}

/** Whether `importer` imports `spec` only for what loading it does (`import "./x.js";`). */
function importedForEffect(importer: string, spec: string): boolean {
  const escaped = spec.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\s*import\\s*["']${escaped}["'];?\\s*$`, "m").test(readFileSync(importer, "utf8"));
}

/**
 * Keeps every module of the bundle where it was. hbx's own modules are concatenated, but
 * - a third-party import is resolved from the file that wrote it (pnpm gives each package only
 *   its own dependencies) and left to Node, pointing at that exact file;
 * - `import.meta.url` in a module still names that module's own file, so the paths modules
 *   derive from it (the repository root, the schema, the fence agents' directory, createRequire)
 *   do not move into the bundle's directory.
 */
function ownLocations(outDir: string): Plugin {
  return {
    name: "own-locations",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === "inner" || args.kind === "entry-point") return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const found = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "inner",
        });
        if (found.errors.length > 0) return { errors: found.errors };
        if (!isOwnModule(found.path)) return { path: specifier(outDir, found.path), external: true };
        // hbx's own modules do nothing on load but declare (the one exception is imported for
        // its effect alone, `import "./x.js"`): so a module whose exports a tool never uses is
        // left out, and with it the third-party imports it made (pino, the bus, the scheduler).
        return { path: found.path, sideEffects: importedForEffect(args.importer, args.path) };
      });
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta.url")) return { contents: text, loader: "js" };
        const own = `new URL(${JSON.stringify(specifier(outDir, args.path))}, import.meta.url).href`;
        return { contents: text.replaceAll("import.meta.url", own), loader: "js" };
      });
    },
  };
}

/**
 * Bundles one tool into a single ES module. A tool made of 100+ modules spends about a third
 * of a small run resolving, reading and linking them; one file loads in a few milliseconds.
 */
export async function bundleTool(e: BundleEntry): Promise<number> {
  const outDir = dirname(e.outfile);
  const result = await build({
    entryPoints: [e.entry],
    outfile: e.outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    metafile: true,
    logLevel: "warning",
    plugins: [ownLocations(outDir)],
  });
  const cwd = process.cwd();
  const inputs = Object.keys(result.metafile.inputs).map((p) => specifier(outDir, resolve(cwd, p)));
  writeFileSync(inputsFile(e.outfile), inputs.join("\n") + "\n");
  return inputs.length;
}
