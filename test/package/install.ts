import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFLICTING_PACKAGES } from "../../tools/src/package/control.js";

/**
 * Where the test installs the package with dpkg -i. On a machine without Pacemaker's tools it is
 * the machine itself (root "/"). Where Pacemaker's packages own the same /usr/sbin names (the CI
 * machine has them as oracles; hbx declares Conflicts), installing there would mean removing them
 * under the other tests' feet, so dpkg installs into a scratch root of its own (--root) whose
 * database holds the machine's real nodejs entry, so Depends is checked for real.
 */
export interface Target {
  /** "" for the machine itself, else the scratch root's path. */
  root: string;
  why: string;
  /** dpkg's arguments that select this target. */
  dpkgArgs: string[];
}

export function installed(pkg: string, root = ""): boolean {
  const args = root === "" ? [] : [`--admindir=${root}/var/lib/dpkg`];
  const r = spawnSync("dpkg-query", [...args, "-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

export function chooseTarget(): Target {
  const conflicting = CONFLICTING_PACKAGES.filter((p) => installed(p));
  // The machine's own /var/lib/hbx (a running hbxd's state) is never the test's to purge.
  const inUse = existsSync("/var/lib/hbx") && !installed("hbx");
  if (conflicting.length === 0 && !inUse) {
    // A run that died half-way left it installed: start from a clean machine again.
    if (installed("hbx")) execFileSync("dpkg", ["--purge", "hbx"], { stdio: "pipe" });
    return { root: "", why: "this machine", dpkgArgs: [] };
  }
  const root = mkdtempSync(join(tmpdir(), "hbx-dpkg-root-"));
  const admin = join(root, "var/lib/dpkg");
  for (const d of ["info", "updates", "triggers"]) mkdirSync(join(admin, d), { recursive: true });
  const nodejs = execFileSync("dpkg-query", ["-s", "nodejs"], { encoding: "utf8" });
  writeFileSync(join(admin, "status"), `${nodejs.trimEnd()}\n\n`);
  writeFileSync(join(admin, "info/nodejs.list"), "");
  writeFileSync(join(admin, "available"), "");
  const why =
    conflicting.length > 0
      ? `a scratch root: ${conflicting.join(", ")} (installed here) own the same /usr/sbin names`
      : "a scratch root: /var/lib/hbx is in use on this machine";
  // Maintainer scripts run without chroot (the scratch root has no shell) and see DPKG_ROOT.
  return { root, why, dpkgArgs: [`--root=${root}`, "--force-script-chrootless"] };
}

export function dpkg(target: Target, ...args: string[]): string {
  return execFileSync("dpkg", [...target.dpkgArgs, ...args], { encoding: "utf8", stdio: "pipe" });
}

/** Every file and link under dir (directories themselves left out), relative to it. */
export function entriesUnder(dir: string, skip: (rel: string) => boolean = () => false, rel = ""): string[] {
  if (!existsSync(join(dir, rel))) return [];
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    const r = rel === "" ? name : `${rel}/${name}`;
    if (skip(r)) continue;
    if (lstatSync(join(dir, r)).isDirectory()) out.push(...entriesUnder(dir, skip, r));
    else out.push(r);
  }
  return out;
}

/** Remove the scratch root, if the target had one. */
export function dropTarget(target: Target): void {
  if (target.root !== "") rmSync(target.root, { recursive: true, force: true });
}
