import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { TOOL_DOCS } from "@hbx/cli";
import { hbxdHelpText } from "@hbx/crmd";
import { bashCompletion } from "./completion.js";
import { controlFile, copyrightFile } from "./control.js";
import { manPage } from "./man-page.js";
import { type OptionDoc, optionDocs } from "./option-docs.js";
import { copyRuntime, thirdPartyClosure } from "./runtime-tree.js";

/** Where things go on the installed system. */
export const INSTALL = {
  lib: "usr/lib/hbx",
  sbin: "usr/sbin",
  unit: "lib/systemd/system/hbxd.service",
  logrotate: "etc/logrotate.d/hbx",
  man8: "usr/share/man/man8",
  completions: "usr/share/bash-completion/completions",
  doc: "usr/share/doc/hbx",
} as const;

/** One command in /usr/sbin: its name, its launcher under /usr/lib/hbx, its documentation. */
export interface Command {
  name: string;
  /** Relative to /usr/lib/hbx. */
  launcher: string;
  summary: string;
  help: string;
  options: OptionDoc[];
  words: string[];
}

/** hbxd's --help is printed from its own option table; its lines are that table. */
function hbxdOptions(): OptionDoc[] {
  const docs: OptionDoc[] = [];
  for (const line of hbxdHelpText().split("\n")) {
    const m = /^\s+((?:-\S+, )?--[a-z-]+)(?:=([A-Z]+))?\s{2,}(\S.*)$/.exec(line);
    if (m)
      docs.push({
        names: m[1].split(", "),
        value: m[2] ? { name: m[2], optional: false } : undefined,
        description: m[3],
      });
  }
  return docs;
}

/** Every command the package installs, hbxd first. */
export function commands(root: string): Command[] {
  const bins = (
    JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8")) as {
      bin: Record<string, string>;
    }
  ).bin;
  const list: Command[] = [
    {
      name: "hbxd",
      launcher: "packages/crmd/bin/hbxd.js",
      summary: "the hbx cluster node daemon",
      help: hbxdHelpText(),
      options: hbxdOptions(),
      words: [],
    },
  ];
  for (const doc of TOOL_DOCS) {
    if (bins[doc.tool] === undefined)
      throw new Error(`${doc.tool} is documented but not in packages/cli/package.json's bin`);
    list.push({
      name: doc.tool,
      launcher: join("packages/cli", bins[doc.tool]),
      summary: doc.summary,
      help: doc.help,
      options: optionDocs(doc.options, doc.help),
      words: doc.words ?? [],
    });
  }
  const missing = Object.keys(bins).filter((b) => !list.some((c) => c.name === b));
  if (missing.length > 0) throw new Error(`no option table in TOOL_DOCS for: ${missing.join(", ")}`);
  return list;
}

/** Files get 0644, or 0755 when any execute bit was set; directories 0755 (the tree is root's). */
function normaliseModes(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      chmodSync(p, 0o755);
      normaliseModes(p);
    } else chmodSync(p, st.mode & 0o111 ? 0o755 : 0o644);
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function duKiB(dir: string): number {
  return Math.ceil(filesUnder(dir).reduce((n, f) => n + lstatSync(f).size, 0) / 1024);
}

function write(path: string, text: string | Buffer, mode = 0o644): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

export interface BuiltPackage {
  deb: string;
  version: string;
  architecture: string;
  commands: Command[];
  /** Tools whose bundle is older than its inputs: they run from their modules (slower to start). */
  staleBundles: string[];
  /** The same, in the tree the package was made from, just before it was copied. */
  staleInTree: string[];
}

/** The tools under `lib` (a tree laid out as the repository) whose bundle their launcher would not use (decision 0003). */
async function staleBundles(lib: string, cmds: Command[]): Promise<string[]> {
  const { bundleIsFresh } = (await import(pathToFileURL(join(lib, "packages/cli/bin/launch.js")).href)) as {
    bundleIsFresh(bundle: URL, inputs: URL): boolean;
  };
  return cmds
    .filter((c) => c.launcher.startsWith("packages/cli/"))
    .map((c) => c.name)
    .filter((tool) => {
      const dist = pathToFileURL(join(lib, "packages/cli/dist", tool, "/"));
      return !bundleIsFresh(new URL("bundle.mjs", dist), new URL("bundle.inputs", dist));
    });
}

