import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCibadmin, runCrmFailcount, runCrmResource } from "@hbx/cli";
import { fixtureText, pacemakerAvailable, repoRoot, runHbx, runPacemaker } from "./harness.js";

const built = existsSync(path.join(repoRoot, "packages", "cli", "dist", "cibadmin", "main.js"));

/**
 * The inputs of issue 11 that got through: each is refused now, in one line with its place,
 * with Pacemaker's exit code for invalid input, and the CIB file is left byte-for-byte as it was.
 */
const original = fixtureText();

function inputFile(name: string, text: string | Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hbx-hard-"));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The fixture with a DOCTYPE before <cib> and `value` of cluster-name set to `ref`. */
function withDoctype(doctype: string, ref: string): string {
  return `<?xml version="1.0"?>\n${doctype}\n${original.replace('value="web"', `value="${ref}"`)}`;
}

const BILLION_LAUGHS = withDoctype(
  `<!DOCTYPE cib [\n<!ENTITY a0 "lol">\n${Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`).join("\n")}\n]>`,
  "&a9;",
);
const XXE = withDoctype(`<!DOCTYPE cib [<!ENTITY x SYSTEM "file:///etc/hostname">]>`, "&x;");

function expectOneLineRefusal(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split("\n")).toHaveLength(1);
}

describe("hardened input through cibadmin's file path", () => {
  it("refuses a billion-laughs replace at its DOCTYPE line and stores nothing", async () => {
    const file = inputFile("laughs.xml", BILLION_LAUGHS);
    const r = await runHbx(runCibadmin, ["-R", "-x", file], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`${file}:2:1: refused: DTDs and entities are not accepted (found <!DOCTYPE)`);
    expectOneLineRefusal(r.stderr);
    expect(r.cib).toBe(original);
  });

  it("refuses an external entity from stdin and from -X without a stack trace", async () => {
    const p = await runHbx(runCibadmin, ["-R", "-p"], original, XXE);
    expect(p.code).toBe(78);
    expect(p.stderr).toContain("<stdin>:2:1: refused: DTDs and entities are not accepted");
    expectOneLineRefusal(p.stderr);
    const x = await runHbx(runCibadmin, ["-R", "-X", XXE], original);
    expect(x.code).toBe(78);
    expect(x.stderr).toContain("<-X string>:2:1: refused");
    for (const r of [p, x]) expect(r.cib).toBe(original);
  });

  it("refuses 100,000 levels of nesting with its line, exit 78", async () => {
    const deep = original.replace("<status>", `<status>\n${"<x>".repeat(100_000)}${"</x>".repeat(100_000)}`);
    const file = inputFile("deep.xml", deep);
    const r = await runHbx(runCibadmin, ["-R", "-x", file], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/deep\.xml:\d+:\d+: refused: elements nest deeper than 256 levels/);
    expectOneLineRefusal(r.stderr);
    expect(r.cib).toBe(original);
  });

  it("refuses an input over HBX_XML_MAX_BYTES by its size, before reading it", async () => {
    const file = inputFile(
      "big.xml",
      original.replace("<status>", `<status>\n<!--${"x".repeat(300_000)}-->`),
    );
    const dir = mkdtempSync(path.join(tmpdir(), "hbx-big-"));
    const cib = path.join(dir, "cib.xml");
    writeFileSync(cib, original);
    const { memoryIo } = await import("@hbx/cli");
    const io = memoryIo({ CIB_file: cib, HBX_XML_MAX_BYTES: "256K" });
    expect(await runCibadmin(["-R", "-x", file], io)).toBe(78);
    expect(io.err).toMatch(
      /big\.xml: refused: \d+\.\d KiB \(\d+ bytes\) is over the 256 KiB limit for XML input/,
    );
  });

  it("refuses a set of 40,000 nvpairs at the 20,001st, before the schema validator's quadratic run", async () => {
    const nvpairs = Array.from(
      { length: 40_000 },
      (_, i) => `<nvpair id="a-${i}" name="A-${i}" value="${i}"/>`,
    );
    const big = original.replace(
      '<instance_attributes id="nodes-2">',
      `<instance_attributes id="nodes-2">\n${nvpairs.join("\n")}`,
    );
    const file = inputFile("many.xml", big);
    const started = performance.now();
    const r = await runHbx(runCibadmin, ["-R", "-x", file], original);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/many\.xml:\d+:1: refused: <instance_attributes> has more than 20000 children/);
    expect(r.cib).toBe(original);
  });

  it.skipIf(!built)(
    "stops reading an endless stdin at the size limit (built cibadmin; run npx tsc -b tsconfig.build.json)",
    () => {
      const cib = inputFile("cib.xml", original);
      const cibadmin = path.join(repoRoot, "node_modules", ".bin", "cibadmin");
      const r = spawnSync("sh", ["-c", `yes '<nvpair id="x"/>' | "${cibadmin}" -R -p`], {
        env: { ...process.env, CIB_file: cib, HBX_XML_MAX_BYTES: "1M" },
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(r.status).toBe(78);
      expect(r.stderr).toMatch(/<stdin>: refused: 1\.\d MiB \(\d+ bytes\) is over the 1 MiB limit/);
      expect(readFileSync(cib, "utf8")).toBe(original);
    },
  );

  it("refuses bytes that are not UTF-8 instead of storing U+FFFD", async () => {
    const bytes = Buffer.from(original.replace('value="web"', 'value="w\u00e9b"'), "utf8");
    const at = bytes.indexOf(0xc3);
    bytes[at] = 0xff;
    const file = inputFile("latin.xml", bytes);
    const r = await runHbx(runCibadmin, ["-R", "-x", file], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/latin\.xml:7:\d+: refused: invalid UTF-8 \(byte 0xff/);
    expect(r.cib).toBe(original);
  });
});

describe("the root of a replace is the section being written", () => {
  const configuration = original.slice(original.indexOf("  <configuration>"), original.indexOf("  <status>"));

  it("replaces only the configuration with a <configuration> root and -o configuration", async () => {
    const changed = configuration.replace('value="web"', 'value="shop"');
    const r = await runHbx(runCibadmin, ["-R", "-o", "configuration", "-X", changed], original);
    expect(r.code).toBe(0);
    expect(r.cib).toContain('name="cluster-name" value="shop"');
    expect(r.cib).toContain('<primitive id="vip"');
    expect(r.cib).toContain('<node_state id="1"');
  });

  it("refuses a root that is not the -o section nor inside it, naming both (105 as Pacemaker)", async () => {
    const r = await runHbx(runCibadmin, ["-R", "-o", "resources", "-X", configuration], original);
    expect(r.code).toBe(105);
    expect(r.stderr).toContain(
      "expected <resources> (the -o section) or an element inside it, found <configuration>",
    );
    expect(r.cib).toBe(original);
  });

  it.skipIf(!pacemakerAvailable)("Pacemaker refuses that mismatch with 105 too", () => {
    expect(runPacemaker("cibadmin", ["-R", "-o", "resources", "-X", configuration], original).code).toBe(105);
  });

  it("refuses an empty <configuration> that would remove every resource, node and constraint", async () => {
    for (const argv of [
      ["-R", "-X", "<configuration/>"],
      ["-R", "-o", "configuration", "-X", "<configuration/>"],
    ]) {
      const r = await runHbx(runCibadmin, argv, original);
      expect(r.code, argv.join(" ")).toBe(78);
      expect(r.cib).toBe(original);
    }
  });
});

describe("typed values are checked where they are written", () => {
  it.each([
    ["resource-stickiness", "banana", "a score"],
    ["migration-threshold", "-5", "a non-negative integer or INFINITY"],
    ["is-managed", "banana", "a boolean"],
  ])("crm_resource --meta -p %s -v %s is refused", async (name, value, expected) => {
    const r = await runHbx(runCrmResource, ["-r", "vip", "--meta", "-p", name, "-v", value], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`${name}="${value}" is not valid; expected ${expected}`);
    expect(r.stderr).toContain("primitive[@id='vip']");
    expect(r.cib).toBe(original);
  });

  it("an rsc_location score of banana is refused by name, as Pacemaker's schema refuses it", async () => {
    const loc = '<rsc_location id="loc-banana" rsc="vip" node="beta" score="banana"/>';
    const r = await runHbx(runCibadmin, ["-C", "-o", "constraints", "-X", loc], original);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`rsc_location[@id='loc-banana']: score="banana" is not valid`);
    expect(r.cib).toBe(original);
  });

  it.skipIf(!pacemakerAvailable)("Pacemaker refuses the banana score with 78 too", () => {
    const loc = '<rsc_location id="loc-banana" rsc="vip" node="beta" score="banana"/>';
    expect(runPacemaker("cibadmin", ["-C", "-o", "constraints", "-X", loc], original).code).toBe(78);
  });

  it("an op interval of banana is refused", async () => {
    const r = await runHbx(
      runCibadmin,
      ["-M", "-X", '<op id="vip-monitor-10s" interval="banana"/>'],
      original,
    );
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(
      `op[@id='vip-monitor-10s']: interval="banana" is not valid; expected a duration`,
    );
    expect(r.cib).toBe(original);
  });

  it("good values in all of Pacemaker's spellings still go through", async () => {
    for (const [name, value] of [
      ["resource-stickiness", "-INFINITY"],
      ["migration-threshold", "INFINITY"],
      ["is-managed", "no"],
    ]) {
      const r = await runHbx(runCrmResource, ["-r", "vip", "--meta", "-p", name, "-v", value], original);
      expect(r.code, `${name}=${value}`).toBe(0);
    }
  });
});

describe("crm_failcount on an unknown resource", () => {
  it("is refused with 105 and 'Resource nosuch not found', writing nothing", async () => {
    for (const argv of [
      ["-r", "nosuch", "-v", "3", "-N", "alpha"],
      ["-r", "nosuch", "-D", "-N", "alpha"],
    ]) {
      const r = await runHbx(runCrmFailcount, argv, original);
      expect(r.code, argv.join(" ")).toBe(105);
      expect(r.stderr).toContain("Resource 'nosuch' not found");
      expect(r.cib).toBe(original);
    }
  });

  it.skipIf(!pacemakerAvailable)("Pacemaker's crm_failcount -D refuses it with 105 too", () => {
    const r = runPacemaker("crm_failcount", ["-r", "nosuch", "-D", "-N", "alpha"], original);
    expect(r.code).toBe(105);
    expect(r.stderr).toContain("Resource 'nosuch' not found");
  });

  it("still sets the count of a known resource", async () => {
    const r = await runHbx(runCrmFailcount, ["-r", "vip", "-v", "3", "-N", "alpha"], original);
    expect(r.code).toBe(0);
    expect(r.cib).toContain('name="fail-count-vip" value="3"');
  });
});
