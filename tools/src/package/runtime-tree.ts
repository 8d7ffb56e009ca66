import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";

/**
 * The files hbx needs at run time, laid out under /usr/lib/hbx exactly as in the repository
 * (packages/<name>/{package.json,bin,dist,agents}, schemas/, node_modules/.pnpm/…). Keeping the
 * shape matters: the bundles and modules find the schema, the fence agents, the heartbeat worker
 * and their third-party modules relative to their own files (decision 0003), so a copy with the
 * same relative layout runs unchanged.
 */

/** Packages a dependency of the runtime declares but only its own installation needs. */
const INSTALL_TIME_ONLY = new Set(["prebuild-install"]);

/** Not needed to run: install-time tools, and type declarations (@types/*, a peer of xmllint-wasm). */
function notAtRunTime(name: string): boolean {
  return INSTALL_TIME_ONLY.has(name) || name.startsWith("@types/");
}

/** Inside a package's dist/: only what runs (no tests, declarations, source maps, build info). */
function isRuntimeDistFile(path: string): boolean {
  const name = basename(path);
  return !(
    /\.test\.(js|d\.ts|js\.map)$/.test(name) ||
    name.endsWith(".d.ts") ||
    name.endsWith(".d.ts.map") ||
    name.endsWith(".js.map") ||
    name === ".tsbuildinfo"
  );
}

/** The workspace packages (packages/*) that hold a package.json. */
export function workspacePackages(root: string): string[] {
  return readdirSync(join(root, "packages"))
    .filter((n) => existsSync(join(root, "packages", n, "package.json")))
    .sort();
}

/** Entries of a node_modules directory, scopes expanded (`@pinojs/redact`), .bin left out. */
function moduleEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    if (n === ".bin" || n === ".pnpm") continue;
    if (n.startsWith("@") && lstatSync(join(dir, n)).isDirectory()) {
      for (const m of readdirSync(join(dir, n))) out.push(`${n}/${m}`);
    } else out.push(n);
  }
  return out;
}

/** `node_modules/.pnpm/<id>/node_modules/<name>` → `<id>`, or undefined outside pnpm's store. */
function storeId(root: string, real: string): string | undefined {
  const rel = relative(join(root, "node_modules", ".pnpm"), real);
  if (rel.startsWith("..")) return undefined;
  return rel.split(sep)[0];
}

/**
 * The pnpm store directories the runtime needs: every third-party dependency of the workspace
 * packages and, through the sibling links pnpm puts beside each package, theirs in turn.
 */
export function thirdPartyClosure(root: string): Set<string> {
  const found = new Set<string>();
  const queue: string[] = [];
  const follow = (link: string, name: string) => {
    if (notAtRunTime(name) || !lstatSync(link).isSymbolicLink()) return;
    const id = storeId(root, realpathSync(link));
    if (id !== undefined && !found.has(id)) {
      found.add(id);
      queue.push(id);
    }
  };
  for (const pkg of workspacePackages(root)) {
    const nm = join(root, "packages", pkg, "node_modules");
    for (const name of moduleEntries(nm)) if (!name.startsWith("@hbx/")) follow(join(nm, name), name);
  }
  while (queue.length > 0) {
    const nm = join(root, "node_modules", ".pnpm", queue.pop()!, "node_modules");
    for (const name of moduleEntries(nm)) follow(join(nm, name), name);
  }
  return found;
}

/**
 * A native addon's package (it has a binding.gyp) is compiled on the build machine: only its
 * JavaScript and the compiled `.node` files go in, not the C sources or the object files.
 */
function nativeAddonFilter(pkgDir: string): (src: string) => boolean {
  if (!existsSync(join(pkgDir, "binding.gyp"))) return () => true;
  return (src) => {
    const rel = relative(pkgDir, src).split(sep);
    if (rel[0] === "deps" || rel[0] === "src" || rel[0] === "binding.gyp") return false;
    if (rel[0] !== "build") return true;
    if (rel.length === 1 || (rel.length === 2 && rel[1] === "Release")) return true;
    return (
      rel.length === 3 && rel[1] === "Release" && rel[2].endsWith(".node") && !rel[2].startsWith("test_")
    );
  };
}

/** Copy a symlink as a symlink (pnpm's links are relative, so they stay right in the copy). */
function copyLink(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  symlinkSync(readlinkSync(src), dest);
}

/**
 * Copy the runtime into `dest` (the future /usr/lib/hbx). Timestamps are kept: the tools'
 * launchers use a bundle only while it is newer than every file it was made from.
 */
export function copyRuntime(root: string, dest: string): void {
  const keep = { preserveTimestamps: true, verbatimSymlinks: true };
  for (const pkg of workspacePackages(root)) {
    const from = join(root, "packages", pkg);
    const to = join(dest, "packages", pkg);
    cpSync(join(from, "package.json"), join(to, "package.json"), keep);
    if (existsSync(join(from, "dist")))
      cpSync(join(from, "dist"), join(to, "dist"), { ...keep, recursive: true, filter: isRuntimeDistFile });
    for (const dir of ["bin", "agents"])
      if (existsSync(join(from, dir))) cpSync(join(from, dir), join(to, dir), { ...keep, recursive: true });
    const nm = join(from, "node_modules");
    for (const name of moduleEntries(nm)) {
      if (notAtRunTime(name) || !lstatSync(join(nm, name)).isSymbolicLink()) continue;
      copyLink(join(nm, name), join(to, "node_modules", name));
    }
  }
  cpSync(join(root, "schemas"), join(dest, "schemas"), { ...keep, recursive: true });
  const closure = thirdPartyClosure(root);
  for (const id of closure) {
    const nm = join(root, "node_modules", ".pnpm", id, "node_modules");
    for (const name of moduleEntries(nm)) {
      const src = join(nm, name);
      const to = join(dest, "node_modules", ".pnpm", id, "node_modules", name);
      if (lstatSync(src).isSymbolicLink()) {
        const target = storeId(root, realpathSync(src));
        if (target !== undefined && closure.has(target)) copyLink(src, to);
      } else cpSync(src, to, { ...keep, recursive: true, filter: nativeAddonFilter(src) });
    }
  }
}
