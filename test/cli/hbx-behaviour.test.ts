import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  memoryIo,
  runCibadmin,
  runCrmFailcount,
  runCrmNode,
  runCrmResource,
  runCrmVerify,
  runCrmAttribute,
  runCrmStandby,
} from "@hbx/cli";
import { fixtureText, runHbx, versionOf } from "./harness.js";

/** Behaviour hbx has where Pacemaker 2.1.5 on a CIB file has none (or crashes), and the workflow. */
describe("Heartbeat v2 forms Pacemaker 2.1 dropped", () => {
  it("-p target_role updates the nvpair that exists under either spelling instead of adding a second one", async () => {
    const r = await runHbx(
      runCrmResource,
      ["-r", "nginx", "-p", "target_role", "-v", "stopped"],
      fixtureText(),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Set 'nginx' option: id=nginx-meta_attributes-target_role name=target_role value=stopped\n",
    );
    expect(r.cib).toContain(
      '<nvpair id="nginx-meta_attributes-target_role" name="target_role" value="stopped"/>',
    );
    expect(r.cib).not.toContain("nginx-instance_attributes");
    const modern = await runHbx(
      runCrmResource,
      ["-r", "nginx", "--meta", "-p", "target-role", "-v", "Started"],
      fixtureText(),
    );
    expect(modern.cib).toContain('name="target_role" value="Started"');
    expect(modern.cib).not.toContain("nginx-meta_attributes-target-role");
  });

  it("-p is_managed updates an existing is-managed meta attribute", async () => {
    const r = await runHbx(
      runCrmResource,
      ["-p", "is_managed", "-r", "db", "-t", "primitive", "-v", "off"],
      fixtureText(),
    );
    expect(r.cib).toContain('<nvpair id="db-meta_attributes-is-managed" name="is-managed" value="off"/>');
    expect(r.cib).not.toContain("db-instance_attributes");
  });

  it("-C -H node -r rsc clears fail counts and history, counting a status update", async () => {
    const r = await runHbx(runCrmResource, ["-C", "-H", "alpha", "-r", "db"], fixtureText());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Cleaned up db on alpha\n");
    expect(r.cib).not.toContain("fail-count-db");
    expect(r.cib).not.toContain("last-failure-db");
    expect(r.cib).not.toContain('lrm_resource id="db"');
    expect(r.cib).toContain('lrm_resource id="vip"');
    expect(versionOf(r.cib)).toBe("0.12.4");
  });

  it("a clean-up without failures changes nothing; -P re-probes everything on a node", async () => {
    const none = await runHbx(runCrmResource, ["--cleanup", "-r", "vip"], fixtureText());
    expect(none.cib).toBe(fixtureText());
    const probe = await runHbx(runCrmResource, ["-P", "-H", "beta"], fixtureText());
    expect(probe.code).toBe(0);
    expect(probe.cib).not.toMatch(/on_node="beta"/);
    expect(probe.cib).toMatch(/on_node="alpha"/);
  });

  it("crm_failcount -v sets a count (Heartbeat v2) and -D forgets it", async () => {
    const set = await runHbx(runCrmFailcount, ["-v", "3", "-r", "vip", "-U", "beta"], fixtureText());
    expect(set.code).toBe(0);
    expect(set.cib).toContain('<nvpair id="status-2-fail-count-vip" name="fail-count-vip" value="3"/>');
    const io = memoryIo({ CIB_file: writeTemp(set.cib) });
    expect(await runCrmFailcount(["-G", "-r", "vip", "-N", "beta"], io)).toBe(0);
    expect(io.out).toBe("scope=status  name=fail-count-vip value=3\n");
    const del = await runHbx(runCrmFailcount, ["-D", "-r", "db", "-N", "alpha"], fixtureText());
    expect(del.stdout).toBe("Cleaned up db on alpha\n");
    expect(del.cib).not.toContain("fail-count-db");
  });

  it("--move then --clear leaves the constraints as they were; --clear --expired keeps live ones", async () => {
    const moved = await runHbx(
      runCrmResource,
      ["--move", "-r", "vip", "-N", "beta", "--lifetime", "PT1H"],
      fixtureText(),
    );
    expect(moved.cib).toContain('<rsc_location id="cli-prefer-vip" rsc="vip" role="Started">');
    const file = writeTemp(moved.cib);
    const keep = memoryIo({ CIB_file: file });
    expect(await runCrmResource(["-U", "-r", "vip", "--expired"], keep)).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("cli-prefer-vip");
    const clear = memoryIo({ CIB_file: file });
    expect(await runCrmResource(["-U", "-r", "vip"], clear)).toBe(0);
    expect(clear.out).toBe("Removing constraint: cli-prefer-vip\n");
    expect(readFileSync(file, "utf8")).not.toContain("cli-prefer-vip");
  });
});

