import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseXml, repoRoot } from "@hbx/cib";
import { run } from "./run.js";

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "h2c-run-"));
  writeFileSync(join(dir, "ha.cf"), "node alpha bravo\nucast lo 127.0.0.2\nauto_failback on\n");
  writeFileSync(join(dir, "haresources"), "alpha 127.0.0.10/8/lo nginx\n");
  mkdirSync(join(dir, "init.d"));
  mkdirSync(join(dir, "resource.d"));
  writeFileSync(join(dir, "init.d", "nginx"), "");
  return dir;
}

function call(argv: string[], cwd: string) {
  const io = {
    out: "",
    err: "",
    cwd,
    stdout: (t: string) => (io.out += t),
    stderr: (t: string) => (io.err += t),
  };
  const code = run(argv, io);
  return { code, out: io.out, err: io.err };
}

const DIRS = ["--lsb-dir", "init.d", "--heartbeat-dir", "resource.d"];

describe("haresources2cib run", () => {
  it("prints the CIB with --stdout", () => {
    const dir = workdir();
    const r = call(["--stdout", "-c", "ha.cf", ...DIRS, "haresources"], dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.startsWith('<?xml version="1.0"?>\n<cib ')).toBe(true);
    expect(parseXml(r.out, "stdout").name).toBe("cib");
    expect(r.out).toContain('type="nginx"');
  });

  it("writes -o FILE and then refuses to overwrite it, as the original refused an existing cib.xml", () => {
    const dir = workdir();
    expect(call(["-c", "ha.cf", "-o", "cib.xml", ...DIRS, "haresources"], dir).code).toBe(0);
    expect(readFileSync(join(dir, "cib.xml"), "utf8")).toContain('id="group_1"');
    const again = call(["-c", "ha.cf", "-o", "cib.xml", ...DIRS, "haresources"], dir);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/cib.xml or cib.xml.sig exist in .*\nplease remove them/);
  });

  it("reports bad input as file:line and exits 1", () => {
    const dir = workdir();
    writeFileSync(join(dir, "haresources"), "alpha nginx\nalpha 10.0.0.999\n");
    const r = call(["--stdout", "-c", "ha.cf", ...DIRS, "haresources"], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^haresources2cib: .*haresources:2: expected an IPv4 address, found "10.0.0.999"/);
    expect(r.out).toBe("");
  });

  it("names a missing ha.cf given with -c", () => {
    const r = call(["--stdout", "-c", "nope.cf", "haresources"], workdir());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nope.cf: cannot open config file/);
  });

  it("honours --no-monitor and --no-ocf, and answers --help and misuse", () => {
    const dir = workdir();
    const r = call(["--stdout", "--no-monitor", "--no-ocf", "-c", "ha.cf", ...DIRS, "haresources"], dir);
    expect(r.out).not.toContain("monitor");
    expect(r.out).not.toContain('class="ocf"');
    expect(r.err).toMatch(/warning: IPaddr is an unknown resource agent/);
    expect(call(["--help"], dir)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^usage: haresources2cib/),
    });
    expect(call(["--bogus"], dir).code).toBe(2);
  });

  const bin = join(repoRoot, "tools", "dist", "haresources2cib", "main.js");
  it.skipIf(!existsSync(bin))("runs as the built haresources2cib binary", () => {
    const dir = workdir();
    const r = spawnSync(process.execPath, [bin, "--stdout", "-c", "ha.cf", ...DIRS, "haresources"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(call(["--stdout", "-c", "ha.cf", ...DIRS, "haresources"], dir).out);
  });
});