/**
 * Build hbx_<version>_<arch>.deb in outDir from this tree's build output (tsc and the bundles must
 * be built). Only local files are read: no network.
 */
export async function buildPackage(root: string, outDir: string): Promise<BuiltPackage> {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const architecture = execFileSync("dpkg", ["--print-architecture"], { encoding: "utf8" }).trim();
  const stage = join(outDir, `hbx_${version}_${architecture}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const at = (p: string) => join(stage, p);

  const cmds = commands(root);
  const staleInTree = await staleBundles(root, cmds);
  copyRuntime(root, at(INSTALL.lib));
  for (const c of cmds) {
    const launcher = at(join(INSTALL.lib, c.launcher));
    if (!existsSync(launcher))
      throw new Error(`${c.name}: launcher ${c.launcher} missing (is the tree built?)`);
    mkdirSync(at(INSTALL.sbin), { recursive: true });
    // Relative, so the tree also runs when installed under another root (dpkg --root).
    symlinkSync(relative(at(INSTALL.sbin), launcher), at(join(INSTALL.sbin, c.name)));
    const page = manPage({ command: c.name, summary: c.summary, version, help: c.help, options: c.options });
    write(at(join(INSTALL.man8, `${c.name}.8.gz`)), gzipSync(page, { level: 9 }));
    write(at(join(INSTALL.completions, c.name)), bashCompletion(c.name, c.options, c.words));
  }
  cpSync(join(root, "packaging/hbxd.service"), at(INSTALL.unit));
  cpSync(join(root, "packaging/hbx.logrotate"), at(INSTALL.logrotate));
  for (const ex of readdirSync(join(root, "examples"))) {
    if (existsSync(join(root, "examples", ex, "ha.cf")))
      cpSync(join(root, "examples", ex), at(join(INSTALL.doc, "examples", ex)), { recursive: true });
  }
  cpSync(join(root, "README.md"), at(join(INSTALL.doc, "README.md")));
  const thirdParty = [...thirdPartyClosure(root)].sort().map((id) => {
    const nm = join(root, "node_modules/.pnpm", id, "node_modules");
    const name = id.startsWith("@")
      ? id.split("@").slice(0, 2).join("@").replace("+", "/")
      : id.split("@")[0];
    const pj = JSON.parse(readFileSync(join(nm, name, "package.json"), "utf8")) as { license?: string };
    return { name, license: pj.license ?? "see its package.json" };
  });
  write(at(join(INSTALL.doc, "copyright")), copyrightFile(thirdParty));
  normaliseModes(stage);
  const stale = await staleBundles(at(INSTALL.lib), cmds);

  const installedSizeKiB = duKiB(stage);
  const md5sums = filesUnder(stage)
    .filter((f) => !lstatSync(f).isSymbolicLink())
    .map((f) => `${createHash("md5").update(readFileSync(f)).digest("hex")}  ${relative(stage, f)}`)
    .join("\n");
  write(at("DEBIAN/control"), controlFile({ version, architecture, installedSizeKiB }));
  write(at("DEBIAN/conffiles"), `/${INSTALL.logrotate}\n`);
  write(at("DEBIAN/md5sums"), md5sums + "\n");
  for (const script of ["postinst", "prerm", "postrm"])
    write(at(`DEBIAN/${script}`), readFileSync(join(root, "packaging", script)), 0o755);

  const deb = join(outDir, `hbx_${version}_${architecture}.deb`);
  // --root-owner-group: every file root's, whoever builds; gzip: fast to build and to unpack.
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", stage, deb], { stdio: "pipe" });
  rmSync(stage, { recursive: true, force: true });
  return { deb, version, architecture, commands: cmds, staleBundles: stale, staleInTree };
}