describe("the replace-and-apply workflow", () => {
  it("cibadmin -Q > tmp.xml; edit; cibadmin -R -x tmp.xml applies the edit, bumps epoch, says what changed", async () => {
    const file = writeTemp(fixtureText());
    const q = memoryIo({ CIB_file: file });
    expect(await runCibadmin(["-Q"], q)).toBe(0);
    const tmp = path.join(path.dirname(file), "tmp.xml");
    writeFileSync(tmp, q.out.replace('type="IPaddr2">', 'type="IPaddr3">'));
    const r = memoryIo({ CIB_file: file });
    expect(await runCibadmin(["-R", "-x", tmp, "-V"], r)).toBe(0);
    expect(versionOf(readFileSync(file, "utf8"))).toBe("0.13.0");
    expect(r.err).toContain("CIB 0.12.3 -> 0.13.0");
    expect(r.err).toContain(
      "~ /cib/configuration/resources/primitive[@id='vip']: type 'IPaddr2' -> 'IPaddr3'",
    );
    // Applying the same, now stale, copy again is refused.
    const again = memoryIo({ CIB_file: file });
    expect(await runCibadmin(["-R", "-x", tmp], again)).toBe(103);
    expect(again.err).toContain("0.12.3 but the CIB is at 0.13.0, which is newer");
  });

  it("-V lists added and removed elements once, at the top of each subtree", async () => {
    const r = await runHbx(runCrmResource, ["--ban", "-r", "vip", "-N", "beta", "-V"], fixtureText());
    expect(r.stderr).toContain("+ /cib/configuration/constraints/rsc_location[@id='cli-ban-vip-on-beta']");
    const d = await runHbx(
      runCibadmin,
      ["-D", "-X", '<rsc_location id="loc-db-ping"/>', "-V"],
      fixtureText(),
    );
    expect(d.stderr.split("\n").filter((l) => l.startsWith("- "))).toEqual([
      "- /cib/configuration/constraints/rsc_location[@id='loc-db-ping']",
    ]);
  });
});

