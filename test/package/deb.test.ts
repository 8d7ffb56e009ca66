import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "@hbx/cib";
import { TOOL_DOCS } from "@hbx/cli";
import { type BuiltPackage, INSTALL, buildPackage } from "../../tools/src/package/build.js";
import { type Target, chooseTarget, dpkg, dropTarget, entriesUnder, installed } from "./install.js";

const HAS_DPKG = existsSync("/usr/bin/dpkg-deb") && existsSync("/usr/bin/dpkg");
const IS_ROOT = process.getuid?.() === 0;
const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
const LOGROTATE = "/usr/sbin/logrotate";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The OPTIONS section of a man page as text: roff's \- and font escapes undone. */
function manOptions(file: string): string {
  const roff = gunzipSync(readFileSync(file)).toString("utf8");
  return roff
    .slice(roff.indexOf(".SH OPTIONS"))
    .replace(/\\-/g, "-")
    .replace(/\\f[BIR]/g, "");
}

describe.skipIf(!HAS_DPKG)("the Debian package (skipped where dpkg is not installed)", () => {
  let out: string;
  let built: BuiltPackage;
  beforeAll(async () => {
    // The package is made from the tree's build output: build what is stale first.
    const r = spawnSync("npx", ["tsc", "-b", "tools"], { cwd: repoRoot, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
    out = mkdtempSync(join(tmpdir(), "hbx-deb-"));
    built = await buildPackage(repoRoot, out);
    if (built.staleBundles.length > 0)
      process.stdout.write(
        `package test: stale bundles run from their modules: ${built.staleBundles.join(" ")}\n`,
      );
  }, 180_000);
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("keeps the bundles the tree's launchers would use usable in the package (timestamps kept)", () => {
    expect(built.staleBundles, `in the tree: ${built.staleInTree.join(" ")}`).toEqual(built.staleInTree);
  });

  it("is built by dpkg-deb for this machine's architecture, depending on nodejs 20 or later", () => {
    const info = execFileSync("dpkg-deb", ["-f", built.deb], { encoding: "utf8" });
    const arch = execFileSync("dpkg", ["--print-architecture"], { encoding: "utf8" }).trim();
    expect(info).toMatch(/^Package: hbx$/m);
    expect(info).toContain(`Architecture: ${arch}`);
    expect(info).toMatch(/^Depends: nodejs \(>= 20\)$/m);
    const files = execFileSync("dpkg-deb", ["-c", built.deb], { encoding: "utf8" });
    for (const c of built.commands) expect(files).toContain(`./${INSTALL.sbin}/${c.name} -> `);
    for (const f of [INSTALL.unit, INSTALL.logrotate, `${INSTALL.doc}/copyright`])
      expect(files).toContain(`./${f}\n`);
    // better-sqlite3's native addon, compiled on the build machine, and nothing of its C build.
    expect(files).toMatch(/better-sqlite3\/build\/Release\/better_sqlite3\.node\n/);
    expect(files).not.toMatch(/better-sqlite3\/(deps|src)\//);
  });

  describe.skipIf(!IS_ROOT)("installed with dpkg -i (skipped unless the test runs as root)", () => {
    let target: Target;
    let listed: string[] = [];
    let removed = false;
    const at = (p: string) => join(target.root || "/", p);
    beforeAll(() => {
      target = chooseTarget();
      process.stdout.write(`package test installs into ${target.why}\n`);
      dpkg(target, "-i", built.deb);
      listed = dpkg(target, "-L", "hbx").trim().split("\n");
    }, 120_000);
    afterAll(() => {
      // Whatever failed, the machine is left as it was found.
      if (!removed && target && installed("hbx", target.root)) dpkg(target, "--purge", "hbx");
      if (target) dropTarget(target);
    });

    it("runs hbxd --version and the tools from /usr/sbin", () => {
      const version = execFileSync(at("usr/sbin/hbxd"), ["--version"], { encoding: "utf8" });
      expect(version).toBe(`hbxd ${built.version}\nWritten by the hbx project contributors\n`);
      const cib = join(repoRoot, "examples/nginx-vip/cib.xml");
      const verify = spawnSync(at("usr/sbin/crm_verify"), ["-x", cib], { encoding: "utf8" });
      expect(verify.status, verify.stderr).toBe(0);
      const sim = execFileSync(at("usr/sbin/crm_simulate"), ["-Ss", "-x", cib], { encoding: "utf8" });
      expect(sim).toContain("Allocation scores:");
    });

    it("starts hbxd from the installed tree, answers the tools over --socket and stops cleanly on SIGTERM", async () => {
      const dir = mkdtempSync(join(tmpdir(), "hbx-deb-run-"));
      const haDir = join(dir, "ha.d");
      mkdirSync(haDir);
      const port = 22000 + (process.pid % 1000);
      writeFileSync(
        join(haDir, "ha.cf"),
        `logfile ${join(dir, "ha-log")}\nkeepalive 100ms\ndeadtime 800ms\ninitdead 800ms\nudpport ${port}\nucast lo 127.0.0.2\nnode solo\ncrm on\n`,
      );
      writeFileSync(join(haDir, "authkeys"), "auth 1\n1 md5 d3bian\n", { mode: 0o600 });
      const socket = join(dir, "hbxd.sock");
      const args = [
        "--ha-dir",
        haDir,
        "--node",
        "solo",
        "--state-dir",
        join(dir, "state"),
        "--socket",
        socket,
      ];
      const hbxd: ChildProcess = spawn(at("usr/sbin/hbxd"), [...args, "--bind", "127.0.0.1"], {
        stdio: "pipe",
      });
      let log = "";
      hbxd.stderr?.on("data", (d: Buffer) => (log += d.toString()));
      const exited = new Promise<number | null>((r) => hbxd.on("exit", (code) => r(code)));
      try {
        let status = spawnSync(at("usr/sbin/cl_status"), ["hbstatus", "--socket", socket], {
          encoding: "utf8",
        });
        for (let i = 0; i < 100 && status.status !== 0; i++) {
          await sleep(100);
          status = spawnSync(at("usr/sbin/cl_status"), ["hbstatus", "--socket", socket], {
            encoding: "utf8",
          });
        }
        expect(status.stdout, log).toBe("Heartbeat is running on this machine.\n");
        // The CIB lives in SQLite: the installed better-sqlite3 addon loads and answers.
        const q = execFileSync(at("usr/sbin/cibadmin"), ["-Q", "--socket", socket], { encoding: "utf8" });
        expect(q).toMatch(/^<cib /);
      } finally {
        hbxd.kill("SIGTERM");
      }
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it("passes systemd-analyze verify on hbxd.service", (ctx) => {
      if (!existsSync(SYSTEMD_ANALYZE)) {
        process.stdout.write("systemd-analyze verify skipped: systemd-analyze is not installed\n");
        return ctx.skip();
      }
      const unit = at(INSTALL.unit);
      let r;
      if (target.root === "") r = spawnSync(SYSTEMD_ANALYZE, ["verify", unit], { encoding: "utf8" });
      else {
        // The unit names /usr/sbin/hbxd and man:hbxd(8): show the scratch root's /usr over the
        // machine's, in a mount namespace of this command only.
        const lay = ["usr/sbin", "usr/lib", "usr/share/man"]
          .map((d) => `mount -t overlay overlay -o lowerdir=${join(target.root, d)}:/${d} /${d}`)
          .join(" && ");
        const probe = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c", lay], {
          encoding: "utf8",
        });
        if (probe.status !== 0) {
          process.stdout.write(`systemd-analyze verify skipped: cannot overlay /usr here: ${probe.stderr}\n`);
          return ctx.skip();
        }
        r = spawnSync(
          "unshare",
          [
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            `${lay} && exec ${SYSTEMD_ANALYZE} verify ${unit}`,
          ],
          { encoding: "utf8" },
        );
      }
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    });

    it("ships a logrotate file that logrotate reads without an error", (ctx) => {
      if (!existsSync(LOGROTATE)) {
        process.stdout.write("logrotate check skipped: logrotate is not installed\n");
        return ctx.skip();
      }
      const state = join(mkdtempSync(join(tmpdir(), "hbx-logrotate-")), "state");
      const r = spawnSync(LOGROTATE, ["--debug", "--state", state, at(INSTALL.logrotate)], {
        encoding: "utf8",
      });
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.status).toBe(0);
      rmSync(join(state, ".."), { recursive: true, force: true });
    });

    it("has a man page for every command listing every option of that command's option table", () => {
      for (const doc of TOOL_DOCS) {
        const text = manOptions(at(`${INSTALL.man8}/${doc.tool}.8.gz`));
        for (const o of doc.options) {
          if (o.short) expect(text, `${doc.tool} -${o.short}`).toContain(`-${o.short}`);
          for (const l of o.long ?? []) expect(text, `${doc.tool} --${l}`).toContain(`--${l}`);
        }
      }
      const hbxd = manOptions(at(`${INSTALL.man8}/hbxd.8.gz`));
      for (const o of ["--ha-dir", "--node", "--state-dir", "--socket", "--pidfile", "--version"])
        expect(hbxd).toContain(o);
      if (existsSync("/usr/bin/groff")) {
        for (const c of built.commands) {
          const page = gunzipSync(readFileSync(at(`${INSTALL.man8}/${c.name}.8.gz`)));
          const g = spawnSync("groff", ["-man", "-ww", "-z"], { input: page, encoding: "utf8" });
          expect(g.stderr, `${c.name}.8`).toBe("");
        }
      }
    });

    it("completes option names and sub-commands in bash", () => {
      const complete = (words: string[]) =>
        execFileSync(
          "bash",
          [
            "-c",
            `source "$1"; COMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _hbx_${words[0]}; printf '%s\\n' "\${COMPREPLY[@]}"`,
            "complete",
            at(`${INSTALL.completions}/${words[0]}`),
          ],
          { encoding: "utf8" },
        )
          .trim()
          .split("\n");
      expect(complete(["crm_simulate", "--output-"])).toEqual(["--output-as", "--output-to"]);
      expect(complete(["cl_status", "list"]).sort()).toEqual(["listhblinks", "listnodes"]);
    });

    it("is removed again by dpkg --purge, leaving nothing behind", () => {
      dpkg(target, "--purge", "hbx");
      removed = true;
      expect(installed("hbx", target.root)).toBe(false);
      if (target.root === "") {
        for (const p of listed) if (!p.endsWith("/")) expect(existsSync(p) && !isDirectory(p), p).toBe(false);
        expect(existsSync("/usr/lib/hbx")).toBe(false);
      } else {
        expect(entriesUnder(target.root, (rel) => rel.startsWith("var/lib/dpkg"))).toEqual([]);
      }
    });
  });
});

function isDirectory(p: string): boolean {
  return spawnSync("test", ["-d", p]).status === 0;
}
