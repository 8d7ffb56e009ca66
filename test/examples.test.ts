import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseXml, repoRoot, walkElements } from "@hbx/cib";
import { assertHaCfRunnable, loadAuthkeys, loadHaCf, loadHaresources } from "@hbx/transport";
import { run } from "../tools/src/haresources2cib/run.js";
import { crmVerify, crmVerifyAvailable } from "../tools/src/haresources2cib/crm-verify.js";

const EXAMPLES = join(repoRoot, "examples");
const NAMES = [
  "nginx-vip",
  "three-services",
  "mail-server",
  "drbd-filesystem",
  "mysql-scoring",
  "apache-jboss",
];
/** The command each README documents for regenerating cib.xml from haresources. */
const ARGS = [
  "--stdout",
  "-c",
  "ha.cf",
  "--lsb-dir",
  "init.d",
  "--heartbeat-dir",
  "resource.d",
  "haresources",
];
const SCHEMA = join(repoRoot, "schemas", "cib.rng");
const XMLLINT = "/usr/bin/xmllint";

function generate(dir: string): { code: number; out: string; err: string } {
  const io = {
    out: "",
    err: "",
    cwd: dir,
    stdout: (t: string) => (io.out += t),
    stderr: (t: string) => (io.err += t),
  };
  const code = run(ARGS, io);
  return { code, out: io.out, err: io.err };
}

describe("examples", () => {
  it("has exactly the documented examples, each with ha.cf, authkeys, cib.xml and a README", () => {
    const dirs = readdirSync(EXAMPLES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== "lib")
      .map((d) => d.name);
    expect(dirs.sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) {
      for (const f of ["ha.cf", "authkeys", "cib.xml", "README.md"]) {
        expect(existsSync(join(EXAMPLES, name, f)), `${name}/${f}`).toBe(true);
      }
      expect(readFileSync(join(EXAMPLES, name, "README.md"), "utf8")).toContain("chmod 600 authkeys");
    }
  });

  describe.each(NAMES)("%s", (name) => {
    const dir = join(EXAMPLES, name);

    it("has a ha.cf a live node accepts, on loopback, with no warnings", () => {
      const cf = loadHaCf(join(dir, "ha.cf"));
      assertHaCfRunnable(cf);
      expect(cf.warnings).toEqual([]);
      expect(cf.nodes).toHaveLength(2);
      expect(cf.media.map((m) => (m.kind === "ucast" ? m.peer : m.kind))).toEqual(["127.0.0.1", "127.0.0.2"]);
    });

    it("has an authkeys that loads once it is mode 600 and is refused before", () => {
      const tmp = mkdtempSync(join(tmpdir(), `authkeys-${name}-`));
      const copy = join(tmp, "authkeys");
      copyFileSync(join(dir, "authkeys"), copy);
      chmodSync(copy, 0o644);
      expect(() => loadAuthkeys(copy)).toThrow(/bad permissions on keyfile/);
      chmodSync(copy, 0o600);
      const keys = loadAuthkeys(copy);
      expect(keys.keys.get(keys.activeIndex)?.method).toBe("sha1");
    });

    it("has a cib.xml that parses, with every id unique", () => {
      const cib = parseXml(readFileSync(join(dir, "cib.xml"), "utf8"), join(dir, "cib.xml"));
      expect(cib.name).toBe("cib");
      const ids = [...walkElements(cib)].map((e) => e.attrs.id).filter((id) => id !== undefined);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it.skipIf(!existsSync(SCHEMA) || !existsSync(XMLLINT))(
      "has a cib.xml the project's schema accepts",
      () => {
        const r = spawnSync(XMLLINT, ["--noout", "--relaxng", SCHEMA, join(dir, "cib.xml")], {
          encoding: "utf8",
        });
        expect(r.stderr).toMatch(/validates/);
        expect(r.status).toBe(0);
      },
    );

    const hasHaresources = existsSync(join(dir, "haresources"));
    it.skipIf(!hasHaresources)(
      "has a cib.xml that is exactly haresources2cib's output for its haresources",
      () => {
        loadHaresources(join(dir, "haresources"));
        const r = generate(dir);
        expect(r.code).toBe(0);
        // Regenerate with HBX_UPDATE_EXAMPLES=1 after changing haresources2cib or an example.
        if (process.env.HBX_UPDATE_EXAMPLES === "1") writeFileSync(join(dir, "cib.xml"), r.out);
        expect(r.out).toBe(readFileSync(join(dir, "cib.xml"), "utf8"));
      },
    );

    it.skipIf(!hasHaresources || !crmVerifyAvailable())("has a generated cib.xml crm_verify accepts", () => {
      const { status, output } = crmVerify(readFileSync(join(dir, "cib.xml"), "utf8"));
      expect(output).not.toMatch(/error/i);
      expect(status).toBe(0);
    });
  });
});