describe("crm_verify's checks beyond the schema", () => {
  const withConstraints = (xml: string) =>
    fixtureText().replace(
      '<rsc_order id="ord-vip-web" first="vip" then="web" kind="Mandatory"/>',
      `<rsc_order id="ord-vip-web" first="vip" then="web" kind="Mandatory"/>${xml}`,
    );

  it("reports an ordering loop with every constraint in it", async () => {
    const io = memoryIo(
      {},
      withConstraints(
        '<rsc_order id="ord-web-db" first="web" then="db"/><rsc_order id="ord-db-vip" first="db" then="vip"/>',
      ),
    );
    expect(await runCrmVerify(["-p"], io)).toBe(0);
    expect(io.err).toContain(
      "warning: ordering loop: vip then web then db then vip (constraints ord-vip-web, ord-web-db, ord-db-vip)",
    );
    expect(io.err).toContain("Warnings found during check: config may not be valid");
  });

  it("reports a resource colocated with itself and one colocated with a resource banned everywhere", async () => {
    const io = memoryIo(
      {},
      withConstraints(
        '<rsc_colocation id="self" rsc="db" with-rsc="db" score="INFINITY"/>' +
          '<rsc_location id="no-a" rsc="vip" node="alpha" score="-INFINITY"/><rsc_location id="no-b" rsc="vip" node="beta" score="-INFINITY"/><rsc_location id="no-g" rsc="vip" node="gamma" score="-INFINITY"/>',
      ),
    );
    expect(await runCrmVerify(["-p", "-V"], io)).toBe(0);
    expect(io.err).toContain(`<rsc_colocation id="self">: resource 'db' cannot be colocated with itself`);
    expect(io.err).toContain(
      `<rsc_colocation id="col-web-vip">: 'web' must run with 'vip', which is banned from every node`,
    );
    expect(io.err).toContain("resource 'vip' is banned from every node");
  });

  it("reports duplicate ids and dangling references as errors naming the ids", async () => {
    const io = memoryIo(
      {},
      fixtureText()
        .replace('id="fs-monitor-20s"', 'id="vip-monitor-10s"')
        .replace('first="vip"', 'first="ghost"'),
    );
    expect(await runCrmVerify(["-p"], io)).toBe(78);
    expect(io.err).toContain("error: id 'vip-monitor-10s' is used twice");
    expect(io.err).toContain(`<rsc_order id="ord-vip-web">: first references an unknown id 'ghost'`);
    expect(io.err).toContain("crm_verify: Errors found during check: config not valid");
  });

  it("reports malformed XML with file:line:column", async () => {
    const file = writeTemp("<cib>\n  <configuration>\n</cib>\n");
    const io = memoryIo({});
    expect(await runCrmVerify(["-x", file], io)).toBe(1);
    expect(io.err).toMatch(
      new RegExp(
        `Couldn't parse input file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*:3:\\d+: not well-formed`,
      ),
    );
  });

  it("speaks XML with --output-as xml", async () => {
    const io = memoryIo({}, fixtureText().replace('first="vip"', 'first="ghost"'));
    expect(await runCrmVerify(["-p", "--output-as", "xml"], io)).toBe(78);
    expect(io.out).toContain('<status code="78" message="Invalid configuration">');
    expect(io.out).toContain("first references an unknown id &apos;ghost&apos;".replace(/&apos;/g, "'"));
  });
});

describe("crm_node and every tool's --help and --version", () => {
  it("lists nodes from the CIB with their membership", async () => {
    const r = await runHbx(runCrmNode, ["-l"], fixtureText());
    expect(r.stdout).toBe("1 alpha member\n2 beta member\n3 gamma lost\n");
    const p = await runHbx(runCrmNode, ["-p"], fixtureText());
    expect(p.stdout).toBe("alpha beta\n");
  });

  it("prints help with examples and a version for every tool", async () => {
    const tools = [
      runCibadmin,
      runCrmResource,
      runCrmFailcount,
      runCrmAttribute,
      runCrmStandby,
      runCrmNode,
      runCrmVerify,
    ];
    for (const run of tools) {
      const h = memoryIo({});
      expect(await run(["--help"], h)).toBe(0);
      expect(h.out).toContain("Examples");
      const v = memoryIo({});
      expect(await run(["--version"], v)).toBe(0);
      expect(v.out).toContain("compatible with Pacemaker 2.1.5");
    }
  });
});

function writeTemp(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "hbx-beh-")), "cib.xml");
  writeFileSync(file, text);
  return file;
}

describe("crm_resource's agent options reach the agent runner", () => {
  it("--list-standards and --list-ocf-providers list what is installed", async () => {
    const io = memoryIo({});
    expect(await runCrmResource(["--list-standards"], io)).toBe(0);
    expect(io.out.split("\n")).toContain("ocf");
    const p = memoryIo({});
    expect(await runCrmResource(["--list-ocf-providers"], p)).toBe(0);
    expect(p.out.split("\n")).toContain("heartbeat");
  });

  it("--show-metadata prints an agent's metadata and --force-check runs a CIB resource's monitor", async () => {
    const io = memoryIo({});
    expect(await runCrmResource(["--show-metadata", "ocf:heartbeat:Dummy"], io)).toBe(0);
    expect(io.out).toContain('<resource-agent name="Dummy"');
    const check = memoryIo({ CIB_file: writeTemp(fixtureText()) });
    // Dummy is not running on this machine: monitor says "not running" (OCF 7), crm_resource exits 7.
    expect(await runCrmResource(["--force-check", "-r", "fs"], check)).toBe(7);
  });
});
